/** Sigma `re` values: translated from the PCRE/Python dialect and refused when they could backtrack badly. */

export type RegexCheck = { ok: true; source: string; flags: string } | { ok: false; reason: string };

const MAX_PATTERN = 4096;

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
  const stack: { quantified: boolean }[] = [];
  let lastGroupQuantified = false;
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
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastGroupQuantified = false;
    } else if (c === '(') {
      stack.push({ quantified: false });
      lastGroupQuantified = false;
    } else if (c === ')') {
      const group = stack.pop();
      lastGroupQuantified = group?.quantified ?? false;
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
      if (isRepeat || c === '?' || c === '{') {
        const group = stack.at(-1);
        if (group && isRepeat) group.quantified = true;
      }
      lastGroupQuantified = false;
      continue;
    }
    if (c !== ')') lastGroupQuantified = false;
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
