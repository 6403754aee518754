import { emptyState, parseState, progressOf, withProgress } from '../../lib/hunt';

describe('hunt state', () => {
  const range = { startMs: 1000, endMs: 2000 };

  it('round-trips through JSON with the progress of each group', () => {
    const state = withProgress(emptyState(range), '/g', {
      done: false,
      nextToken: 't-2',
      lastTimestampMs: 1500,
      events: 10,
      pages: 2,
    });
    const parsed = parseState(JSON.stringify(state));
    expect(parsed).toEqual({ ok: true, state });
    if (parsed.ok) expect(progressOf(parsed.state, '/g').nextToken).toBe('t-2');
  });

  it('gives an untouched group a fresh start', () => {
    expect(progressOf(emptyState(range), '/other')).toEqual({ done: false, events: 0, pages: 0 });
  });

  it('rejects anything that is not a version-1 state, rather than silently starting over', () => {
    expect(parseState('not json').ok).toBe(false);
    expect(parseState('{"version":2}').ok).toBe(false);
    expect(
      parseState(JSON.stringify({ version: 1, range, groups: { '/g': { done: 'no', events: 0, pages: 0 } } })).ok,
    ).toBe(false);
    expect(
      parseState(
        JSON.stringify({ version: 1, range, groups: { '/g': { done: false, events: 0, pages: 0, nextToken: 5 } } }),
      ).ok,
    ).toBe(false);
    expect(parseState(JSON.stringify({ version: 1, groups: {} })).ok).toBe(false);
  });
});
