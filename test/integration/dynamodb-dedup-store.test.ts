import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEDUP_SORT_KEY, DynamoDbDedupStore, DynamoDbFollowUpSource } from '../../lib/adapters/dynamodb-dedup-store';
import type { FollowUp } from '../../lib/dedup/follow-up';
import { dedupKeyOf } from '../../lib/dedup/key';
import type { ClaimRequest } from '../../lib/dedup/state';
import { DedupUnavailableError, REPLAY_HORIZON_SECONDS } from '../../lib/dedup/store';
import { sweepFollowUps } from '../../lib/dedup/sweep';
import { detection, processEvent } from '../allowlist/fixtures';
import { type Dynalite, startDynalite } from '../support/dynalite';

const TABLES = { allowlist: 'allowlist', state: 'state' };
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function request(pk: string, overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    pk,
    ruleId: 'rule-1',
    host: 'ws01',
    windowSeconds: 3600,
    eventKeys: ['e1'],
    firstSeenMs: T0,
    lastSeenMs: T0,
    nowMs: T0,
    ...overrides,
  };
}

describe('DynamoDbDedupStore (dynalite)', () => {
  let db: Dynalite;
  let store: DynamoDbDedupStore;

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTables(TABLES);
    store = new DynamoDbDedupStore(db.doc, TABLES.state, { leaseSeconds: 30 });
  });

  afterAll(async () => {
    await db.stop();
  });

  const read = async (pk: string) =>
    (await db.doc.send(new GetCommand({ TableName: TABLES.state, Key: { pk, sk: DEDUP_SORT_KEY } }))).Item;

  it('claims, then confirms; the item carries count, state and a ttl past the window end', async () => {
    const decision = await store.claim(request('dedup#a'));
    expect(decision.kind).toBe('publish');
    if (decision.kind !== 'publish') return;
    expect(await store.confirm(decision.ticket)).toBe(true);
    const item = await read('dedup#a');
    expect(item).toMatchObject({ state: 'published', count: 1, windowStart: T0, recent: expect.any(Array) });
    expect(item).not.toHaveProperty('claimToken');
    expect(item?.['ttl']).toBeGreaterThan((T0 + 3600_000) / 1000);
  });

  it('counts a repeat without a second claim and ignores a retried event', async () => {
    const repeat = await store.claim(request('dedup#a', { eventKeys: ['e2'], nowMs: T0 + 1000 }));
    const retried = await store.claim(request('dedup#a', { eventKeys: ['e2'], nowMs: T0 + 2000 }));
    expect(repeat).toMatchObject({ kind: 'suppress', reason: 'published', window: { count: 2 } });
    expect(retried).toMatchObject({ kind: 'suppress', newEvents: 0, window: { count: 2 } });
    expect((await read('dedup#a'))?.['count']).toBe(2);
  });

  it('gives exactly one of many concurrent claimants the claim, and counts every event once', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claim(request('dedup#race', { eventKeys: [`e${i}`] }))),
    );
    expect(claims.filter((decision) => decision.kind === 'publish')).toHaveLength(1);
    expect((await read('dedup#race'))?.['count']).toBe(8);
  });

  it('lets only the token holder confirm or release', async () => {
    const decision = await store.claim(request('dedup#b'));
    if (decision.kind !== 'publish') throw new Error('expected a claim');
    expect(await store.confirm({ pk: 'dedup#b', token: 'someone-else' })).toBe(false);
    expect(await store.release(decision.ticket)).toBe(true);
    expect((await read('dedup#b'))?.['state']).toBe('released');
    expect(await store.confirm(decision.ticket)).toBe(false);
    const again = await store.claim(request('dedup#b', { nowMs: T0 + 10 }));
    expect(again).toMatchObject({ kind: 'publish', window: { count: 1 } });
  });

  it('takes over a stale claim and refuses the crashed holder its confirm', async () => {
    const first = await store.claim(request('dedup#c'));
    const other = await store.claim(request('dedup#c', { eventKeys: ['e2'], nowMs: T0 + 20_000 }));
    const retry = await store.claim(request('dedup#c', { nowMs: T0 + 29_000 }));
    const stale = await store.claim(request('dedup#c', { nowMs: T0 + 31_000 }));
    expect(other).toMatchObject({ kind: 'suppress', reason: 'in-flight', window: { count: 2 } });
    expect(retry).toMatchObject({ kind: 'pending' });
    expect(stale.kind).toBe('publish');
    if (first.kind !== 'publish') throw new Error('expected a claim');
    expect(await store.confirm(first.ticket)).toBe(false);
  });

  it('overwrites an item that is not a valid record instead of failing on it', async () => {
    await db.doc.send(
      new PutCommand({ TableName: TABLES.state, Item: { pk: 'dedup#junk', sk: DEDUP_SORT_KEY, state: 1 } }),
    );
    expect((await store.claim(request('dedup#junk'))).kind).toBe('publish');
  });

  it('fails with DedupUnavailableError when DynamoDB refuses', async () => {
    const broken = new DynamoDbDedupStore(db.doc, 'no-such-table', { leaseSeconds: 30 });
    await expect(broken.claim(request('dedup#x'))).rejects.toBeInstanceOf(DedupUnavailableError);
    await expect(broken.confirm({ pk: 'dedup#x', token: 't' })).rejects.toBeInstanceOf(DedupUnavailableError);
  });

  it("keeps a dedup item past the failure queues' 14-day replay horizon, so a redrive is still deduplicated", async () => {
    const decision = await store.claim(request('dedup#retained'));
    if (decision.kind !== 'publish') throw new Error('expected a claim');
    const ttl = (await read('dedup#retained'))?.['ttl'] as number;
    expect(ttl).toBeGreaterThanOrEqual((T0 + 3600_000) / 1000 + REPLAY_HORIZON_SECONDS);
  });

  it('stores a bounded record when a detection carries a ~450 KB host name (DynamoDB refuses items over 400 KB)', async () => {
    const huge = `${'h'.repeat(450_000)}.corp.example`;
    const key = dedupKeyOf(detection(processEvent({ host: { hostname: huge } })), 3600);
    expect(key.pk.length).toBeLessThan(100);
    const decision = await store.claim(request(key.pk, { ruleId: key.ruleId, host: key.host }));
    expect(decision.kind).toBe('publish');
    expect(String((await read(key.pk))?.['host']).length).toBeLessThanOrEqual(256);
  });

  it('lists a window in the follow-up index only while its count exceeds what its alert said', async () => {
    const decision = await store.claim(request('dedup#owed'));
    if (decision.kind !== 'publish') throw new Error('expected a claim');
    await store.confirm(decision.ticket);
    expect(await read('dedup#owed')).not.toHaveProperty('followUpShard');
    await store.claim(request('dedup#owed', { eventKeys: ['e2'], nowMs: T0 + 1000 }));
    expect(await read('dedup#owed')).toMatchObject({
      followUpShard: 'due',
      followUpAt: String(T0 + 3600_000).padStart(15, '0'),
      alerted: 1,
      count: 2,
    });
  });

  it('sweeps an owed window through the index once it ended: one follow-up, then the item leaves the index', async () => {
    const decision = await store.claim(request('dedup#sweep', { title: 'VM started', severity: 'high' }));
    if (decision.kind !== 'publish') throw new Error('expected a claim');
    await store.confirm(decision.ticket);
    await store.claim(request('dedup#sweep', { eventKeys: ['e2', 'e3'], nowMs: T0 + 1000 }));
    const sent: FollowUp[] = [];
    const ports = {
      source: new DynamoDbFollowUpSource(db.doc, TABLES.state),
      publisher: {
        publish: async (followUps: readonly FollowUp[]) => {
          sent.push(...followUps);
          return { published: followUps.map((followUp) => followUp.id), failed: [] };
        },
      },
    };
    expect(await sweepFollowUps(ports, T0 + 1800_000)).toMatchObject({ due: 0 });
    // Other tests' owed windows may share the index: count only this key's follow-up.
    await sweepFollowUps(ports, T0 + 3600_000);
    const mine = sent.filter((followUp) => followUp.title === 'VM started');
    expect(mine).toEqual([expect.objectContaining({ moreEvents: 2, count: 3, severity: 'high', host: 'ws01' })]);
    expect(await read('dedup#sweep')).not.toHaveProperty('followUpShard');
    expect(await read('dedup#sweep')).toMatchObject({ followedUp: 3 });
    await sweepFollowUps(ports, T0 + 7200_000);
    expect(sent.filter((followUp) => followUp.title === 'VM started')).toHaveLength(1);
  });
});
