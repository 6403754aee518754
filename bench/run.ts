/**
 * vmsentry benchmarks. Every throughput number is printed next to the bare decode of the same payload, measured in
 * the same run in alternating rounds (medians), because only such ratios are stable on a shared machine.
 *
 *   npm run bench                       readable table
 *   npm run bench -- --json             one JSON object per line
 *   npm run bench -- --events 10000 --rounds 7 --only handler
 *   npm run bench -- --quick --json     the fast subset CI runs (see QUICK below)
 *
 * Throughput lines: { name, events, baseline_eps, eps, ratio } (+ extra fields named in docs/benchmarks.md).
 * Cold start: { name, runs, baseline_ms, ms, ratio, target?, met?, baseline_median_ms, median_ms } (best of runs,
 * ratio to bare node in the same loop); bundles: { name, bytes, budget }; RSS: { name, events,
 * compressed_bytes | object_bytes, peak_rss_mb, idle_peak_rss_mb, rss_before_mb, limit_mb, ratio } (docs/benchmarks.md, Memory).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FUNCTION_NODE_OPTIONS } from '../cdk/bundling';
import { loadRules } from '../lambdas/runtime';
import { loadRuleDirectory, RuleSet } from '../lib/rules';
import { decodeCloudWatchEvent, parseRecords } from '../lib/sources';
import { SeededRandom } from '../scripts/benign-telemetry/random';
import { sysmonActivityEvents } from '../scripts/benign-telemetry/sysmon-activity';
import { buildCli, REPO_ROOT } from '../scripts/build-cli';
import { bareCloudWatchDecode, bareObjectDecode } from './baseline';
import { bundleLambdas } from './bundle';
import { cloudWatchEventOf, loadCorpus, mixedBatch, ndjsonGzipOf, s3NotificationBody, sqsEventOf } from './corpus';
import { benchCloudWatchHandler, benchConfig, benchEdrHandler } from './handlers';
import { eventsPerSecond, median, paired } from './measure';
import { stubCounts } from './memory-ports';
import { measureRetained, type Retained } from './rule-cost';
import { scaledPack } from './rule-variants';
import { runScaleSimulation, SCALE_SIM_FULL, SCALE_SIM_QUICK, scaleSimRows } from './scale-sim';
import { writeSigmaHqShapedTree } from './sigmahq-shaped';

const REPO = path.join(__dirname, '..');
const RULES_DIR = path.join(REPO, 'rules');

interface Options {
  readonly json: boolean;
  readonly events: number;
  readonly rounds: number;
  readonly coldRuns: number;
  readonly only?: string;
  readonly quick: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const only = value('--only');
  const quick = argv.includes('--quick');
  return {
    json: argv.includes('--json'),
    events: Number(value('--events') ?? (quick ? QUICK.events : 10_000)),
    rounds: Number(value('--rounds') ?? (quick ? QUICK.rounds : 7)),
    coldRuns: Number(value('--cold-runs') ?? 15),
    quick,
    ...(only ? { only } : {}),
  };
}

/**
 * `--quick`: the fast subset CI runs (.ci/run, checked by bench/check-rows.ts): the throughput rows on 1,000 events
 * with 3 rounds and the scale simulation at its small size; the rows that spawn processes, bundle or load thousands
 * of rules are left to the full run unless `--only` names them.
 */
const QUICK = { events: 1_000, rounds: 3, skip: ['sigmahq-windows', 'bundle', 'cold-start', 'peak-rss', 'cli-start'] };

function selected(options: Options, name: string): boolean {
  if (options.only) return name.includes(options.only);
  return !(options.quick && QUICK.skip.some((heavy) => name.includes(heavy)));
}

type Row = Record<string, string | number | boolean>;

class Report {
  readonly rows: Row[] = [];
  constructor(private readonly json: boolean) {}

