import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { type PublishedAlert, toPublishedAlert } from '../../lib/alerts/published-alert';
import { type AlertHistoryStore, HistoryNotFoundError, HistoryTransitionError } from '../../lib/history/store';
import type { Alert } from '../../lib/model';
import type { Severity } from '../../lib/model/severity';
import { vmAlert } from '../alerts/fixtures';

const NOW = Date.parse('2026-11-20T15:00:00Z');

/** A published alert for history tests: one id per (host, rule, window), with the dedup facts given. */
export function historyAlert(options: {
  id: string;
  host?: string;
  ruleId?: string;
  severity?: Severity;
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
}): PublishedAlert {
  const base = vmAlert();
  const alert: Alert = {
    ...base,
    id: options.id,
    host: options.host ?? base.host,
    ruleId: options.ruleId ?? base.ruleId,
    severity: options.severity ?? base.severity,
    dedup: {
      ...base.dedup,
      key: `${options.ruleId ?? base.ruleId}:${options.host ?? base.host}`,
      count: options.count ?? 1,
      firstSeen: options.firstSeen ?? '2026-11-20T14:00:00.000Z',
      lastSeen: options.lastSeen ?? options.firstSeen ?? '2026-11-20T14:00:00.000Z',
    },
  };
  return toPublishedAlert(alert, {}, CONTENT_LEVELS[0]!, NOW);
}

/**
 * The behaviour every AlertHistoryStore must have, run against each implementation (memory here; DynamoDB against
 * dynalite in test/adapters), so the CLI, the console and the writer see the same history wherever it lives.
 */
export function describeHistoryStoreContract(name: string, makeStore: () => Promise<AlertHistoryStore>): void {
  describe(`${name}: the AlertHistoryStore contract`, () => {
    let store: AlertHistoryStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('records a delivered alert as new, with its dedup facts and the alert itself', async () => {
      const alert = historyAlert({ id: 'a1', count: 3 });
      const record = await store.record(alert, NOW);
      expect(record).toMatchObject({ id: 'a1', state: 'new', count: 3, host: alert.host, ruleId: alert.ruleId });
      expect(record.recordedAt).toBe(new Date(NOW).toISOString());
      expect((await store.get('a1'))?.alert.title).toBe(alert.title);
    });

    it('is idempotent on re-delivery and raises count and lastSeen on repeats, never lowering them', async () => {
      await store.record(historyAlert({ id: 'a1', count: 2, lastSeen: '2026-11-20T14:05:00.000Z' }), NOW);
      await store.record(historyAlert({ id: 'a1', count: 2, lastSeen: '2026-11-20T14:05:00.000Z' }), NOW + 1);
      await store.record(historyAlert({ id: 'a1', count: 9, lastSeen: '2026-11-20T14:20:00.000Z' }), NOW + 2);
      // An older follow-up arriving late changes nothing.
      const late = await store.record(historyAlert({ id: 'a1', count: 4, lastSeen: '2026-11-20T14:10:00.000Z' }), NOW);
      expect(late).toMatchObject({ count: 9, lastSeen: '2026-11-20T14:20:00.000Z' });
      expect((await store.list({})).items).toHaveLength(1);
    });

    it('keeps the triage state when a repeat of the alert arrives', async () => {
      await store.record(historyAlert({ id: 'a1' }), NOW);
      await store.setState('a1', { state: 'acknowledged', by: 'alice@example.com' }, NOW);
      const after = await store.record(historyAlert({ id: 'a1', count: 5, lastSeen: '2026-11-20T14:30:00.000Z' }), NOW);
      expect(after).toMatchObject({ state: 'acknowledged', stateBy: 'alice@example.com', count: 5 });
    });

    it('filters by host (any case), rule, minimum severity, state and time range, newest first', async () => {
      await store.record(historyAlert({ id: 'h1-old', host: 'ws-01', lastSeen: '2026-11-18T10:00:00.000Z' }), NOW);
      await store.record(historyAlert({ id: 'h1-new', host: 'ws-01', lastSeen: '2026-11-20T10:00:00.000Z' }), NOW);
      await store.record(
        historyAlert({
          id: 'h2',
          host: 'ws-02',
          ruleId: 'other-rule',
          severity: 'critical',
          lastSeen: '2026-11-19T10:00:00.000Z',
        }),
        NOW,
      );
      await store.record(
        historyAlert({ id: 'h3', host: 'ws-03', severity: 'low', lastSeen: '2026-11-19T12:00:00.000Z' }),
        NOW,
      );
      const ids = async (q: Parameters<AlertHistoryStore['list']>[0]) => (await store.list(q)).items.map((r) => r.id);

      expect(await ids({})).toEqual(['h1-new', 'h3', 'h2', 'h1-old']);
      expect(await ids({ host: 'WS-01' })).toEqual(['h1-new', 'h1-old']);
      expect(await ids({ ruleId: 'other-rule' })).toEqual(['h2']);
      expect(await ids({ minSeverity: 'critical' })).toEqual(['h2']);
      expect(await ids({ since: '2026-11-19T00:00:00.000Z', until: '2026-11-20T00:00:00.000Z' })).toEqual(['h3', 'h2']);
      await store.setState('h3', { state: 'closed', reason: 'lab host', by: 'bob' }, NOW);
      expect(await ids({ state: 'closed' })).toEqual(['h3']);
      expect(await ids({ state: 'new', host: 'ws-01' })).toEqual(['h1-new', 'h1-old']);
    });

    it('pages with a cursor until every match has been listed once', async () => {
      for (let i = 0; i < 7; i++) {
        await store.record(historyAlert({ id: `p${i}`, host: `h${i}`, lastSeen: `2026-11-20T1${i}:00:00.000Z` }), NOW);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    });

    it('acknowledges and closes with a reason, recording who and when', async () => {
      await store.record(historyAlert({ id: 'a1' }), NOW);
      const acked = await store.setState('a1', { state: 'acknowledged', by: 'alice' }, NOW + 1000);
      expect(acked).toMatchObject({
        state: 'acknowledged',
        stateBy: 'alice',
        stateAt: new Date(NOW + 1000).toISOString(),
      });
      const closed = await store.setState('a1', { state: 'closed', reason: 'approved lab VM', by: 'bob' }, NOW + 2000);
      expect(closed).toMatchObject({ state: 'closed', stateReason: 'approved lab VM', stateBy: 'bob' });
      expect(await store.get('a1')).toMatchObject({ state: 'closed', stateReason: 'approved lab VM' });
    });

    it('refuses closing without a reason, acknowledging a closed alert, and unknown ids', async () => {
      await store.record(historyAlert({ id: 'a1' }), NOW);
      await expect(store.setState('a1', { state: 'closed', by: 'bob' }, NOW)).rejects.toBeInstanceOf(
        HistoryTransitionError,
      );
      await store.setState('a1', { state: 'closed', reason: 'benign', by: 'bob' }, NOW);
      await expect(store.setState('a1', { state: 'acknowledged', by: 'bob' }, NOW)).rejects.toBeInstanceOf(
        HistoryTransitionError,
      );
      await expect(store.setState('nope', { state: 'acknowledged', by: 'bob' }, NOW)).rejects.toBeInstanceOf(
        HistoryNotFoundError,
      );
      // Reopening is allowed and clears the close reason.
      const reopened = await store.setState('a1', { state: 'new', by: 'carol' }, NOW);
      expect(reopened.state).toBe('new');
      expect(reopened.stateReason).toBeUndefined();
    });
  });
}
