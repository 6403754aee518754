import type { AlertPublisher, PublishReport } from '../lib/alerts/publisher';
import { AllowlistUnavailableError, StaticAllowlistStore } from '../lib/allowlist/store';
import { MemoryDedupStore } from '../lib/dedup/memory-store';
import type { DedupStore } from '../lib/dedup/store';
import type { Alert, AllowlistEntry, Detection, NormalizedEvent } from '../lib/model';
import {
  AlertsNotPublishedError,
  ClaimsPendingError,
  DedupStageError,
  type DetectionMatcher,
  type PipelineDeps,
  runPipeline,
} from '../lib/pipeline';
import { detection, processEvent, rule } from './allowlist/fixtures';
import { parsedBatchOf } from './support/parsed-batch';

const NOW = Date.UTC(2026, 10, 27, 12, 30, 0);

/** Matches VBoxManage starts; escalates headless ones like the real rule does. */
const vboxRule: DetectionMatcher = {
  match(event: NormalizedEvent): Detection[] {
    if (!event.fields.Image?.toLowerCase().endsWith('vboxmanage.exe')) return [];
    const headless = event.fields.CommandLine?.includes('headless') ?? false;
    return [detection(event, rule(), headless ? 'high' : 'medium')];
  },
};

const batchOf = parsedBatchOf;

function benign(index: number): NormalizedEvent {
  return processEvent({
    index,
    fields: { Image: 'C:\\Windows\\System32\\svchost.exe', CommandLine: 'svchost -k netsvcs' },
  });
}

function vbox(index: number, hostname = 'ws01.corp.example.com', timeMs = NOW - 60_000): NormalizedEvent {
  return processEvent({ index, host: { hostname }, timeMs });
}

class RecordingPublisher implements AlertPublisher {
  readonly alerts: Alert[] = [];
  calls = 0;
  failNext: 'report' | 'throw' | undefined;
  async publish(alerts: readonly Alert[]): Promise<PublishReport> {
    this.calls += 1;
    const mode = this.failNext;
    this.failNext = undefined;
    if (mode === 'throw') throw new Error('SNS is down');
    if (mode === 'report')
      return { published: [], failed: alerts.map((a) => ({ id: a.id, error: new Error('throttled') })) };
    this.alerts.push(...alerts);
    return { published: alerts.map((a) => a.id), failed: [] };
  }
}

function setup(entries: AllowlistEntry[] = []) {
  const publisher = new RecordingPublisher();
  const dedup = new MemoryDedupStore();
  const allowlistCalls: string[][] = [];
  let allowlistDown = false;
  const inner = new StaticAllowlistStore(entries);
  const allowlist = {
    async entriesFor(keys: readonly string[]) {
      allowlistCalls.push([...keys]);
      if (allowlistDown) throw new AllowlistUnavailableError('DynamoDB unavailable');
      return inner.entriesFor(keys);
    },
  };
  let now = NOW;
  const deps: PipelineDeps = {
    ruleSet: vboxRule,
    allowlist,
    dedup,
    publisher,
    clock: () => now,
    config: { dedupWindowSeconds: 3600, minSeverity: 'low' },
  };
  return {
    deps,
    publisher,
    dedup,
    allowlistCalls,
    setAllowlistDown: (down: boolean) => (allowlistDown = down),
    advance: (ms: number) => (now += ms),
  };
}

