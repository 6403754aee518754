import { HistoryTransitionError } from '../../lib/history/store';
import { checkTransition, MAX_REASON_LENGTH } from '../../lib/history/triage';

describe('triage transitions', () => {
  it.each([
    ['new', 'acknowledged'],
    ['new', 'closed'],
    ['acknowledged', 'closed'],
    ['acknowledged', 'new'],
    ['closed', 'new'],
  ] as const)('allows %s -> %s', (from, to) => {
    expect(checkTransition(from, { state: to, by: 'alice', reason: 'checked' }).state).toBe(to);
  });

  it.each([
    ['closed', 'acknowledged'],
    ['new', 'new'],
    ['closed', 'closed'],
  ] as const)('refuses %s -> %s', (from, to) => {
    expect(() => checkTransition(from, { state: to, by: 'alice', reason: 'x' })).toThrow(HistoryTransitionError);
  });

  it('needs a reason to close, a non-empty actor, and bounds the reason', () => {
    expect(() => checkTransition('new', { state: 'closed', by: 'alice', reason: '   ' })).toThrow(/reason/);
    expect(() => checkTransition('new', { state: 'acknowledged', by: ' ' })).toThrow(/who/);
    expect(() =>
      checkTransition('new', { state: 'closed', by: 'a', reason: 'x'.repeat(MAX_REASON_LENGTH + 1) }),
    ).toThrow(/longer/);
    expect(checkTransition('new', { state: 'closed', by: ' alice ', reason: ' lab VM ' })).toEqual({
      state: 'closed',
      by: 'alice',
      reason: 'lab VM',
    });
  });
});
