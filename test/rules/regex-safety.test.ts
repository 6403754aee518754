import { checkRegex } from '../../lib/rules/regex-safety';

describe('checkRegex', () => {
  it('accepts ordinary patterns and keeps the requested flags', () => {
    expect(checkRegex('vbox(manage|headless)\\.exe$', 'i')).toEqual({
      ok: true,
      source: 'vbox(manage|headless)\\.exe$',
      flags: 'i',
    });
    expect(checkRegex('a{2,5}b+', '').ok).toBe(true);
    expect(checkRegex('(ab){3}c*', '').ok).toBe(true);
  });

  it('turns a leading inline flag group into flags and Python named groups into JS ones', () => {
    expect(checkRegex('(?i)startvm', '')).toEqual({ ok: true, source: 'startvm', flags: 'i' });
    expect(checkRegex('(?P<vm>\\w+)', '')).toEqual({ ok: true, source: '(?<vm>\\w+)', flags: '' });
  });

  it.each([
    ['(a+)+', /nested quantifiers/],
    ['(a*)*b', /nested quantifiers/],
    ['((ab)+c)+', /nested quantifiers/],
    ['(x+){2,}', /nested quantifiers/],
    ['(a)\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /backreferences/],
    ['(?P<n>a)(?P=n)', /backreferences/],
    ['[', /invalid regular expression/],
  ])('rejects %p', (pattern, reason) => {
    const result = checkRegex(pattern, '');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('does not mistake escaped or bracketed characters for groups and backreferences', () => {
    expect(checkRegex('\\(a+\\)+', '').ok).toBe(true);
    expect(checkRegex('[\\1(]+', '').ok).toBe(true);
  });
});
