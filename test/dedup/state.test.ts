import { type ClaimRequest, confirmed, type DedupRecord, decideClaim, released } from '../../lib/dedup/state';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const OPTIONS = { token: 'tok-1', leaseMs: 30_000, recentLimit: 4 };

function request(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    pk: 'dedup#k',
    ruleId: 'r',
    host: 'ws01',
    windowSeconds: 3600,
    eventKeys: ['e1'],
    firstSeenMs: T0,
    lastSeenMs: T0,
    nowMs: T0,
    ...overrides,
  };
}

function publishedRecord(overrides: Partial<DedupRecord> = {}): DedupRecord {
  const claim = decideClaim(undefined, request(), OPTIONS).next as DedupRecord;
  return { ...(confirmed(claim, { pk: 'dedup#k', token: 'tok-1' }) as DedupRecord), ...overrides };
}

describe('decideClaim', () => {
  it('claims a key never seen, for a new window counting the request events', () => {
    const { decision, next } = decideClaim(undefined, request({ eventKeys: ['e1', 'e2', 'e1'] }), OPTIONS);
    expect(decision).toMatchObject({
      kind: 'publish',
      ticket: { token: 'tok-1' },
      window: { count: 2, windowStartMs: T0 },
    });
    expect(next).toMatchObject({ state: 'claimed', claimToken: 'tok-1', leaseUntilMs: T0 + 30_000, version: 1 });
  });

  it('counts repeats in a published window without publishing again', () => {
    const { decision, next } = decideClaim(
      publishedRecord(),
      request({ eventKeys: ['e2'], nowMs: T0 + 60_000, lastSeenMs: T0 + 50_000 }),
      OPTIONS,
    );
    expect(decision).toMatchObject({ kind: 'suppress', reason: 'published', newEvents: 1, window: { count: 2 } });
    expect(next).toMatchObject({ state: 'published', count: 2, lastSeenMs: T0 + 50_000, version: 3 });
  });

  it('does not count an event it has already counted (a retried batch), and writes nothing', () => {
    const { decision, next } = decideClaim(publishedRecord(), request({ nowMs: T0 + 1000 }), OPTIONS);
    expect(decision).toMatchObject({ kind: 'suppress', newEvents: 0, window: { count: 1 } });
    expect(next).toBeUndefined();
  });

  it('remembers only the most recent event ids (bounded item size)', () => {
    const { next } = decideClaim(undefined, request({ eventKeys: ['a', 'b', 'c', 'd', 'e', 'f'] }), OPTIONS);
    expect(next?.recent).toEqual(['c', 'd', 'e', 'f']);
    expect(next?.count).toBe(6);
  });

  it('starts a new window once the old one has ended, carrying the old count as context', () => {
    const { decision, next } = decideClaim(
      publishedRecord({ count: 7 }),
      request({ eventKeys: ['e9'], nowMs: T0 + 3600_000, firstSeenMs: T0 + 3599_000, lastSeenMs: T0 + 3599_000 }),
      OPTIONS,
    );
    expect(decision).toMatchObject({
      kind: 'publish',
      window: { count: 1, windowStartMs: T0 + 3600_000, firstSeenMs: T0 + 3599_000 },
      previous: { count: 7, windowStartMs: T0, published: true },
    });
    expect(next?.state).toBe('claimed');
  });

  it('does not re-alert a new window for events that were already alerted on', () => {
    const { decision, next } = decideClaim(publishedRecord(), request({ nowMs: T0 + 7200_000 }), OPTIONS);
    expect(decision.kind).toBe('suppress');
    expect(next).toBeUndefined();
  });

  it('leaves a fresh claim of another invocation alone (in-flight) but counts new events', () => {
    const held = decideClaim(undefined, request(), { ...OPTIONS, token: 'other' }).next;
    const { decision, next } = decideClaim(held, request({ eventKeys: ['e2'], nowMs: T0 + 5000 }), OPTIONS);
    expect(decision).toMatchObject({ kind: 'suppress', reason: 'in-flight', window: { count: 2 } });
    expect(next?.claimToken).toBe('other');
  });

  it('answers pending, writing nothing, when a live claim already counted every event of the request', () => {
    const held = decideClaim(undefined, request(), { ...OPTIONS, token: 'earlier-attempt' }).next;
    const { decision, next } = decideClaim(held, request({ nowMs: T0 + 5000 }), OPTIONS);
    expect(decision).toEqual({ kind: 'pending', window: expect.objectContaining({ count: 1 }) });
    expect(next).toBeUndefined();
  });

  it('takes over a claim whose lease ran out (the holder crashed), keeping window and count', () => {
    const held = decideClaim(undefined, request(), { ...OPTIONS, token: 'crashed' }).next;
    const { decision, next } = decideClaim(held, request({ nowMs: T0 + 30_000 }), OPTIONS);
    expect(decision).toMatchObject({
      kind: 'publish',
      ticket: { token: 'tok-1' },
      window: { count: 1, windowStartMs: T0 },
    });
    expect(next?.claimToken).toBe('tok-1');
  });

  it('re-claims a released key at once, without counting the retried events twice', () => {
    const held = decideClaim(undefined, request(), OPTIONS).next;
    const free = released(held, { pk: 'dedup#k', token: 'tok-1' });
    const { decision } = decideClaim(free, request({ nowMs: T0 + 100 }), { ...OPTIONS, token: 'tok-2' });
    expect(decision).toMatchObject({
      kind: 'publish',
      ticket: { token: 'tok-2' },
      window: { count: 1, firstSeenMs: T0 },
    });
  });

  it('publishes a window that was counted but never published even after it ended', () => {
    const held = decideClaim(undefined, request(), OPTIONS).next;
    const free = released(held, { pk: 'dedup#k', token: 'tok-1' });
    const { decision } = decideClaim(free, request({ nowMs: T0 + 7200_000 }), OPTIONS);
    expect(decision).toMatchObject({ kind: 'publish', window: { count: 1, windowStartMs: T0 } });
  });
});

