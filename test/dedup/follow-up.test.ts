/**
 * Follow-ups: a window that counted more events than its alert said gets one "seen N more times" message after it
 * ends, from the scheduled sweep, even when the host never sends another event.
 */
import type { AlertPublisher, PublishReport } from '../../lib/alerts/publisher';
import { StaticAllowlistStore } from '../../lib/allowlist/store';
import {
  decideFollowUp,
  FOLLOW_UP_SCHEMA,
  type FollowUp,
  followUpEntry,
  followUpText,
} from '../../lib/dedup/follow-up';
import { MemoryDedupStore } from '../../lib/dedup/memory-store';
import { type FollowUpPublisher, FollowUpsNotSentError, sweepFollowUps } from '../../lib/dedup/sweep';
import type { Alert, Detection, NormalizedEvent } from '../../lib/model';
import { type PipelineDeps, runPipeline } from '../../lib/pipeline';
import type { ParsedBatch } from '../../lib/sources';
import { detection, processEvent, rule } from '../allowlist/fixtures';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const HOUR = 3600_000;

function batchOf(events: NormalizedEvent[]): ParsedBatch {
  return { events, errors: [], records: events.length, eventsByFormat: {}, errorsByFormat: {}, unknown: 0 };
}

class Publishers implements AlertPublisher, FollowUpPublisher {
  readonly alerts: Alert[] = [];
  readonly followUps: FollowUp[] = [];
  failFollowUps = false;
  async publish(items: readonly (Alert | FollowUp)[]): Promise<PublishReport> {
    if (this.failFollowUps && items.some((item) => 'moreEvents' in item))
      return { published: [], failed: items.map((item) => ({ id: item.id, error: new Error('SNS down') })) };
    for (const item of items) {
      if ('moreEvents' in item) this.followUps.push(item);
      else this.alerts.push(item);
    }
    return { published: items.map((item) => item.id), failed: [] };
  }
}

function setup() {
  const publishers = new Publishers();
  const dedup = new MemoryDedupStore();
  let now = NOW;
  const deps: PipelineDeps = {
    ruleSet: { match: (event: NormalizedEvent): Detection[] => [detection(event, rule(), 'high')] },
    allowlist: new StaticAllowlistStore([]),
    dedup,
    publisher: publishers,
    clock: () => now,
    config: { dedupWindowSeconds: 3600, minSeverity: 'low' },
  };
  const sweep = () => sweepFollowUps({ source: dedup, publisher: publishers }, now);
  return { deps, publishers, dedup, sweep, advance: (ms: number) => (now += ms) };
}

const vbox = (index: number, timeMs = NOW) => processEvent({ index, timeMs });

