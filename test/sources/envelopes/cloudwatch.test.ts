import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeCloudWatchEvent, isCloudWatchPayload } from '../../../lib/sources/envelopes/cloudwatch';
import { subscriptionEvent, subscriptionPayload } from '../../support/cloudwatch';

describe('CloudWatch Logs subscription envelope', () => {
  it('decodes base64 + gzip into one record per log event, keeping group, stream and event ids', () => {
    const payload = subscriptionPayload(['{"a":1}', 'type=SYSCALL msg=audit(1.0:1): syscall=59'], {
      logGroup: '/aws/ec2/sysmon',
      logStream: 'i-0abc1234def567890',
    });
    const result = decodeCloudWatchEvent(subscriptionEvent(payload));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.control).toBe(false);
    expect(result.records).toHaveLength(2);
    const [first, second] = result.records;
    expect(first?.json).toEqual({ a: 1 });
    expect(second?.json).toBeUndefined();
    expect(second?.text).toContain('SYSCALL');
    expect(first?.position).toMatchObject({
      envelope: 'cloudwatch',
      index: 0,
      logGroup: '/aws/ec2/sysmon',
      logStream: 'i-0abc1234def567890',
      eventId: payload.logEvents[0]?.id,
    });
    expect(first?.timestampMs).toBe(payload.logEvents[0]?.timestamp);
    expect(first?.context).toMatchObject({ logGroup: '/aws/ec2/sysmon', accountId: '123456789012' });
  });

  it('accepts an already decoded payload (a saved file)', () => {
    const result = decodeCloudWatchEvent(subscriptionPayload(['x']), { file: 'saved.json' });
    expect(result.ok && result.records[0]?.position).toMatchObject({ envelope: 'file', file: 'saved.json', index: 0 });
  });

  it('treats CONTROL_MESSAGE as a health check with no records', () => {
    const payload = {
      ...subscriptionPayload(['CWL CONTROL MESSAGE: Checking health of destination']),
      messageType: 'CONTROL_MESSAGE',
    };
    const result = decodeCloudWatchEvent(subscriptionEvent(payload));
    expect(result).toMatchObject({ ok: true, control: true, records: [] });
  });

  it('applies the first log-group hint whose prefix matches', () => {
    const payload = subscriptionPayload(['x'], { logGroup: '/aws/eks/prod/cluster' });
    const result = decodeCloudWatchEvent(subscriptionEvent(payload), {
      formatHints: [
        { prefix: '/aws/ec2/', format: 'sysmon-windows' },
        { prefix: '/aws/eks/', format: 'k8s-audit' },
      ],
    });
    expect(result.ok && result.records[0]?.context.formatHint).toBe('k8s-audit');
  });

  it('refuses a decompression bomb with a typed error instead of expanding it', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    const result = decodeCloudWatchEvent(
      { awslogs: { data: bomb.toString('base64') } },
      { limits: { maxDecompressedBytes: 1024 * 1024 } },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'envelope-too-large', format: 'unknown' } });
  });

  it.each([
    ['data that is not base64', { awslogs: { data: '%%%not base64%%%' } }, 'envelope-invalid'],
    ['base64 that is not gzip', { awslogs: { data: Buffer.from('plain').toString('base64') } }, 'envelope-invalid'],
    ['gzip that is not JSON', { awslogs: { data: gzipSync('nope').toString('base64') } }, 'envelope-invalid'],
    ['JSON that is not a payload', subscriptionEvent({ hello: 'world' }), 'envelope-invalid'],
    [
      'an unknown messageType',
      subscriptionEvent({ ...subscriptionPayload(['x']), messageType: 'OTHER' }),
      'envelope-invalid',
    ],
  ])('rejects %s with a typed envelope error', (_name, event, code) => {
    const result = decodeCloudWatchEvent(event);
    expect(result).toMatchObject({ ok: false, error: { code } });
  });

  it.each([
    ['owner is a number', { owner: 123456789012 }, 'owner: expected string, received number'],
    ['logGroup is missing', { logGroup: undefined }, 'logGroup: expected string, received undefined'],
    ['logStream is null', { logStream: null }, 'logStream: expected string, received null'],
    ['subscriptionFilters is a string', { subscriptionFilters: 'f' }, 'subscriptionFilters: expected array'],
    ['a filter name is not a string', { subscriptionFilters: ['f', 7] }, 'subscriptionFilters.1: expected string'],
  ])('names the envelope field that is wrong when %s', (_name, change, reason) => {
    const result = decodeCloudWatchEvent(subscriptionEvent({ ...subscriptionPayload(['x']), ...change }));
    expect(result).toMatchObject({ ok: false, error: { code: 'envelope-invalid' } });
    expect(!result.ok && result.error.reason).toContain(reason);
  });

  it('accepts envelope keys it does not know and an empty filter list (the documented fields only are checked)', () => {
    const result = decodeCloudWatchEvent(
      subscriptionEvent({
        ...subscriptionPayload(['x']),
        subscriptionFilters: [],
        policyLevel: 'ACCOUNT_LEVEL_POLICY',
      }),
    );
    expect(result.ok && result.records.map((record) => record.text)).toEqual(['x']);
  });

  it('rejects a payload that is an array, not an object', () => {
    const result = decodeCloudWatchEvent(subscriptionEvent([subscriptionPayload(['x'])]));
    expect(!result.ok && result.error.reason).toContain('expected object, received array');
  });

  it('keeps good log events when one is malformed, reporting the bad one with its position', () => {
    const payload = subscriptionPayload(['good one', 'good two']);
    (payload.logEvents as unknown[]).splice(1, 0, { id: 'bad', timestamp: 1, message: 42 });
    const result = decodeCloudWatchEvent(subscriptionEvent(payload));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records.map((record) => record.text)).toEqual(['good one', 'good two']);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'envelope-invalid',
        position: expect.objectContaining({ index: 1, eventId: 'bad' }),
      }),
    ]);
  });

  it('refuses a record over the size cap and keeps the rest', () => {
    const result = decodeCloudWatchEvent(subscriptionPayload(['x'.repeat(2000), 'small']), {
      limits: { maxRecordBytes: 1000 },
    });
    expect(result.ok && result.records.map((record) => record.text)).toEqual(['small']);
    expect(result.ok && result.errors[0]).toMatchObject({ code: 'record-too-large', position: { index: 0 } });
  });

  it('recognises payloads and Lambda events, and nothing else', () => {
    expect(isCloudWatchPayload(subscriptionPayload(['x']))).toBe(true);
    expect(isCloudWatchPayload(subscriptionEvent(subscriptionPayload(['x'])))).toBe(true);
    expect(isCloudWatchPayload({ Records: [] })).toBe(false);
    expect(isCloudWatchPayload('awslogs')).toBe(false);
  });

  it('never throws on arbitrary input: the result is records or a typed error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.uint8Array().map((bytes) => ({ awslogs: { data: Buffer.from(bytes).toString('base64') } })),
        ),
        (event) => {
          const result = decodeCloudWatchEvent(event);
          if (!result.ok) expect(typeof result.error.reason).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });
});