describe('runPipeline', () => {
  it('makes no call to any port for a batch without detections, and counts what it saw', async () => {
    const { deps, publisher, dedup, allowlistCalls } = setup();
    const outcome = await runPipeline(batchOf([benign(0), benign(1)]), deps);
    expect(allowlistCalls).toEqual([]);
    expect(dedup.records.size).toBe(0);
    expect(publisher.calls).toBe(0);
    expect(outcome.counts).toMatchObject({ records: 2, events: 2, detections: 0, published: 0 });
  });

  it('drops events no rule could see before matching, and counts them', async () => {
    const { deps, publisher } = setup();
    const seen: NormalizedEvent[] = [];
    const matcher: DetectionMatcher = {
      match: (event) => {
        seen.push(event);
        return vboxRule.match(event);
      },
      couldSee: (event) => event.category === 'process_creation',
    };
    const unrouted: NormalizedEvent = { ...benign(2), category: 'log_event' };
    const outcome = await runPipeline(batchOf([vbox(0), benign(1), unrouted]), { ...deps, ruleSet: matcher });
    expect(seen).toHaveLength(2);
    expect(seen).not.toContain(unrouted);
    expect(outcome.counts).toMatchObject({ events: 3, eventsUnrouted: 1, detections: 1 });
    expect(publisher.calls).toBe(1);
  });

  it('publishes one alert for a detection, checked against the allowlist', async () => {
    const { deps, publisher } = setup();
    const outcome = await runPipeline(batchOf([benign(0), vbox(1)]), deps);
    expect(publisher.alerts).toHaveLength(1);
    expect(publisher.alerts[0]).toMatchObject({
      host: 'ws01.corp.example.com',
      severity: 'high',
      allowlist: 'checked',
    });
    expect(publisher.alerts[0]?.dedup).toMatchObject({ count: 1, windowSeconds: 3600 });
    expect(outcome.counts).toMatchObject({ detections: 1, published: 1, matchesByRule: { [rule().id]: 1 } });
  });

  it('looks up the allowlist once for all hosts of the batch', async () => {
    const { deps, allowlistCalls, publisher } = setup();
    await runPipeline(batchOf([vbox(0, 'a'), vbox(1, 'b'), vbox(2, 'c'), vbox(3, 'a')]), deps);
    expect(allowlistCalls).toEqual([['a', 'b', 'c']]);
    expect(publisher.calls).toBe(1);
    expect(publisher.alerts.map((a) => a.host).sort()).toEqual(['a', 'b', 'c']);
  });

  it('suppresses the allowlisted host and alerts on the other', async () => {
    const { deps, publisher } = setup([{ host: 'ws01', rule: 'attack.t1564.006', reason: 'lab', owner: 'secops' }]);
    const outcome = await runPipeline(
      batchOf([vbox(0, 'ws01.corp.example.com'), vbox(1, 'ws02.corp.example.com')]),
      deps,
    );
    expect(publisher.alerts.map((a) => a.host)).toEqual(['ws02.corp.example.com']);
    expect(outcome.counts).toMatchObject({ allowlisted: 1, published: 1 });
  });

  it('fails closed: when the allowlist cannot be read, alerts go out marked unfiltered', async () => {
    const { deps, publisher, setAllowlistDown } = setup([{ host: 'ws01', rule: '*', reason: 'lab', owner: 'secops' }]);
    setAllowlistDown(true);
    const outcome = await runPipeline(batchOf([vbox(0)]), deps);
    expect(publisher.alerts).toHaveLength(1);
    expect(publisher.alerts[0]?.allowlist).toBe('unfiltered');
    expect(outcome.counts).toMatchObject({ failClosedLookups: 1, allowlisted: 0, published: 1 });
  });

  it('folds detections with the same dedup key into one alert that counts them', async () => {
    const { deps, publisher } = setup();
    const outcome = await runPipeline(batchOf([vbox(0), vbox(1), vbox(2)]), deps);
    expect(publisher.alerts).toHaveLength(1);
    expect(publisher.alerts[0]?.dedup.count).toBe(3);
    expect(outcome.counts).toMatchObject({ published: 1, deduplicated: 2 });
  });

  it('counts repeats in later batches without alerting again, and never counts a retried batch twice', async () => {
    const { deps, publisher, dedup, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    advance(60_000);
    const repeat = await runPipeline(batchOf([vbox(1)]), deps);
    const retry = await runPipeline(batchOf([vbox(1)]), deps);
    expect(publisher.alerts).toHaveLength(1);
    expect(repeat.counts.deduplicated).toBe(1);
    expect(retry.counts.deduplicated).toBe(1);
    expect([...dedup.records.values()][0]?.count).toBe(2);
  });

  it('alerts again once the window has ended, saying how many events the last window had', async () => {
    const { deps, publisher, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    advance(60_000);
    await runPipeline(batchOf([vbox(1)]), deps);
    advance(3600_000);
    await runPipeline(batchOf([vbox(2, 'ws01.corp.example.com', NOW + 3650_000)]), deps);
    expect(publisher.alerts).toHaveLength(2);
    expect(publisher.alerts[1]?.dedup.count).toBe(1);
    expect(publisher.alerts[1]?.context.join(' ')).toContain('2 event(s)');
    expect(publisher.alerts[1]?.id).not.toBe(publisher.alerts[0]?.id);
  });

  it.each(['report', 'throw'] as const)(
    'releases the claim and throws when publishing fails (%s), and the retry publishes the same alert id',
    async (mode) => {
      const { deps, publisher, dedup } = setup();
      publisher.failNext = mode;
      const error = await runPipeline(batchOf([vbox(0)]), deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlertsNotPublishedError);
      expect((error as AlertsNotPublishedError).outcome.counts.publishFailures).toBe(1);
      expect([...dedup.records.values()][0]?.state).toBe('released');
      const retry = await runPipeline(batchOf([vbox(0)]), deps);
      expect(retry.alerts).toHaveLength(1);
      expect(retry.alerts[0]?.id).toBe((error as AlertsNotPublishedError).failures[0]?.id);
      expect(publisher.alerts).toHaveLength(1);
      expect([...dedup.records.values()][0]).toMatchObject({ state: 'published', count: 1 });
    },
  );

  it('never loses the alert when the release also fails: the immediate retry fails until the lease runs out', async () => {
    const { deps, publisher, dedup, advance } = setup();
    const stuck: DedupStore = {
      claim: (request) => dedup.claim(request),
      confirm: (ticket) => dedup.confirm(ticket),
      release: () => Promise.reject(new Error('DynamoDB unavailable')),
    };
    publisher.failNext = 'throw';
    await expect(runPipeline(batchOf([vbox(0)]), { ...deps, dedup: stuck })).rejects.toBeInstanceOf(
      AlertsNotPublishedError,
    );
    const early = await runPipeline(batchOf([vbox(0)]), deps).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ClaimsPendingError);
    expect((early as ClaimsPendingError).outcome.counts.pending).toBe(1);
    expect(publisher.alerts).toHaveLength(0);
    advance(31_000);
    const late = await runPipeline(batchOf([vbox(0)]), deps);
    expect(late.alerts).toHaveLength(1);
    expect(publisher.alerts).toHaveLength(1);
  });

  it('treats an alert the publisher does not report as not published', async () => {
    const { deps, dedup } = setup();
    const silent: AlertPublisher = { publish: async () => ({ published: [], failed: [] }) };
    const error = await runPipeline(batchOf([vbox(0)]), { ...deps, publisher: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertsNotPublishedError);
    expect([...dedup.records.values()][0]?.state).toBe('released');
  });

  it('publishes the keys it could claim and throws for the one whose claim failed (per-key isolation)', async () => {
    const { deps, publisher, dedup } = setup();
    let calls = 0;
    const flaky: DedupStore = {
      claim: (request) => (++calls === 2 ? Promise.reject(new Error('throttled')) : dedup.claim(request)),
      confirm: (ticket) => dedup.confirm(ticket),
      release: (ticket) => dedup.release(ticket),
    };
    const error = await runPipeline(batchOf([vbox(0, 'a'), vbox(1, 'b')]), { ...deps, dedup: flaky }).catch((e) => e);
    expect(error).toBeInstanceOf(DedupStageError);
    expect(publisher.alerts.map((alert) => alert.host)).toEqual(['a']);
    expect([...dedup.records.values()].map((record) => record.state)).toEqual(['published']);
  });

  it('keeps the alert published when confirming fails, and counts it', async () => {
    const { deps, publisher, dedup } = setup();
    const lossy: DedupStore = {
      claim: (request) => dedup.claim(request),
      confirm: () => Promise.reject(new Error('network')),
      release: (ticket) => dedup.release(ticket),
    };
    const outcome = await runPipeline(batchOf([vbox(0)]), { ...deps, dedup: lossy });
    expect(publisher.alerts).toHaveLength(1);
    expect(outcome.counts.confirmLost).toBe(1);
  });

  it('drops detections below the minimum severity and those of correlation-only rules', async () => {
    const { deps, publisher, allowlistCalls } = setup();
    const quiet = processEvent({ index: 5, fields: { Image: 'C:\\VBoxManage.exe', CommandLine: 'startvm x' } });
    const high = await runPipeline(batchOf([quiet]), { ...deps, config: { ...deps.config, minSeverity: 'high' } });
    expect(high.counts).toMatchObject({ detections: 1, belowMinSeverity: 1, published: 0 });
    const feeding = await runPipeline(batchOf([quiet]), { ...deps, correlationOnly: new Set([rule().id]) });
    expect(feeding.counts).toMatchObject({ detections: 1, correlationOnly: 1, published: 0 });
    expect(allowlistCalls).toEqual([]);
    expect(publisher.calls).toBe(0);
  });

  it('alerts on detections the correlator raises from the batch', async () => {
    const { deps, publisher } = setup();
    const correlated = rule({ id: 'corr-1', title: 'VM started twice', severity: 'critical' });
    const correlator = {
      process: async (detections: readonly Detection[]) =>
        detections.length >= 2 ? [detection((detections.at(-1) as Detection).event, correlated)] : [],
    };
    const outcome = await runPipeline(batchOf([vbox(0), vbox(1)]), { ...deps, correlator });
    expect(outcome.counts.detections).toBe(3);
    expect(publisher.alerts.map((a) => a.ruleId).sort()).toEqual(['b00bdefb-960f-4e30-8c9a-2f483722a761', 'corr-1']);
  });

  it('publishes a minimal fallback alert when building one throws, counts it and reports reason and position', async () => {
    const { deps, publisher } = setup();
    const broken = rule();
    Object.defineProperty(broken, 'techniques', {
      get() {
        throw new TypeError('rule metadata defect');
      },
    });
    const poisoned: DetectionMatcher = {
      match: (event) => (event.fields.Image?.endsWith('VBoxManage.exe') ? [detection(event, broken, 'high')] : []),
    };
    const fallbacks: unknown[] = [];
    const outcome = await runPipeline(batchOf([vbox(0, 'ws01'), vbox(1, 'ws02')]), {
      ...deps,
      ruleSet: poisoned,
      observer: { alertFallback: (fallback) => fallbacks.push(fallback) },
    });
    expect(publisher.alerts.map((a) => a.host).sort()).toEqual(['ws01', 'ws02']);
    expect(publisher.alerts[0]).toMatchObject({ ruleId: broken.id, severity: 'high', allowlist: 'checked' });
    expect(publisher.alerts[0]?.context[0]).toContain('rule metadata defect');
    expect(outcome.counts).toMatchObject({ published: 2, alertFallbacks: 2 });
    expect(fallbacks).toEqual([
      expect.objectContaining({
        reason: 'TypeError: rule metadata defect',
        position: '/windows/sysmon/i-0123456789abcdef0#0',
      }),
      expect.objectContaining({
        reason: 'TypeError: rule metadata defect',
        position: '/windows/sysmon/i-0123456789abcdef0#1',
      }),
    ]);
  });
});