  add(row: Row): void {
    this.rows.push(row);
    if (this.json) {
      console.log(JSON.stringify(row));
      return;
    }
    const { name, ...rest } = row;
    const text = Object.entries(rest)
      .map(
        ([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : value}`,
      )
      .join('  ');
    console.log(`${String(name).padEnd(34)} ${text}`);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function throughputRow(name: string, events: number, baselineMs: number, candidateMs: number, extra: Row = {}): Row {
  const baselineEps = eventsPerSecond(events, baselineMs);
  const eps = eventsPerSecond(events, candidateMs);
  return { name, events, baseline_eps: baselineEps, eps, ratio: round2(eps / baselineEps), ...extra };
}

function decodeOrThrow(event: { awslogs: { data: string } }) {
  const decoded = decodeCloudWatchEvent(event);
  if (!decoded.ok) throw new Error(`bench payload did not decode: ${decoded.error.reason}`);
  return decoded;
}

async function throughput(options: Options, report: Report): Promise<void> {
  const wants = (name: string) => selected(options, name);
  const corpus = loadCorpus();
  report.add({ name: 'corpus', source: corpus.source });
  const batch = mixedBatch(corpus, { events: options.events, positiveShare: 0.01, seed: 1 });
  const event = cloudWatchEventOf(batch.messages);
  const events = batch.messages.length;
  const meanBytes = Math.round(batch.bytes / events);
  const rules = loadRules(RULES_DIR);
  const baseline = () => bareCloudWatchDecode(event);
  /** A bigger rule set against the pack: detection alone on the same parsed events, and parse + detect vs the floor. */
  let parsedCount: number | undefined;
  const parsedEvents = (): number => {
    parsedCount ??= parseRecords(decodeOrThrow(event).records).events.length;
    return parsedCount;
  };
  const largerPackCost = async (larger: RuleSet) => {
    const parsed = parseRecords(decodeOrThrow(event).records).events;
    const detectWith = (set: RuleSet) => () => {
      let count = 0;
      for (const item of parsed) count += set.match(item).length;
      return count;
    };
    const detectOnly = await paired(detectWith(rules.ruleSet), detectWith(larger), options.rounds);
    const full = await paired(
      baseline,
      () => {
        for (const item of parseRecords(decodeOrThrow(event).records).events) larger.match(item);
      },
      options.rounds,
    );
    return { detectOnly, full };
  };

  if (wants('parse-only')) {
    const result = await paired(baseline, () => parseRecords(decodeOrThrow(event).records), options.rounds);
    report.add(
      throughputRow('parse-only', events, result.baselineMs, result.candidateMs, { mean_event_bytes: meanBytes }),
    );
  }

  if (wants('parse+detect')) {
    let detections = 0;
    const result = await paired(
      baseline,
      () => {
        detections = 0;
        for (const parsed of parseRecords(decodeOrThrow(event).records).events) {
          detections += rules.ruleSet.match(parsed).length;
        }
      },
      options.rounds,
    );
    report.add(
      throughputRow('parse+detect', events, result.baselineMs, result.candidateMs, {
        rules: rules.ruleSet.size,
        positives: batch.positives,
        detections,
      }),
    );
  }

  /** The pack alone, loaded the same way, for the rule-cost rows' load and memory columns. */
  const packLoad = () => measureRetained(() => RuleSet.from(loadRuleDirectory(RULES_DIR).rules));
  /**
   * One `rule-cost:` row: detection alone with a larger set over the pack (same parsed events, interleaved rounds),
   * with what the larger set cost to load and keep. ratio = detect time with the set / with the pack.
   */
  const ruleCostRow = (
    name: string,
    loaded: Retained<RuleSet>,
    pack: Retained<RuleSet>,
    detectOnly: { baselineMs: number; candidateMs: number },
    extra: Row = {},
  ): Row => ({
    name,
    events: parsedEvents(),
    rules: loaded.value.size,
    pack_rules: pack.value.size,
    load_ms: round2(loaded.ms),
    pack_load_ms: round2(pack.ms),
    heap_mb: loaded.heapMb,
    pack_heap_mb: pack.heapMb,
    rss_mb: loaded.rssMb,
    pack_detect_eps: eventsPerSecond(parsedEvents(), detectOnly.baselineMs),
    detect_eps: eventsPerSecond(parsedEvents(), detectOnly.candidateMs),
    ratio: round2(detectOnly.candidateMs / detectOnly.baselineMs),
    target_max_ratio: 3,
    ...extra,
  });

  if (wants('rules-10x') || wants('rule-cost')) {
    const pack = packLoad();
    let failed = 0;
    const loaded = measureRetained(() => {
      const scaled = scaledPack(RULES_DIR, 10, loadRuleDirectory(RULES_DIR).rules);
      failed = scaled.failed;
      return RuleSet.from(scaled.rules);
    });
    const tenfold = loaded.value;
    const { detectOnly, full } = await largerPackCost(tenfold);
    report.add(
      throughputRow('parse+detect-10x-rules', events, full.baselineMs, full.candidateMs, {
        rules: tenfold.size,
        variants_not_compiled: failed,
        detect_ms_pack: round2(detectOnly.baselineMs),
        detect_ms_10x: round2(detectOnly.candidateMs),
        detect_cost_ratio: round2(detectOnly.candidateMs / detectOnly.baselineMs),
      }),
    );
    // load_ms here includes generating the variants' YAML (bench/rule-variants.ts), an upper bound.
    report.add(ruleCostRow('rule-cost:10x-pack', loaded, pack, detectOnly));
  }

  if (wants('sigmahq-windows') || wants('rule-cost')) {
    // SigmaHQ's rules/windows tree loaded beside the pack: a real checkout when VMSENTRY_SIGMA_DIR names one, else a
    // generated stand-in of the same shape (bench/sigmahq-shaped.ts).
    const given = process.env['VMSENTRY_SIGMA_DIR'];
    const dir = given ?? mkdtempSync(path.join(tmpdir(), 'vmsentry-bench-sigmahq-'));
    try {
      const generated = given ? undefined : writeSigmaHqShapedTree(dir);
      const pack = packLoad();
      // Load = YAML parse and compile of the tree, then one index over tree + pack (what a cold start would do).
      let notLoaded = 0;
      let treeRules = 0;
      const loaded = measureRetained(() => {
        const tree = loadRuleDirectory(dir);
        notLoaded = tree.errors.length;
        treeRules = tree.rules.length;
        return RuleSet.from([...loadRuleDirectory(RULES_DIR).rules, ...tree.rules]);
      });
      const { detectOnly, full } = await largerPackCost(loaded.value);
      const treeName = given ? 'VMSENTRY_SIGMA_DIR' : `generated stand-in (${generated} rules)`;
      report.add(
        throughputRow('parse+detect-sigmahq-windows', events, full.baselineMs, full.candidateMs, {
          tree: treeName,
          rules_loaded: treeRules,
          rules_not_loaded: notLoaded,
          load_ms: round2(loaded.ms),
          detect_cost_ratio_to_pack: round2(detectOnly.candidateMs / detectOnly.baselineMs),
        }),
      );
      report.add(
        ruleCostRow('rule-cost:sigmahq-windows', loaded, pack, detectOnly, {
          tree: treeName,
          rules_not_loaded: notLoaded,
        }),
      );
    } finally {
      if (!given) rmSync(dir, { recursive: true, force: true });
    }
  }

  if (wants('cloudwatch-handler')) {
    const counts = stubCounts();
    const handler = benchCloudWatchHandler(rules, counts);
    let published = 0;
    const result = await paired(
      baseline,
      async () => {
        const outcome = await handler(event as never);
        published = outcome?.counts.published ?? 0;
      },
      options.rounds,
    );
    report.add(
      throughputRow('cloudwatch-handler', events, result.baselineMs, result.candidateMs, {
        published,
        mb_per_s: round2(batch.bytes / 1048576 / (result.candidateMs / 1000)),
      }),
    );
  }

  if (wants('cloudwatch-handler-mixed-telemetry')) {
    // Half the batch's events replaced by Sysmon network, image-load, file, registry and DNS events (generated
    // benign, scripts/benign-telemetry): the handler over every category the breadth work added, vs the same floor.
    const activity = sysmonActivityEvents(Math.floor(events / 2), new SeededRandom(5)).map((record) =>
      JSON.stringify(record),
    );
    const mixed = batch.messages.map((message, i) => (i % 2 === 1 ? (activity[i >> 1] ?? message) : message));
    const mixedEvent = cloudWatchEventOf(mixed);
    const counts = stubCounts();
    const handler = benchCloudWatchHandler(rules, counts);
    let published = 0;
    const result = await paired(
      () => bareCloudWatchDecode(mixedEvent),
      async () => {
        const outcome = await handler(mixedEvent as never);
        published = outcome?.counts.published ?? 0;
      },
      options.rounds,
    );
    report.add(
      throughputRow('cloudwatch-handler-mixed-telemetry', mixed.length, result.baselineMs, result.candidateMs, {
        new_category_events: activity.length,
        published,
      }),
    );
  }

  if (wants('edr-handler')) {
    const object = ndjsonGzipOf(batch.messages);
    const counts = stubCounts();
    const handler = benchEdrHandler(rules, counts, new Map([['edr-exports/bench/batch.ndjson.gz', object]]));
    const sqsEvent = sqsEventOf([s3NotificationBody('edr-exports', 'bench/batch.ndjson.gz', object.length)]);
    let failures = 0;
    const result = await paired(
      () => bareObjectDecode(object),
      async () => {
        const response = await handler(sqsEvent as never);
        failures = response.batchItemFailures.length;
      },
      options.rounds,
    );
    report.add(
      throughputRow('edr-handler-s3-object', events, result.baselineMs, result.candidateMs, {
        object_bytes: object.length,
        batch_item_failures: failures,
      }),
    );
  }
}

function spawnMs(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`cold start run failed: ${result.stderr.toString().slice(0, 500)}`);
  return ms;
}

/** Invocations that make the function initialise fully (config, clients, rules) without calling AWS. */
function firstInvocation(name: string): string | undefined {
  if (name === 'cloudwatch-subscription') {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: 1795780800000, message: 'CWL CONTROL MESSAGE: Checking health of destination' }],
    };
    return JSON.stringify({ awslogs: { data: gzipSync(JSON.stringify(control)).toString('base64') } });
  }
  if (name === 'edr-feed') {
    return JSON.stringify(sqsEventOf([JSON.stringify({ note: 'benign inline record with no known format' })]));
  }
  return undefined;
}

/** Cold-start targets of issue 14, as ratios to bare `node` measured in the same loop. */
export const COLD_START_TARGETS: Readonly<Record<string, number>> = {
  'cold-start:cloudwatch-subscription:module-load': 1.5,
  'cold-start:cloudwatch-subscription:init+first-invocation': 2,
};

/**
 * Cold starts of the bundles as deployed (cdk/bundling.ts: the rule pack beside the bundle, the functions'
 * NODE_OPTIONS), each beside bare `node -e 0` in the same loop: one spawn of each in turn per round. The row's figure
 * is the best (minimum) of its runs, because on a shared machine every other run only adds other processes' time;
 * medians are printed beside. `...:with-enable-source-maps` is the same first invocation with Node's source-map
 * support on: what NODE_OPTIONS=--enable-source-maps (the functions' setting before issue 14) costs.
 */
function coldStart(options: Options, report: Report, bundles: ReturnType<typeof bundleLambdas>): void {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ALLOWLIST_TABLE: 'vmsentry-allowlist',
    STATE_TABLE: 'vmsentry-state',
    ALERT_TOPIC_ARN: benchConfig().alertTopicArn,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(FUNCTION_NODE_OPTIONS ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
  };
  const wants = (name: string) => !options.only || name.includes(options.only) || options.only.includes(name);
  for (const bundle of bundles) {
    const prefix = `cold-start:${bundle.name}`;
    if (!wants(prefix)) continue;
    const invocation = firstInvocation(bundle.name);
    const exitOnError = '.catch((e) => { console.error(e); process.exit(1); })';
    const invoke = (flags: readonly string[]) => [
      ...flags,
      '-e',
      `require(${JSON.stringify(bundle.file)}).handler(${invocation}, {})${exitOnError}`,
    ];
    const variants: { name: string; args: readonly string[] }[] = [
      { name: `${prefix}:module-load`, args: ['-e', `require(${JSON.stringify(bundle.file)})`] },
      ...(invocation
        ? [
            { name: `${prefix}:init+first-invocation`, args: invoke([]) },
            { name: `${prefix}:init+first-invocation:with-enable-source-maps`, args: invoke(['--enable-source-maps']) },
          ]
        : []),
    ];
    const bare: number[] = [];
    const times = variants.map(() => [] as number[]);
    spawnMs(['-e', '0'], env);
    for (const variant of variants) spawnMs(variant.args, env);
    for (let run = 0; run < options.coldRuns; run++) {
      bare.push(spawnMs(['-e', '0'], env));
      for (const [index, variant] of variants.entries()) times[index]?.push(spawnMs(variant.args, env));
    }
    const bareMs = Math.min(...bare);
    variants.forEach((variant, index) => {
      const ms = Math.min(...(times[index] ?? []));
      const ratio = round2(ms / bareMs);
      const target = COLD_START_TARGETS[variant.name];
      report.add({
        name: variant.name,
        runs: options.coldRuns,
        baseline_ms: round2(bareMs),
        ms: round2(ms),
        ratio,
        ...(target !== undefined ? { target, met: ratio <= target } : {}),
        baseline_median_ms: round2(median(bare)),
        median_ms: round2(median(times[index] ?? [])),
      });
    });
  }
}

/**
 * CLI start-up: the compiled CLI (dist/cli, what `npm ci` builds and bin/vmsentry.cjs runs) answering `--version` and
 * starting `scan` on a one-line file, each beside bare `node -e 0` in the same loop. Targets: 0.3 s and 0.6 s.
 */
function cliStart(options: { coldRuns: number }, report: Report): void {
  const dir = mkdtempSync(path.join(REPO_ROOT, 'dist-test-cli-bench-'));
  try {
    const bundle = path.join(dir, 'vmsentry.cjs');
    buildCli(bundle);
    const input = path.join(dir, 'one.log');
    writeFileSync(input, 'hello\n');
    const env = { PATH: process.env['PATH'] };
    const run = (args: readonly string[]) => [
      '-e',
      `require(${JSON.stringify(bundle)}).main(${JSON.stringify(args)}).then((c) => process.exit(c === 2 ? 0 : c))`,
    ];
    const cases = [
      { name: 'cli-start:--version', args: run(['--version']), target_ms: 300 },
      { name: 'cli-start:scan-one-line', args: run(['scan', input]), target_ms: 600 },
    ];
    for (const item of cases) {
      spawnMs(item.args, env);
      const bare: number[] = [];
      const cli: number[] = [];
      for (let i = 0; i < options.coldRuns; i++) {
        bare.push(spawnMs(['-e', '0'], env));
        cli.push(spawnMs(item.args, env));
      }
      report.add({
        name: item.name,
        runs: options.coldRuns,
        baseline_ms: round2(median(bare)),
        ms: round2(median(cli)),
        target_ms: item.target_ms,
        ratio: round2(median(cli) / median(bare)),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Messages added until the gzip'd payload reaches ~1 MB: the biggest batch a subscription delivers. */
function largestDelivery(targetCompressedBytes: number): { event: { awslogs: { data: string } }; events: number } {
  const corpus = loadCorpus();
  const pool = mixedBatch(corpus, { events: 60_000, positiveShare: 0.01, seed: 7 }).messages;
  let low = 1;
  let high = pool.length;
  // Binary search on the message count: compressed size grows with it.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const compressed = gzipSync(JSON.stringify({ logEvents: pool.slice(0, mid) })).length;
    if (compressed <= targetCompressedBytes) low = mid;
    else high = mid - 1;
  }
  return { event: cloudWatchEventOf(pool.slice(0, low)), events: low };
}

interface RssRun {
  rssBeforeMb: number;
  peakRssMb: number;
  events: number;
}

/** bench/rss-child.ts in its own process (its max RSS is this one invocation's): the run, and the same idle. */
function rssChild(args: readonly string[]): { run: RssRun; idle: RssRun } {
  const child = (extra: string[]): RssRun => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'rss-child.ts'), ...args, ...extra],
      {
        cwd: REPO,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    if (result.status !== 0) throw new Error(`rss child failed: ${result.stderr.toString().slice(0, 500)}`);
    return JSON.parse(result.stdout.toString().trim().split('\n').pop() ?? '{}') as RssRun;
  };
  return { idle: child(['--skip']), run: child([]) };
}

/** Peak-RSS targets of issue 14 (MB). */
const DELIVERY_RSS_LIMIT_MB = 256;
const EDR_OBJECT_RSS_LIMIT_MB = 300;
const EDR_OBJECT_BYTES = 60 * 1024 * 1024;

function peakRss(report: Report, events: number): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-rss-'));
  try {
    const cases: { name: string; event: { awslogs: { data: string } }; events: number }[] = [];
    const delivery = largestDelivery(1_000_000);
    cases.push({ name: 'peak-rss:1mb-compressed-delivery', ...delivery });
    const corpus = loadCorpus();
    const big = mixedBatch(corpus, { events, positiveShare: 0.01, seed: 1 }).messages;
    cases.push({ name: `peak-rss:${events}-event-delivery`, event: cloudWatchEventOf(big), events });
    for (const item of cases) {
      const file = path.join(dir, 'event.json');
      writeFileSync(file, JSON.stringify(item.event));
      const { run, idle } = rssChild([file]);
      report.add({
        name: item.name,
        events: run.events,
        compressed_bytes: Buffer.from(item.event.awslogs.data, 'base64').length,
        peak_rss_mb: round2(run.peakRssMb),
        idle_peak_rss_mb: round2(idle.peakRssMb),
        rss_before_mb: round2(run.rssBeforeMb),
        limit_mb: DELIVERY_RSS_LIMIT_MB,
        ratio: round2(run.peakRssMb / DELIVERY_RSS_LIMIT_MB),
      });
    }
    // One NDJSON object of 60 MiB (the corpus's records, repeated), streamed from a file as S3 streams a body.
    const objectFile = path.join(dir, 'object.ndjson');
    const lines = mixedBatch(corpus, { events: 20_000, positiveShare: 0.01, seed: 3 }).messages;
    const fd = openSync(objectFile, 'w');
    let written = 0;
    let lineCount = 0;
    try {
      while (written < EDR_OBJECT_BYTES) {
        const line = `${lines[lineCount % lines.length]}\n`;
        written += writeSync(fd, line);
        lineCount++;
      }
    } finally {
      closeSync(fd);
    }
    const { run, idle } = rssChild(['--edr', objectFile]);
    report.add({
      name: 'peak-rss:60mib-edr-object',
      events: run.events,
      lines: lineCount,
      object_bytes: written,
      peak_rss_mb: round2(run.peakRssMb),
      idle_peak_rss_mb: round2(idle.peakRssMb),
      rss_before_mb: round2(run.rssBeforeMb),
      limit_mb: EDR_OBJECT_RSS_LIMIT_MB,
      ratio: round2(run.peakRssMb / EDR_OBJECT_RSS_LIMIT_MB),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const report = new Report(options.json);
  const wants = (name: string) => selected(options, name);
  // `--only cold-start:<bundle>[:row]` runs that bundle's cold start alone.
  const wantsColdStart = wants('cold-start') || options.only?.startsWith('cold-start:') === true;
  // The throughput rows need the corpus batch and the pack loaded: not worth it for a cold-start or bundle run alone.
  if (!/^(?:cold-start|bundle)/.test(options.only ?? '')) await throughput(options, report);
  if (wants('bundle') || wantsColdStart) {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-bench-bundles-'));
    try {
      const bundles = bundleLambdas(dir);
      if (wants('bundle'))
        for (const b of bundles) report.add({ name: `bundle:${b.name}`, bytes: b.bytes, budget: b.budget });
      if (wantsColdStart) coldStart(options, report, bundles);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (wants('peak-rss')) peakRss(report, options.events);
  if (wants('cli-start')) cliStart(options, report);
  if (wants('scale-sim')) await scaleSim(options, report);
}

// --- scale simulation (bench/scale-sim.ts, docs/scale.md) ---------------------------------------------------------

/** Concurrent handler invocations against dynalite and fauxqs: throughput, contention, AWS calls, exactly-once. */
async function scaleSim(options: Options, report: Report): Promise<void> {
  const size = options.quick ? SCALE_SIM_QUICK : SCALE_SIM_FULL;
  const result = await runScaleSimulation(size, RULES_DIR);
  for (const row of scaleSimRows(result, size)) report.add(row);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
