import { classifyFailureMessage, describeStreamMetadata } from '../../lib/adapters/sqs-failure-records';

const CW = { awslogs: { data: 'H4sIAAAAAAAAA6tWKkktLlGyUlBKSSxJVKoFAJ3nLr4SAAAA' } };

describe('classifyFailureMessage', () => {
  it('reads the original CloudWatch event out of an async on-failure destination record', () => {
    const body = JSON.stringify({
      version: '1.0',
      requestContext: { requestId: 'r1', condition: 'RetriesExhausted' },
      requestPayload: CW,
      responsePayload: {},
    });
    expect(classifyFailureMessage(body)).toEqual({
      kind: 'cloudwatch',
      origin: 'on-failure',
      event: CW,
      requestId: 'r1',
      condition: 'RetriesExhausted',
    });
  });

  it('reads a raw CloudWatch event kept by a dead-letter queue', () => {
    expect(classifyFailureMessage(JSON.stringify(CW))).toEqual({ kind: 'cloudwatch', origin: 'dlq', event: CW });
  });

  it('takes the bodies of an SQS event in an on-failure record, and any other body as an EDR feed message', () => {
    const onFailure = JSON.stringify({
      requestContext: {},
      requestPayload: { Records: [{ body: 'a' }, { body: 'b' }] },
    });
    expect(classifyFailureMessage(onFailure)).toEqual({ kind: 'edr-feed', origin: 'on-failure', bodies: ['a', 'b'] });
    const s3 = JSON.stringify({
      Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }],
    });
    expect(classifyFailureMessage(s3)).toEqual({ kind: 'edr-feed', origin: 'dlq', bodies: [s3] });
    expect(classifyFailureMessage('{"a":1}\n{"b":2}')).toEqual({
      kind: 'edr-feed',
      origin: 'dlq',
      bodies: ['{"a":1}\n{"b":2}'],
    });
  });

  it('reports Kinesis batch info as metadata only, and says so', () => {
    const body = JSON.stringify({
      requestContext: {},
      KinesisBatchInfo: {
        shardId: 's-1',
        startSequenceNumber: '1',
        endSequenceNumber: '9',
        batchSize: 9,
        streamArn: 'arn:k',
      },
    });
    const record = classifyFailureMessage(body);
    expect(record).toEqual({
      kind: 'stream-metadata',
      shardId: 's-1',
      startSequenceNumber: '1',
      endSequenceNumber: '9',
      batchSize: 9,
      streamArn: 'arn:k',
    });
    if (record.kind === 'stream-metadata') expect(describeStreamMetadata(record)).toContain('metadata only');
  });

  it('calls an empty body or an on-failure record with an unknown payload unknown', () => {
    expect(classifyFailureMessage('  ').kind).toBe('unknown');
    expect(classifyFailureMessage(JSON.stringify({ requestContext: {}, requestPayload: { hello: 1 } })).kind).toBe(
      'unknown',
    );
  });
});
