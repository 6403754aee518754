import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../../bin/cli-io';
import {
  cloudWatchDeliveries,
  messagesOf,
  readManifest,
  sampleDeliveries,
  sqsDelivery,
} from '../../bin/local/scenario';
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

  describe('of user files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-local-files-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('inflate a gzip file to the same messages as the plain file', async () => {
      const plain = 'test/cli/fixtures/auditd-qemu.txt';
      const zipped = path.join(dir, 'auditd.gz');
      writeFileSync(zipped, gzipSync(readFileSync(plain)));
      const messages = await messagesOf(zipped);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages).toEqual(await messagesOf(plain));
    });

    it('refuse a binary file with a usage error naming it (exit 2)', async () => {
      const binary = path.join(dir, 'core.bin');
      writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x00, 0x0a]));
      const read = messagesOf(binary);
      await expect(read).rejects.toBeInstanceOf(UsageError);
      await expect(read).rejects.toThrow(`cannot read ${binary}: binary data, not log text (NUL byte at byte 2)`);
    });
  });
});
