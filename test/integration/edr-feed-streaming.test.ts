import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import type { LoadedRules } from '../../lambdas/runtime';
import type { NormalizedEvent } from '../../lib/model';
import type { QuarantineEntry, QuarantineStore } from '../../lib/quarantine';
import type { RuleSet } from '../../lib/rules';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { s3NotificationBody, sqsRecordOf } from '../support/s3-notification';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  benignSysmonLines,
  freshTables,
  handlerDeps,
  MemoryLogger,
  MemoryMetrics,
  publishedAlerts,
  repoRules,
  snsSucceeds,
  testConfig,
} from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

class ListQuarantine implements QuarantineStore {
  readonly entries: QuarantineEntry[] = [];
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

/** The real rule set, with a count of the events offered to it (each line of these objects is one event). */
function countingRules(rules: LoadedRules, onEvent: () => void): LoadedRules {
  const real = rules.ruleSet;
  const counting = {
    match: (event: NormalizedEvent) => real.match(event),
    couldSee: (event: NormalizedEvent) => {
      onEvent();
      return real.couldSee(event);
    },
  };
  return { ...rules, ruleSet: counting as unknown as RuleSet };
}

/**
 * An S3 body produced on demand, one line per read, gzip'd as it streams: never materialised whole. `produced`
 * counts the lines handed to the gzip stream so far.
 */
function lazyGzipBody(lineAt: (index: number) => string, lines: number) {
  const state = { produced: 0 };
  function* source(): Generator<Buffer> {
    for (let index = 0; index < lines; index++) {
      state.produced++;
      yield Buffer.from(`${lineAt(index)}\n`);
    }
  }
  return { body: Readable.from(source()).pipe(createGzip()), state };
}

describe('EDR feed reads S3 objects line by line (bounded memory, any size)', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
  });

  afterAll(async () => {
    await db.stop();
  });

  beforeEach(() => {
    sns.reset();
    s3.reset();
    snsSucceeds(sns);
  });

  it('detects each line as it streams in: the object is never held, whatever the records per pipeline run', async () => {
    const benign = benignSysmonLines();
    const lines = 6_000;
    const positives = new Map([
      [100, 'S3-STREAM-01'],
      [3_500, 'S3-STREAM-02'],
    ]);
    const lineAt = (index: number) => {
      const host = positives.get(index);
      return host ? sysmonProcessXml({ computer: host, timeMs: T0 }) : (benign[index % benign.length] as string);
    };
    const { body, state } = lazyGzipBody(lineAt, lines);
    let offered = 0;
    let mostAhead = 0;
    const rules = countingRules(repoRules(), () => {
      offered++;
      mostAhead = Math.max(mostAhead, state.produced - offered);
    });
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    const metrics = new MemoryMetrics();
    const tables = await freshTables(db);
    const handler = createEdrFeedHandler({
      ...handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000, metrics }),
      rules,
      s3: new S3Client({ region: 'us-east-1' }),
      chunkRecords: 2_000,
    });
    const response = await handler({
      Records: [sqsRecordOf('m-stream', s3NotificationBody('edr-drop', 'big.ndjson.gz', 40 * 1024 * 1024), T0)],
    });
    expect(response.batchItemFailures).toEqual([]);
    // Every line reached detection, and the source was never more than a few hundred lines (the streams' own
    // buffers) ahead of it. Holding a chunk of records before detecting them would put it 2,000 lines ahead.
    expect(offered).toBe(lines);
    expect(mostAhead).toBeLessThan(500);
    // The pipeline still runs per 2,000 records: three runs, AWS calls per chunk, and both alerts went out.
    expect(metrics.counts.filter((count) => count.name === 'RecordsIn').map((count) => count.value)).toEqual([
      2_000, 2_000, 2_000,
    ]);
    expect(
      publishedAlerts(sns)
        .map((alert) => alert.host)
        .sort(),
    ).toEqual(['s3-stream-01', 's3-stream-02']);
  });

  it('reads an object of any size: one over-long line is that line’s error, with its line number, not the object’s', async () => {
    const quarantine = new ListQuarantine();
    const benign = benignSysmonLines();
    const hugeLine = `{"junk":"${'A'.repeat(1_200_000)}"}`;
    const lineAt = (index: number) =>
      index === 50
        ? hugeLine
        : index === 99
          ? sysmonProcessXml({ computer: 'S3-AFTER-LONG', timeMs: T0 })
          : (benign[index % benign.length] as string);
    const { body } = lazyGzipBody(lineAt, 100);
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    const metrics = new MemoryMetrics();
    const logger = new MemoryLogger();
    const tables = await freshTables(db);
    const handler = createEdrFeedHandler({
      ...handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000, metrics, logger }),
      s3: new S3Client({ region: 'us-east-1' }),
      quarantine,
    });
    // Announced at 2 GiB: far over the old 32 MiB default cap. Size alone no longer drops an object.
    const response = await handler({
      Records: [sqsRecordOf('m-long', s3NotificationBody('edr-drop', 'long.ndjson.gz', 2 * 1024 ** 3), T0)],
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries.filter((entry) => entry.kind === 'object')).toEqual([]);
    expect(metrics.total('ObjectsUnprocessed')).toBe(0);
    expect(metrics.total('ParseErrors')).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'record not parsed',
        extra: expect.objectContaining({
          code: 'record-too-large',
          envelope: expect.objectContaining({ key: 'long.ndjson.gz', line: 51 }),
        }),
      }),
    );
    expect(publishedAlerts(sns).map((alert) => alert.host)).toEqual(['s3-after-long']);
  });
});
