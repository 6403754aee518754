/**
 * FINDING (lib/rules/regex-safety.ts, checkRegex): the guard rejects nested quantifiers and backreferences but accepts
 * a quantified group of overlapping alternatives and chains of `.*`, which V8 runs in exponential / polynomial time.
 * A user rule with such a pattern (rules are user-supplied: RULES_DIR) lets any host stall the function with a
 * short crafted command line. Measured: `(a|a)*b` on 26 "a" took 39 s; `(\w|\d)+x` on 24 digits 12.7 s;
 * `.*.*.*.*=` on 20,000 characters did not finish in 3 minutes.
 * Expected: refused at load with a reason, like `(a+)+`. Options: reject a quantified group whose alternatives can
 * match the same character, and more than one unbounded `.*` per pattern; or cap the text `re` sees (first 64 KiB).
 */
import { checkRegex } from '../../../lib/rules/regex-safety';

describe('FINDING: the re guard and catastrophic backtracking', () => {
  it.each([
    ['(a|a)*b', 'overlapping alternatives under a star'],
    ['(\\w|\\d)+x', 'one alternative contains the other'],
    ['(?:.|\\s)*x', 'dot or whitespace under a star'],
    ['.*.*.*.*=', 'four unbounded runs in a row'],
  ])('refuses %s (%s)', (pattern) => {
    expect(checkRegex(pattern, '').ok).toBe(false);
  });
});
