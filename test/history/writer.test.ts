import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { toPublishedAlert } from '../../lib/alerts/published-alert';
import { FOLLOW_UP_SCHEMA, type FollowUp } from '../../lib/dedup/follow-up';
import { MemoryHistoryStore } from '../../lib/history/memory-store';
import { FollowUpBeforeAlertError, writeHistoryMessage } from '../../lib/history/writer';
import { vmAlert } from '../alerts/fixtures';

const NOW = Date.parse('2026-11-20T15:00:00Z');

function alertBody(): { id: string; body: string } {
  const published = toPublishedAlert(vmAlert(), {}, CONTENT_LEVELS[0]!, NOW);
  return { id: published.id, body: JSON.stringify(published) };
}

function followUpBody(alertId: string, count: number, lastSeen: string): string {
  const followUp: FollowUp = {
    id: `fu-${count}`,
    alertId,
    ruleId: vmAlert().ruleId,
    title: vmAlert().title,
    severity: vmAlert().severity,
    host: vmAlert().host,
    moreEvents: count - 1,
    count,
    windowStart: '2026-11-20T14:00:00.000Z',
    windowEnd: '2026-11-20T15:00:00.000Z',
    lastSeen,
  };
  return JSON.stringify({ schema: FOLLOW_UP_SCHEMA, ...followUp });
}

describe('writeHistoryMessage', () => {
  it('records a published alert (the SNS default body) as a new history record', async () => {
    const store = new MemoryHistoryStore();
    const { id, body } = alertBody();
    expect(await writeHistoryMessage(body, store, NOW)).toEqual({ kind: 'alert', id });
    expect(await store.get(id)).toMatchObject({ id, state: 'new', count: vmAlert().dedup.count });
  });

  it("raises the count and lastSeen of the follow-up's alert, keeping its evidence and triage state", async () => {
    const store = new MemoryHistoryStore();
    const { id, body } = alertBody();
    await writeHistoryMessage(body, store, NOW);
    await store.setState(id, { state: 'acknowledged', by: 'alice' }, NOW);
    const outcome = await writeHistoryMessage(followUpBody(id, 42, '2026-11-20T14:59:00.000Z'), store, NOW);
    expect(outcome).toEqual({ kind: 'follow-up', id: 'fu-42', alertId: id });
    const record = await store.get(id);
    expect(record).toMatchObject({ count: 42, lastSeen: '2026-11-20T14:59:00.000Z', state: 'acknowledged' });
    expect(record?.alert.event).toEqual((JSON.parse(body) as { event: unknown }).event);
  });

  it('fails (to be retried) a follow-up whose alert is not recorded yet', async () => {
    const store = new MemoryHistoryStore();
    await expect(
      writeHistoryMessage(followUpBody('unknown', 3, '2026-11-20T14:59:00.000Z'), store, NOW),
    ).rejects.toBeInstanceOf(FollowUpBeforeAlertError);
  });

  it('reports, without recording, a body that is not an alert or a follow-up, with the reason', async () => {
    const store = new MemoryHistoryStore();
    for (const body of ['not json', '{"schema":"other"}', `{"schema":"${FOLLOW_UP_SCHEMA}","id":1}`, '[]']) {
      const outcome = await writeHistoryMessage(body, store, NOW);
      expect(outcome.kind).toBe('invalid');
      expect(outcome.kind === 'invalid' && outcome.reason.length > 0).toBe(true);
    }
    expect((await store.list({})).items).toEqual([]);
  });
});
