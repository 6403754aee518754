import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  decodeCloudWatchEvent,
  decodeObjectBody,
  decodeSqsBody,
  parseRecords,
  recordsFromText,
  s3ObjectsInSqsBody,
} from '../../lib/sources';
import { DEEP_ARRAY, DEEP_OBJECT, gzipBombs, INVALID_UTF8, LONG_LINE, POLLUTION_JSON } from './seeds';
import { ciParameters } from './settings';
import { assertPrototypesClean, cloudWatchTarget, objectTarget, propertyOf, sqsTarget, textTarget } from './targets';

const S3_ORIGIN = { envelope: 's3', index: 0, bucket: 'edr-exports', key: 'batch.ndjson.gz' } as const;

function cloudWatchData(payload: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

describe('envelopes under hostile input (bounded fuzzing)', () => {
  afterEach(() => assertPrototypesClean());

  it('decodes any CloudWatch event into records or one typed error, and parses the records without throwing', () => {
    fc.assert(propertyOf(cloudWatchTarget), ciParameters(60));
  });

  it('decodes any SQS body into records or one typed error', () => {
    fc.assert(propertyOf(sqsTarget), ciParameters(150));
  });

  it('decodes any S3 object bytes (plain, gzip, truncated gzip, bombs) into records or one typed error', () => {
    fc.assert(propertyOf(objectTarget), ciParameters(150));
  });

  it('splits any text into records or one typed error', () => {
    fc.assert(propertyOf(textTarget), ciParameters(150));
  });

  it('refuses a 128 MiB gzip bomb at the default 64 MiB limit with envelope-too-large', () => {
    const bomb = gzipBombs().large;
    const object = decodeObjectBody(bomb, S3_ORIGIN);
    expect(object.ok ? 'ok' : object.error.code).toBe('envelope-too-large');
    const cloudWatch = decodeCloudWatchEvent({ awslogs: { data: bomb.toString('base64') } });
    expect(cloudWatch.ok ? 'ok' : cloudWatch.error.code).toBe('envelope-too-large');
  });

  it('accepts an object just under the decompression limit (the bound is not off by a wide margin)', () => {
    const body = Buffer.from(`${'{"a":1}\n'.repeat(1000)}`);
    const result = decodeObjectBody(gzipSync(body), S3_ORIGIN, { limits: { maxDecompressedBytes: body.length } });
    expect(result.ok && result.records.length).toBe(1000);
  });

  it('turns a 10,000-level-deep JSON message into a parse error or an event, never an exception', () => {
    const decoded = decodeCloudWatchEvent(
      cloudWatchData({
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: '/g',
        logStream: 's',
        subscriptionFilters: ['f'],
        logEvents: [{ id: '1', timestamp: 1, message: DEEP_OBJECT }],
      }),
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const batch = parseRecords(decoded.records);
    expect(batch.records).toBe(1);
    expect(batch.events.length + batch.errors.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an SQS body', () => decodeSqsBody(DEEP_ARRAY, { envelope: 'sqs', index: 0, messageId: 'm' })],
    ['an S3 object', () => decodeObjectBody(gzipSync(DEEP_ARRAY), S3_ORIGIN)],
    ['a file', () => recordsFromText(`{"a":\n${DEEP_ARRAY}}`, { envelope: 'file', index: 0, file: 'deep.json' })],
  ])(
    'turns a 10,000-level-deep JSON array in %s into records or a typed error, never an exception',
    (_where, decode) => {
      let result: ReturnType<typeof decode> | undefined;
      expect(() => {
        result = decode();
      }).not.toThrow();
      expect(typeof result?.ok).toBe('boolean');
    },
  );

  it.each([
    ['an object whose toString is not a function', { toString: 1 }],
    ['an object without a prototype', Object.create(null) as object],
  ])('turns awslogs.data that is %s into envelope-invalid, never an exception', (_what, data) => {
    let result: ReturnType<typeof decodeCloudWatchEvent> | undefined;
    expect(() => {
      result = decodeCloudWatchEvent({ awslogs: { data } });
    }).not.toThrow();
    expect(result?.ok === false && result.error.code).toBe('envelope-invalid');
  });

  it('refuses a record over the record size limit with record-too-large and keeps the other records', () => {
    const result = recordsFromText(
      `{"a":1}\n${LONG_LINE}\n{"b":2}`,
      { envelope: 'file', index: 0, file: 'x.log' },
      {
        limits: { maxRecordBytes: 1024 },
      },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records.map((record) => record.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(result.errors.map((error) => error.code)).toEqual(['record-too-large']);
  });

  it('decodes invalid UTF-8 with replacement characters instead of failing the object', () => {
    for (const bytes of INVALID_UTF8) {
      const result = decodeObjectBody(gzipSync(bytes), S3_ORIGIN);
      expect(result.ok).toBe(true);
    }
  });

  it('keeps __proto__ and constructor keys as data: no prototype changes after decoding and parsing', () => {
    const result = decodeSqsBody(POLLUTION_JSON.join('\n'), { envelope: 'sqs', index: 0, messageId: 'm' });
    expect(result.ok).toBe(true);
    if (result.ok) parseRecords(result.records);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(s3ObjectsInSqsBody('{"Records":[{"__proto__":{"polluted":1}}]}')).toBeUndefined();
  });
});
