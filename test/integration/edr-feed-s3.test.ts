/**
 * The EDR feed against a real S3 endpoint (fauxqs): GetObject's body is a real HTTP stream, so what is tested is how
 * the handler reads it: streamed, inflated and split as it arrives, in bounded chunks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import { S3Quarantine } from '../../lib/adapters/s3-quarantine';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';
import { s3NotificationBody, sqsRecordOf } from '../support/s3-notification';
import {
  freshTables,
  handlerDeps,
  MemoryMetrics,
  publishedAlerts,
  repoRules,
  snsSucceeds,
  testConfig,
} from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const BUCKET = 'edr-drop';
const QUARANTINE = 'vmsentry-quarantine';
const MiB = 1024 * 1024;
const sns = mockClient(SNSClient);

// A full collection before each memory sample, so the sample is what is live, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Metrics that also sample live memory each time a chunk has gone through the pipeline (RecordsIn is counted). */
class SamplingMetrics extends MemoryMetrics {
  readonly samples: number[] = [];
  override count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void {
    super.count(name, value, dimensions);
    if (name === 'RecordsIn' && !dimensions) this.samples.push(liveBytes());
  }
}

const crowdstrike = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'edr', 'crowdstrike-pr2-vboxmanage-windows.json'), 'utf8'),
) as Record<string, unknown>;

/** A benign process event (notepad) padded to about 8 KiB in a field no rule reads. */
const BENIGN_LINE = JSON.stringify({
  ...crowdstrike,
  ComputerName: 'BULK-01',
  ImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\notepad.exe',
  CommandLine: 'notepad.exe C:\\notes\\todo.txt',
  Padding: 'x'.repeat(8000),
});

/**
 * A gzip object of about `mib` MiB decompressed, built from concatenated gzip members (as S3 multipart writers and
 * log shippers produce them): one member of 1000 benign lines repeated, then a member with the last line.
 */
function bigGzipObject(mib: number, lastLine: string): { body: Buffer; lines: number } {
  const block = `${Array.from({ length: 1000 }, () => BENIGN_LINE).join('\n')}\n`;
  const member = gzipSync(block, { level: 1 });
  const repeats = Math.ceil((mib * MiB) / block.length);
  const members = Array.from({ length: repeats }, () => member);
  members.push(gzipSync(`${lastLine}\n`));
  return { body: Buffer.concat(members), lines: repeats * 1000 + 1 };
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return sqsRecordOf(messageId, body, T0);
}

describe('EDR feed over real S3 (fauxqs)', () => {
  let db: Dynalite;
  let faux: Fauxqs;

  beforeAll(async () => {
    [db, faux] = await Promise.all([startDynalite(), startFauxqs()]);
    await faux.createBucket(BUCKET);
    await faux.createBucket(QUARANTINE);
    repoRules();
  }, 30_000);

  afterAll(async () => {
    await Promise.all([db.stop(), faux.stop()]);
  });

  beforeEach(() => {
    sns.reset();
    snsSucceeds(sns);
  });

  async function setup(chunkRecords: number) {
    const tables = await freshTables(db);
    const metrics = new SamplingMetrics();
    const config = testConfig(tables, { MAX_OBJECT_BYTES: String(64 * MiB) });
    const quarantine = new S3Quarantine(faux.s3, QUARANTINE, { source: 'edr-feed', clock: () => T0 });
    const handler = createEdrFeedHandler({
      ...handlerDeps(db, config, { clock: () => T0 + 60_000, metrics }),
      s3: faux.s3,
      quarantine,
      chunkRecords,
    });
    return { handler, metrics };
  }

  it('reads a 70 MiB (decompressed) object to its last line, in bounded chunks, with bounded memory', async () => {
    // The only detection is the object's last line: it is found only if nothing of the tail is lost.
    const object = bigGzipObject(70, JSON.stringify({ ...crowdstrike, id: 'tail', ComputerName: 'TAIL-HOST' }));
    await faux.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big/edr.ndjson.gz', Body: object.body }));
    const { handler, metrics } = await setup(1000);

    const baseline = liveBytes();
    const response = await handler({
      Records: [sqsRecord('m-big', s3NotificationBody(BUCKET, 'big/edr.ndjson.gz', object.body.length))],
    });
    const peak = Math.max(...metrics.samples) - baseline;

    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.total('RecordsIn')).toBe(object.lines);
    expect(metrics.total('ParseErrors')).toBe(0);
    expect(metrics.total('ObjectsUnprocessed')).toBe(0);
    // Handed to the pipeline in chunks of at most 1000 records, never the object at once.
    const runs = metrics.counts.filter((c) => c.name === 'RecordsIn' && c.value > 0).map((c) => c.value);
    expect(Math.max(...runs)).toBeLessThanOrEqual(1000);
    expect([...new Set(publishedAlerts(sns).map((a) => a.host))]).toEqual(['tail-host']);
    // The object is never held whole: while it is read, live memory stays far below its 70 MiB.
    expect(metrics.samples.length).toBeGreaterThan(9);
    expect(peak).toBeLessThan(40 * MiB);
  }, 60_000);

  it('samples unparseable records into the quarantine bucket with reason and position', async () => {
    const body = ['not an event at all', JSON.stringify({ ...crowdstrike, ComputerName: 'S3-GOOD' }), '<<garbage>>'];
    await faux.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mixed.ndjson', Body: `${body.join('\n')}\n` }));
    const { handler } = await setup(1000);
    const response = await handler({
      Records: [sqsRecord('m-mixed', s3NotificationBody(BUCKET, 'mixed.ndjson', 100))],
    });
    expect(response.batchItemFailures).toEqual([]);
    expect([...new Set(publishedAlerts(sns).map((a) => a.host))]).toEqual(['s3-good']);
    const listed = await faux.s3.send(
      new ListObjectsV2Command({ Bucket: QUARANTINE, Prefix: 'quarantine/edr-feed/2026/11/27/' }),
    );
    expect(listed.Contents).toHaveLength(1);
    const object = await faux.s3.send(new GetObjectCommand({ Bucket: QUARANTINE, Key: listed.Contents?.[0]?.Key }));
    const entries = (await object.Body!.transformToString())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'record',
        code: 'unknown-format',
        where: `s3://${BUCKET}/mixed.ndjson:1`,
        excerpt: 'not an event at all',
      }),
      expect.objectContaining({
        kind: 'record',
        code: 'unknown-format',
        where: `s3://${BUCKET}/mixed.ndjson:3`,
        excerpt: '<<garbage>>',
      }),
    ]);
  });
});
