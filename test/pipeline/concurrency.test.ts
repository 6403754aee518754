import { mapBounded } from '../../lib/pipeline/concurrency';

describe('mapBounded', () => {
  it('keeps at most `limit` tasks in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (value) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return value * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : undefined))).toEqual([50, 10, 40, 20, 30]);
  });

  it('runs every task even when one fails, and reports each outcome', async () => {
    const ran: number[] = [];
    const results = await mapBounded([1, 2, 3], 1, async (value) => {
      ran.push(value);
      if (value === 2) throw new Error('two');
      return value;
    });
    expect(ran).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('returns nothing for no items', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});
