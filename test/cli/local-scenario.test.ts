import { cloudWatchDeliveries, readManifest, sampleDeliveries, sqsDelivery } from '../../bin/local/scenario';
import { decodeCloudWatchEvent, decodeSqsBody } from '../../lib/sources';

describe('local mode deliveries', () => {
  it('are CloudWatch subscription events that decode to the messages, in order, with group and stream', () => {
    const [delivery, ...rest] = cloudWatchDeliveries(
      ['first', 'second'],
      { logGroup: '/g', logStream: 'i-0123456789abcdef0' },
      1_000,
    );
    expect(rest).toEqual([]);
    if (delivery?.kind !== 'cloudwatch') throw new Error('expected a CloudWatch delivery');
    const decoded = decodeCloudWatchEvent(delivery.event);
    if (!decoded.ok) throw new Error(decoded.error.reason);
    expect(decoded.records.map((r) => [r.text, r.position.logGroup, r.position.logStream, r.timestampMs])).toEqual([
      ['first', '/g', 'i-0123456789abcdef0', 1_000],
      ['second', '/g', 'i-0123456789abcdef0', 1_001],
    ]);
  });

  it('split a large file into several payloads, as CloudWatch does', () => {
    const messages = Array.from({ length: 4500 }, (_, i) => `line ${i}`);
    expect(cloudWatchDeliveries(messages, { logGroup: '/g', logStream: 's' }, 0).map((d) => d.records)).toEqual([
      2000, 2000, 500,
    ]);
  });

  it('put EDR events inline in one SQS message body', () => {
    const delivery = sqsDelivery(['{"a":1}', '{"a":2}'], 'q');
    const [record] = delivery.event.Records;
    if (!record) throw new Error('no SQS record');
    expect(record.eventSourceARN).toBe('arn:aws:sqs:us-east-1:000000000000:q');
    const decoded = decodeSqsBody(record.body, { envelope: 'sqs', index: 0, messageId: record.messageId });
    if (!decoded.ok) throw new Error(decoded.error.reason);
    expect(decoded.records.map((r) => r.json)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('cover every bundled sample file of the manifest', async () => {
    const manifest = readManifest();
    const deliveries = await sampleDeliveries();
    expect(deliveries.filter((d) => d.kind === 'cloudwatch')).toHaveLength(manifest.cloudwatch.length);
    expect(deliveries.filter((d) => d.kind === 'sqs')).toHaveLength(manifest.sqs.length);
    expect(deliveries.every((d) => d.records > 0)).toBe(true);
  });
});
