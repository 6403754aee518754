import fc from 'fast-check';
import { decodeSqsBody, s3ObjectsInSqsBody } from '../../../lib/sources/envelopes/sqs';
import { s3NotificationBody } from '../../support/s3-notification';

const s3Notification = JSON.parse(s3NotificationBody('edr-replicator', 'data/2026/11/27/part+00001.gz', 1024));

describe('SQS message bodies', () => {
  it('names the objects of an S3 event notification, decoding the URL-encoded key', () => {
    expect(s3ObjectsInSqsBody(JSON.stringify(s3Notification))).toEqual([
      { bucket: 'edr-replicator', key: 'data/2026/11/27/part 00001.gz', size: 1024 },
    ]);
  });

  it('unwraps a notification that came through SNS', () => {
    const body = JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: JSON.stringify(s3Notification) });
    expect(s3ObjectsInSqsBody(body)?.[0]?.bucket).toBe('edr-replicator');
  });

  it('reads EventBridge "Object Created" events', () => {
    const body = JSON.stringify({
      version: '0',
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      time: '2026-11-27T12:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::edr-replicator'],
      detail: {
        version: '0',
        bucket: { name: 'edr-replicator' },
        object: {
          key: 'x/y.json.gz',
          size: 5,
          etag: 'b1946ac92492d2347c6235b4d2611184',
          sequencer: '00617F08299329D189',
        },
        'request-id': 'N4N7GDK58NMKJ12R',
        requester: '123456789012',
        reason: 'PutObject',
      },
    });
    expect(s3ObjectsInSqsBody(body)).toEqual([{ bucket: 'edr-replicator', key: 'x/y.json.gz', size: 5 }]);
  });

  it('reads CrowdStrike Falcon Data Replicator notifications', () => {
    const body = JSON.stringify({
      cid: 'abcdef0123456789abcdef0123456789',
      timestamp: 1764244800000,
      fileCount: 2,
      totalSize: 300,
      bucket: 'cs-prod-cannon-abc',
      pathPrefix: 'data/5b3c',
      files: [
        { path: 'data/5b3c/part-00000.gz', size: 100, checksum: 'x' },
        { path: 'data/5b3c/part-00001.gz', size: 200, checksum: 'y' },
      ],
    });
    expect(s3ObjectsInSqsBody(body)?.map((ref) => ref.key)).toEqual([
      'data/5b3c/part-00000.gz',
      'data/5b3c/part-00001.gz',
    ]);
  });

  it('treats the s3:TestEvent as a notification with no objects', () => {
    expect(s3ObjectsInSqsBody(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual(
      [],
    );
  });

  it('says "not a notification" for inline events and garbage', () => {
    expect(s3ObjectsInSqsBody(JSON.stringify({ event_simpleName: 'ProcessRollup2' }))).toBeUndefined();
    expect(s3ObjectsInSqsBody('not json')).toBeUndefined();
    expect(s3ObjectsInSqsBody(JSON.stringify({ Records: [{ eventSource: 'aws:ec2' }] }))).toBeUndefined();
  });

  it('decodes inline events: one object, an array, or NDJSON, positioned by message id', () => {
    const origin = { envelope: 'sqs' as const, index: 0, messageId: 'msg-1' };
    const one = decodeSqsBody('{"a":1}', origin);
    const array = decodeSqsBody('[{"a":1},{"a":2}]', origin);
    const lines = decodeSqsBody('{"a":1}\n{"a":2}\n', origin);
    expect(one.ok && one.records.map((record) => record.json)).toEqual([{ a: 1 }]);
    expect(array.ok && array.records.map((record) => record.position)).toEqual([
      { ...origin, index: 0 },
      { ...origin, index: 1 },
    ]);
    expect(lines.ok && lines.records.map((record) => record.position.line)).toEqual([1, 2]);
  });

  it('unwraps SNS-delivered inline events', () => {
    const body = JSON.stringify({ Type: 'Notification', Message: '{"a":1}' });
    const result = decodeSqsBody(body, { envelope: 'sqs', index: 0 });
    expect(result.ok && result.records[0]?.json).toEqual({ a: 1 });
  });

  it('rejects an empty body with a typed error', () => {
    expect(decodeSqsBody('  ', { envelope: 'sqs', index: 0, messageId: 'm' })).toMatchObject({
      ok: false,
      error: { code: 'envelope-invalid', position: { messageId: 'm' } },
    });
  });

  it('never throws on arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        s3ObjectsInSqsBody(body);
        decodeSqsBody(body, { envelope: 'sqs', index: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
