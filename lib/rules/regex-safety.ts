/** Sigma `re` values: translated from the PCRE/Python dialect and refused when they could backtrack badly. */

export type RegexCheck = { ok: true; source: string; flags: string } | { ok: false; reason: string };

const MAX_PATTERN = 4096;

/**
 * A regex sees at most this much of a value. Rules come from users (RULES_DIR, `--rules`) and values from intruders;
 * with the shapes refused below the remaining cost is polynomial, and this bound keeps it small.
 * Literal modifiers (contains, startswith, ...) still see the whole value.
 */
export const MAX_REGEX_INPUT = 64 * 1024;

/** More unbounded wildcard runs than this (`.*`, `\S+`, `[^x]*`) make matching polynomial of that degree. */
const MAX_WILDCARD_RUNS = 2;

/** An alternative that is plain text: no metacharacter except escaped literal punctuation. */
const LITERAL_ALTERNATIVE = /^(?:[^\\.[\](){}*+?|^$]|\\[^dDwWsSbB0-9pPkux])*$/;

/**
 * Reject backreferences and nested quantifiers (`(a+)+`, `(a*)*`, `(?:x+){2,}`): the shapes that make a
 * backtracking engine exponential. Named groups `(?P<n>` become `(?<n>`; a leading `(?i)` `(?s)` `(?m)` becomes a flag.
 */
export function checkRegex(pattern: string, flags: string): RegexCheck {
  if (pattern.length > MAX_PATTERN)
    return { ok: false, reason: `regular expression longer than ${MAX_PATTERN} characters` };
  let source = pattern;
  let allFlags = flags;
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    allFlags += inline[1];
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<');
  if (/\(\?P[=>]/.test(source))
    return { ok: false, reason: 'named backreferences are not allowed (linear-time safety)' };
  const stack: { quantified: boolean; start: number; alternation: boolean; nested: boolean }[] = [];
  let lastGroupQuantified = false;
  let lastGroup: { start: number; end: number; alternation: boolean; nested: boolean } | undefined;
  let lastAtomWildcard = false;
  let wildcardRuns = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) {
        return { ok: false, reason: 'backreferences are not allowed (linear-time safety)' };
      }
      i++;
      lastGroupQuantified = false;
      lastGroup = undefined;
      if (!inClass) lastAtomWildcard = /[DWS]/.test(next);
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastGroupQuantified = false;
      lastGroup = undefined;
    } else if (c === '(') {
      const parent = stack.at(-1);
      if (parent) parent.nested = true;
      stack.push({ quantified: false, start: i, alternation: false, nested: false });
      lastGroupQuantified = false;
      lastGroup = undefined;
      lastAtomWildcard = false;
    } else if (c === '|') {
      const group = stack.at(-1);
      if (group) group.alternation = true;
      lastGroup = undefined;
      lastAtomWildcard = false;
      continue;
    } else if (c === ')') {
      const group = stack.pop();
      lastGroupQuantified = group?.quantified ?? false;
      lastGroup = group
        ? { start: group.start, end: i, alternation: group.alternation, nested: group.nested }
        : undefined;
      lastAtomWildcard = false;
      const parent = stack.at(-1);
      if (parent && lastGroupQuantified) parent.quantified = true;
      continue;
    } else if (c === '*' || c === '+' || c === '{' || (c === '?' && source[i - 1] !== '(')) {
      const isRepeat =
        c === '*' ||
        c === '+' ||
        (c === '{' && /^\{\d*,\d*\}/.test(source.slice(i)) && !/^\{\d+\}/.test(source.slice(i)));
      if (isRepeat && lastGroupQuantified) {
        return { ok: false, reason: 'nested quantifiers such as (a+)+ are not allowed (linear-time safety)' };
      }
      if (isRepeat && lastGroup?.alternation && !distinctLiteralAlternatives(source, lastGroup, allFlags)) {
        return {
          ok: false,
          reason:
            'a repeated group of alternatives that can match the same text, such as (a|a)* or (\\w|\\d)+, is not allowed (linear-time safety)',
        };
      }
      if (isRepeat && lastAtomWildcard) {
        wildcardRuns++;
        if (wildcardRuns > MAX_WILDCARD_RUNS) {
          return {
            ok: false,
            reason: `more than ${MAX_WILDCARD_RUNS} unbounded wildcard runs such as .*.*.* are not allowed (polynomial backtracking)`,
          };
        }
      }
      if (isRepeat || c === '?' || c === '{') {
        const group = stack.at(-1);
        if (group && isRepeat) group.quantified = true;
      }
      lastGroupQuantified = false;
      lastGroup = undefined;
      lastAtomWildcard = false;
      continue;
    }
    if (c !== ')') lastGroupQuantified = false;
    lastGroup = undefined;
    // `.` and a negated class match almost anything; a positive class is narrow.
    lastAtomWildcard = c === '.' || (c === '[' && source[i + 1] === '^');
  }
  try {
    new RegExp(source, [...new Set(allFlags)].join(''));
  } catch (cause) {
    return {
      ok: false,
      reason: `invalid regular expression: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
  return { ok: true, source, flags: [...new Set(allFlags)].join('') };
}

/**
 * A repeated alternation is safe when every alternative is plain text and none is a prefix of another: then at most
 * one alternative can match at any position and the engine never tries two ways through the same text.
 */
function distinctLiteralAlternatives(
  source: string,
  group: { start: number; end: number; nested: boolean },
  flags: string,
): boolean {
  if (group.nested) return false;
  const body = source.slice(group.start + 1, group.end).replace(/^\?(?::|<[A-Za-z_][A-Za-z0-9_]*>)/, '');
  const alternatives = body.split('|');
  if (!alternatives.every((alternative) => alternative !== '' && LITERAL_ALTERNATIVE.test(alternative))) return false;
  const texts = alternatives.map((alternative) => {
    const plain = alternative.replace(/\\(.)/g, '$1');
    return flags.includes('i') ? plain.toLowerCase() : plain;
  });
  return texts.every((a, i) => texts.every((b, j) => i === j || !b.startsWith(a)));
}