describe('follow-up of repeats within a window', () => {
  it('sends one "seen N more times" message after the window ends, without any further event', async () => {
    const { deps, publishers, sweep, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    advance(60_000);
    await runPipeline(batchOf([vbox(1), vbox(2)]), deps);
    advance(60_000);
    await runPipeline(batchOf([vbox(3)]), deps);
    expect(publishers.alerts).toHaveLength(1);
    expect(publishers.alerts[0]?.dedup.count).toBe(1);

    expect(await sweep()).toMatchObject({ due: 0, sent: 0 }); // the window is still open
    advance(HOUR);
    const counts = await sweep();
    expect(counts).toMatchObject({ due: 1, sent: 1 });
    expect(publishers.followUps).toEqual([
      expect.objectContaining({
        alertId: publishers.alerts[0]?.id,
        ruleId: rule().id,
        host: 'ws01.corp.example.com',
        severity: 'high',
        moreEvents: 3,
        count: 4,
      }),
    ]);
    expect(followUpText(publishers.followUps[0] as FollowUp)).toMatch(/seen 3 more time\(s\)/);
    // Once: the next sweep finds nothing owed.
    expect(await sweep()).toMatchObject({ due: 0, sent: 0 });
    expect(publishers.followUps).toHaveLength(1);
  });

  it('owes nothing when the window saw only what its alert said, and not for a retried batch', async () => {
    const { deps, publishers, sweep, advance } = setup();
    await runPipeline(batchOf([vbox(0), vbox(1)]), deps);
    await runPipeline(batchOf([vbox(0), vbox(1)]), deps);
    advance(2 * HOUR);
    expect(await sweep()).toMatchObject({ due: 0 });
    expect(publishers.followUps).toEqual([]);
  });

  it('leaves a follow-up SNS refused in the index and sends it on the next sweep (never dropped)', async () => {
    const { deps, publishers, sweep, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    await runPipeline(batchOf([vbox(1)]), deps);
    advance(2 * HOUR);
    publishers.failFollowUps = true;
    await expect(sweep()).rejects.toBeInstanceOf(FollowUpsNotSentError);
    publishers.failFollowUps = false;
    expect(await sweep()).toMatchObject({ sent: 1 });
    expect(publishers.followUps).toHaveLength(1);
  });

  it('is not needed when the next window alerts first: the new alert already names the previous count', async () => {
    const { deps, publishers, sweep, advance } = setup();
    await runPipeline(batchOf([vbox(0)]), deps);
    await runPipeline(batchOf([vbox(1)]), deps);
    advance(HOUR);
    await runPipeline(batchOf([vbox(2, NOW + HOUR)]), deps);
    expect(publishers.alerts[1]?.context.at(-1)).toMatch(/^2 event\(s\) .* previous window/);
    expect(await sweep()).toMatchObject({ due: 0 });
  });

  it('handles at most `limit` due windows per sweep, earliest first; the rest wait for the next sweep', async () => {
    const { deps, publishers, dedup, advance } = setup();
    for (const host of ['a', 'b', 'c']) {
      await runPipeline(batchOf([processEvent({ index: 0, host: { hostname: host } })]), deps);
      await runPipeline(batchOf([processEvent({ index: 1, host: { hostname: host } })]), deps);
      advance(1000);
    }
    advance(2 * HOUR);
    const ports = { source: dedup, publisher: publishers };
    expect(await sweepFollowUps(ports, NOW + 3 * HOUR, 2)).toMatchObject({ due: 2, sent: 2 });
    expect(publishers.followUps.map((followUp) => followUp.host)).toEqual(['a', 'b']);
    expect(await sweepFollowUps(ports, NOW + 3 * HOUR, 2)).toMatchObject({ due: 1, sent: 1 });
  });

  it('waits while the window is claimed but not yet published (the retry publishes the alert itself)', () => {
    const record = {
      state: 'claimed' as const,
      ruleId: 'r',
      host: 'h',
      windowStartMs: NOW,
      windowSeconds: 60,
      count: 3,
      firstSeenMs: NOW,
      lastSeenMs: NOW,
      recent: [],
      batches: [],
      alerted: 1,
      followedUp: 0,
      version: 4,
    };
    expect(decideFollowUp('k', record, NOW + 120_000)).toEqual({ kind: 'later' });
    // A day after the window it leaves the index instead of crowding out due windows for two weeks.
    expect(decideFollowUp('k', record, NOW + 60_000 + 86_400_000)).toMatchObject({
      kind: 'clear',
      next: { followedUp: 3 },
    });
    expect(decideFollowUp('k', { ...record, state: 'published' }, NOW + 120_000)).toMatchObject({
      kind: 'send',
      followUp: { moreEvents: 2, count: 3 },
      next: { followedUp: 3, version: 5 },
    });
  });
});

describe('the follow-up SNS message', () => {
  const followUp: FollowUp = {
    id: 'f1',
    alertId: 'a1',
    ruleId: 'rule-1',
    title: 'VirtualBox VM Started — héadless',
    severity: 'high',
    host: 'ws01',
    moreEvents: 48,
    count: 49,
    windowStart: '2026-11-27T12:00:00.000Z',
    windowEnd: '2026-11-27T13:00:00.000Z',
    lastSeen: '2026-11-27T12:59:00.000Z',
  };

  it('carries the alert attributes subscription filters route on, marked kind=follow-up', () => {
    const entry = followUpEntry(followUp, 0);
    expect(entry.MessageAttributes).toMatchObject({
      kind: { DataType: 'String', StringValue: 'follow-up' },
      severityRank: { DataType: 'Number', StringValue: '3' },
      severity: { StringValue: 'high' },
    });
    expect(entry.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    const bodies = JSON.parse(entry.Message) as { default: string; email: string; https: string };
    expect(JSON.parse(bodies.default)).toMatchObject({ schema: FOLLOW_UP_SCHEMA, alertId: 'a1', moreEvents: 48 });
    expect(bodies.email).toMatch(/seen 48 more time\(s\)/);
  });
});
