import fc from 'fast-check';
import { compileGlob, globMatch, matchCompiled } from '../../lib/allowlist/glob';

/** Reference: dynamic programming over (pattern token, subject position), obviously correct and slow. */
function referenceMatch(pattern: string, value: string): boolean {
  type Tok = { kind: 'star' } | { kind: 'one' } | { kind: 'lit'; c: string };
  const tokens: Tok[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      tokens.push({ kind: 'lit', c: next });
      i++;
    } else if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'lit', c: c.toLowerCase() });
  }
  const s = value.toLowerCase();
  let row = new Array<boolean>(s.length + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    for (let j = 0; j <= s.length; j++) {
      if (token.kind === 'star') next[j] = (row[j] as boolean) || (j > 0 && (next[j - 1] as boolean));
      else if (j > 0 && row[j - 1]) next[j] = token.kind === 'one' || token.c === s[j - 1];
    }
    row = next;
  }
  return row[s.length] as boolean;
}

const alphabet = fc.constantFrom('a', 'b', 'A', '\\', '.', '/', ' ');
const patternChars = fc.constantFrom('a', 'b', 'B', '*', '?', '\\', '.', '/');

describe('globMatch', () => {
  it('matches literally and case-insensitively when the pattern has no wildcard', () => {
    expect(globMatch('VBoxManage.exe', 'vboxmanage.EXE')).toBe(true);
    expect(globMatch('VBoxManage.exe', 'VBoxManage.exe.bak')).toBe(false);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('', 'a')).toBe(false);
  });

  it('lets * stand for any run of characters, including none', () => {
    expect(globMatch('C:\\Program Files\\Oracle\\\\*', 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe')).toBe(
      true,
    );
    expect(globMatch('*\\VBoxManage.exe', 'D:\\tools\\VBoxManage.exe')).toBe(true);
    expect(globMatch('*\\VBoxManage.exe', 'D:\\tools\\VBoxHeadless.exe')).toBe(false);
    expect(globMatch('a*b*c', 'abc')).toBe(true);
    expect(globMatch('a*b*c', 'acb')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
  });

  it('lets ? stand for exactly one character', () => {
    expect(globMatch('build-??', 'build-42')).toBe(true);
    expect(globMatch('build-??', 'build-4')).toBe(false);
    expect(globMatch('build-??', 'build-420')).toBe(false);
  });

  it('treats \\* and \\? as literal characters and a backslash before anything else as a backslash', () => {
    expect(globMatch('what\\?', 'what?')).toBe(true);
    expect(globMatch('what\\?', 'whatX')).toBe(false);
    expect(globMatch('a\\*b', 'a*b')).toBe(true);
    expect(globMatch('a\\*b', 'axxb')).toBe(false);
    expect(globMatch('C:\\Temp\\x', 'c:\\temp\\x')).toBe(true);
    expect(globMatch('trailing\\', 'trailing\\')).toBe(true);
  });

  it('does not let an anchored head and tail overlap', () => {
    expect(globMatch('ab*ba', 'aba')).toBe(false);
    expect(globMatch('ab*ba', 'abba')).toBe(true);
  });

  it('agrees with a dynamic-programming reference on arbitrary patterns and values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: patternChars, maxLength: 12 }),
        fc.string({ unit: alphabet, maxLength: 16 }),
        (p, v) => {
          expect(globMatch(p, v)).toBe(referenceMatch(p, v));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('agrees with the reference when the value is built to match the pattern', () => {
    const build = fc
      .array(
        fc.oneof(
          fc.record({ p: fc.constant('*'), v: fc.string({ unit: alphabet, maxLength: 4 }) }),
          fc.record({ p: fc.constant('?'), v: alphabet }),
          alphabet.filter((c) => c !== '\\').map((c) => ({ p: c, v: c.toUpperCase() })),
        ),
        { maxLength: 10 },
      )
      .map((parts) => ({ pattern: parts.map((part) => part.p).join(''), value: parts.map((part) => part.v).join('') }));
    fc.assert(
      fc.property(build, ({ pattern, value }) => {
        expect(globMatch(pattern, value)).toBe(true);
        expect(referenceMatch(pattern, value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays linear on patterns that make backtracking matchers explode', () => {
    const glob = compileGlob(`${'*a'.repeat(100)}b`);
    const value = 'a'.repeat(50_000);
    // Correctness only (no timing assertion): a backtracking matcher would not return in any reasonable time.
    expect(matchCompiled(glob, value)).toBe(false);
    expect(matchCompiled(glob, `${value}b`)).toBe(true);
  });
});
