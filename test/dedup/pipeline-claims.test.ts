/**
 * The claim stage of the pipeline (claimAll / sortClaims / alert ids), specified against the in-memory dedup store:
 * per-key isolation of claim failures and alert ids that stay stable across retries and takeovers.
 */
import type { AlertPublisher, PublishReport } from '../../lib/alerts/publisher';
import { StaticAllowlistStore } from '../../lib/allowlist/store';
import { MemoryDedupStore } from '../../lib/dedup/memory-store';
import { DedupContentionError, type DedupStore } from '../../lib/dedup/store';
import type { Alert, Detection, NormalizedEvent } from '../../lib/model';
import { AlertsNotPublishedError, DedupStageError, type PipelineDeps, runPipeline } from '../../lib/pipeline';
import type { ParsedBatch } from '../../lib/sources';
import { detection, processEvent, rule } from '../allowlist/fixtures';

const NOW = Date.UTC(2026, 10, 27, 12, 30, 0);

function batchOf(events: NormalizedEvent[]): ParsedBatch {
  return {
    events,
    errors: [],
    records: events.length,
    eventsByFormat: { 'sysmon-windows': events.length },
    errorsByFormat: {},
    unknown: 0,
  };
}

function vbox(index: number, hostname = 'ws01.corp.example.com', timeMs = NOW - 60_000): NormalizedEvent {
  return processEvent({ index, host: { hostname }, timeMs });
}

class Publisher implements AlertPublisher {
  readonly alerts: Alert[] = [];
  failNext = false;
  async publish(alerts: readonly Alert[]): Promise<PublishReport> {
    if (this.failNext) {
      this.failNext = false;
      return { published: [], failed: alerts.map((alert) => ({ id: alert.id, error: new Error('throttled') })) };
    }
    this.alerts.push(...alerts);
    return { published: alerts.map((alert) => alert.id), failed: [] };
  }
}

function setup() {
  const publisher = new Publisher();
  const dedup = new MemoryDedupStore();
  let now = NOW;
  const deps: PipelineDeps = {
    ruleSet: { match: (event: NormalizedEvent): Detection[] => [detection(event, rule(), 'high')] },
    allowlist: new StaticAllowlistStore([]),
    dedup,
    publisher,
    clock: () => now,
    config: { dedupWindowSeconds: 3600, minSeverity: 'low' },
  };
  return { deps, publisher, dedup, advance: (ms: number) => (now += ms) };
}

/** A dedup store where claims for one host's key keep losing the optimistic write (a hot key). */
function hotKey(dedup: DedupStore, host: string, busy: { on: boolean }): DedupStore {
  return {
    claim: (request) =>
      busy.on && request.host === host
        ? Promise.reject(new DedupContentionError(request.pk, 10))
        : dedup.claim(request),
    confirm: (ticket) => dedup.confirm(ticket),
    release: (ticket) => dedup.release(ticket),
  };
}

describe('claim failures are isolated per key', () => {
  it('publishes every other host when one key stays contended, then fails so only that key is retried', async () => {
    const { deps, publisher, dedup } = setup();
    const busy = { on: true };
    const batch = batchOf([vbox(0, 'hot'), vbox(1, 'a'), vbox(2, 'b')]);
    const error = await runPipeline(batch, { ...deps, dedup: hotKey(dedup, 'hot', busy) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DedupStageError);
    expect((error as DedupStageError).cause).toBeInstanceOf(DedupContentionError);
    expect((error as DedupStageError).outcome.alerts.map((alert) => alert.host).sort()).toEqual(['a', 'b']);
    expect((error as DedupStageError).outcome.counts).toMatchObject({ published: 2, claimFailures: 1 });
    expect(publisher.alerts.map((alert) => alert.host).sort()).toEqual(['a', 'b']);

    busy.on = false;
    const retry = await runPipeline(batch, { ...deps, dedup: hotKey(dedup, 'hot', busy) });
    expect(retry.alerts.map((alert) => alert.host)).toEqual(['hot']);
    // Each host exactly once across both attempts; the retried hosts' claims were already published.
    expect(publisher.alerts.map((alert) => alert.host).sort()).toEqual(['a', 'b', 'hot']);
    expect(retry.counts.deduplicated).toBe(2);
  });

  it('still fails (and publishes nothing) when every claim fails, e.g. DynamoDB is down', async () => {
    const { deps, publisher } = setup();
    const down: DedupStore = {
      claim: () => Promise.reject(new Error('DynamoDB unavailable')),
      confirm: () => Promise.resolve(true),
      release: () => Promise.resolve(true),
    };
    const error = await runPipeline(batchOf([vbox(0, 'a'), vbox(1, 'b')]), { ...deps, dedup: down }).catch((e) => e);
    expect(error).toBeInstanceOf(DedupStageError);
    expect((error as DedupStageError).outcome.counts.claimFailures).toBe(2);
    expect(publisher.alerts).toEqual([]);
  });

  it('reports a failed publish before a failed claim: both keys come back on the retry', async () => {
    const { deps, publisher, dedup } = setup();
    const busy = { on: true };
    publisher.failNext = true;
    const error = await runPipeline(batchOf([vbox(0, 'hot'), vbox(1, 'a')]), {
      ...deps,
      dedup: hotKey(dedup, 'hot', busy),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertsNotPublishedError);
    expect([...dedup.records.values()].map((record) => record.state)).toEqual(['released']);
  });
});

describe('alert ids', () => {
  it('stay the same when a retry takes the claim over with an earlier event (hash of key and window start)', async () => {
    const { deps, publisher } = setup();
    publisher.failNext = true;
    const first = await runPipeline(batchOf([vbox(0)]), deps).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(AlertsNotPublishedError);
    const failedId = (first as AlertsNotPublishedError).failures[0]?.id;
    // The retry also carries an event from earlier (out-of-order delivery): firstSeen moves back, the window does not.
    const retry = await runPipeline(batchOf([vbox(0), vbox(1, 'ws01.corp.example.com', NOW - 600_000)]), deps);
    expect(retry.alerts[0]?.dedup.firstSeen).toBe(new Date(NOW - 600_000).toISOString());
    expect(retry.alerts[0]?.id).toBe(failedId);
  });

  it('differ between windows of the same key', async () => {
    const { deps, publisher, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    advance(3600_000);
    await runPipeline(batchOf([vbox(1, 'ws01.corp.example.com', NOW + 3500_000)]), deps);
    expect(publisher.alerts).toHaveLength(2);
    expect(publisher.alerts[0]?.id).not.toBe(publisher.alerts[1]?.id);
  });
});