describe('decideClaim: no duplicate after the window ends', () => {
  it('does not take over a live claim after the window ended: a late duplicate of the same events is pending', () => {
    // The lease (derived from the function timeout) can outlast a short window: the holder is still publishing.
    const long = { ...OPTIONS, leaseMs: 120_000 };
    const held = decideClaim(undefined, request({ windowSeconds: 60 }), { ...long, token: 'holder' }).next;
    const { decision, next } = decideClaim(held, request({ windowSeconds: 60, nowMs: T0 + 90_000 }), long);
    expect(decision).toMatchObject({ kind: 'pending' });
    expect(next).toBeUndefined();
  });

  it('counts new events into a live claim after its window ended instead of overwriting the holder', () => {
    const long = { ...OPTIONS, leaseMs: 120_000 };
    const held = decideClaim(undefined, request({ windowSeconds: 60 }), { ...long, token: 'holder' }).next;
    const { decision, next } = decideClaim(
      held,
      request({ windowSeconds: 60, eventKeys: ['late'], nowMs: T0 + 90_000 }),
      long,
    );
    expect(decision).toMatchObject({ kind: 'suppress', reason: 'in-flight', window: { count: 2 } });
    expect(next).toMatchObject({ claimToken: 'holder', windowStartMs: T0 });
  });

  it('recognises a retried batch of more events than the ring holds, after the window ended: no second alert', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f']; // recentLimit is 4 here: two fall out of the ring
    const claim = decideClaim(undefined, request({ eventKeys: many }), OPTIONS).next as DedupRecord;
    const published = confirmed(claim, { pk: 'dedup#k', token: 'tok-1' });
    const { decision, next } = decideClaim(published, request({ eventKeys: many, nowMs: T0 + 7200_000 }), OPTIONS);
    expect(decision).toMatchObject({ kind: 'suppress', reason: 'published', newEvents: 0 });
    expect(next).toBeUndefined();
  });

  it('does not over-count a retried batch of more events than the ring holds within the window', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f'];
    const claim = decideClaim(undefined, request({ eventKeys: many }), OPTIONS).next as DedupRecord;
    const published = confirmed(claim, { pk: 'dedup#k', token: 'tok-1' });
    const { decision } = decideClaim(
      published,
      request({ eventKeys: [...many].reverse(), nowMs: T0 + 60_000 }),
      OPTIONS,
    );
    expect(decision).toMatchObject({ kind: 'suppress', newEvents: 0, window: { count: 6 } });
  });

  it('remembers a bounded number of batch fingerprints', () => {
    let record: DedupRecord | undefined;
    for (let i = 0; i < 40; i++) {
      record = decideClaim(record, request({ eventKeys: [`e${i}`], nowMs: T0 + i }), OPTIONS).next ?? record;
    }
    expect(record?.batches.length).toBeLessThanOrEqual(16);
  });
});

describe('confirmed / released', () => {
  const held = decideClaim(undefined, request(), OPTIONS).next;

  it('let only the holder of the token finish the claim', () => {
    expect(confirmed(held, { pk: 'dedup#k', token: 'tok-1' })).toMatchObject({ state: 'published', version: 2 });
    expect(confirmed(held, { pk: 'dedup#k', token: 'nope' })).toBeUndefined();
    expect(released(held, { pk: 'dedup#k', token: 'tok-1' })).toMatchObject({ state: 'released' });
    expect(released(held, { pk: 'dedup#k', token: 'nope' })).toBeUndefined();
  });

  it('drop the token and lease, and refuse a record that is not claimed', () => {
    const done = confirmed(held, { pk: 'dedup#k', token: 'tok-1' });
    expect(done).not.toHaveProperty('claimToken');
    expect(done).not.toHaveProperty('leaseUntilMs');
    expect(confirmed(done, { pk: 'dedup#k', token: 'tok-1' })).toBeUndefined();
    expect(confirmed(undefined, { pk: 'dedup#k', token: 'tok-1' })).toBeUndefined();
  });
});
