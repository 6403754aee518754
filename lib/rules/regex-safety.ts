/**
 * Sigma `re` values, evaluated by RE2JS (a pure-JS port of RE2): an automaton engine whose matching time is linear
 * in the input for every pattern it accepts. A backtracking engine (V8's) can be exponential on patterns that look
 * harmless (`\w*\w*\w*\w*!`, `(.*a){20}`), and a guard that inspects pattern shapes always misses some, so no rule
 * regex runs on V8. What RE2 cannot do in linear time (backreferences, lookaround) it does not offer: such patterns are
 * refused at load with the reason.
 *
 * Why RE2JS for every pattern, not V8 for the "simple" ones: RE2JS costs about 3.6x V8 per call on the pack's regexes,
 * but the literal prefilter keeps most values away from them, so the pack's detect cost rose only 1.1-1.2x
 * (docs/benchmarks.md). A fast path would need a proof that a pattern cannot backtrack super-linearly, which is the
 * shape guard again; its misses are what this engine removes.
 */
import { RE2JS } from 're2js';

export type RegexCheck = { ok: true; source: string; flags: string; regex: RE2JS } | { ok: false; reason: string };

const MAX_PATTERN = 4096;

/**
 * Compiled size limit, in RE2 instructions. Matching is linear in the input, but its constant grows with the program:
 * `\w{1000}` repeated five times is 5,000 instructions and takes seconds on 64 KiB. The shipped pack's largest regex
 * is under 100 instructions.
 */
export const MAX_PROGRAM_SIZE = 1000;

/**
 * A regex sees at most this much of a value. Rules come from users (RULES_DIR, `--rules`) and values from intruders;
 * matching is linear, and this bound keeps each match's cost small (at most MAX_PROGRAM_SIZE steps per character).
 * Literal modifiers (contains, startswith, ...) still see the whole value.
 */
export const MAX_REGEX_INPUT = 64 * 1024;

/**
 * What `\s` means here: ECMAScript's whitespace (as the rules were written and tested against), not RE2's ASCII-only
 * `[\t\n\f\r ]`. PowerShell accepts the Unicode spaces as whitespace, so a script could otherwise step around a rule.
 */
const WHITESPACE =
  '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';

const NOT_LINEAR = 'not supported: no linear-time engine can evaluate it';

/**
 * A Sigma pattern (RE2/PCRE syntax, plus `\uHHHH` and `(?P<name>`) rewritten for RE2JS: `\uHHHH` becomes `\x{HHHH}`,
 * `\s`/`\S` outside classes and `\s` inside them get ECMAScript whitespace, `\Q...\E` becomes escaped characters (so
 * regexAnchors reads plain syntax), `(?P<` becomes `(?<`. Backreferences and lookaround get a clear refusal.
 * One pass over the pattern.
 */
function translate(pattern: string): { ok: true; source: string } | { ok: false; reason: string } {
  let out = '';
  let inClass = false;
  // Set once no `:]` follows: later `[:` need not search again (keeps the pass linear).
  let noPosixClose = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return { ok: false, reason: `backreferences are ${NOT_LINEAR}` };
      if (!inClass && next === 'k' && /[<{']/.test(pattern[i + 2] ?? '')) {
        return { ok: false, reason: `backreferences are ${NOT_LINEAR}` };
      }
      if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(pattern.slice(i + 2, i + 6))) {
        out += `\\x{${pattern.slice(i + 2, i + 6)}}`;
        i += 6;
        continue;
      }
      if (next === 's') out += inClass ? WHITESPACE : `[${WHITESPACE}]`;
      // Inside a class `\S` keeps RE2's meaning (any character but ASCII whitespace): a complement cannot join a class.
      else if (next === 'S' && !inClass) out += `[^${WHITESPACE}]`;
      else if (next === 'Q' && !inClass) {
        const end = pattern.indexOf('\\E', i + 2);
        const quoted = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += quoted.replace(/[!-/:-@[-`{-~]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        continue;
      } else out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':' && !noPosixClose) {
        // A POSIX class such as [:alpha:] inside a bracket expression: copied whole, its `]` does not end the class.
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) {
          out += pattern.slice(i, end + 2);
          i = end + 2;
          continue;
        }
        noPosixClose = true;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      // In RE2 a `]` right after `[` or `[^` is a member, not the end.
      const open = pattern[i + 1] === '^' ? '[^' : '[';
      i += open.length;
      out += open;
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      inClass = true;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') {
        return { ok: false, reason: `lookaround ((?=, (?!, (?<=, (?<!) is ${NOT_LINEAR}` };
      }
      if (kind === 'P=' || kind === 'P>') return { ok: false, reason: `named backreferences are ${NOT_LINEAR}` };
      if (kind === 'P<') {
        out += '(?<';
        i += 4;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { ok: true, source: out };
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

export type RegexTranslation = { ok: true; source: string; flags: string } | { ok: false; reason: string };

/**
 * Translate a Sigma regex with the `i`/`m`/`s` sub-modifiers into RE2 syntax, without compiling it; a leading `(?i)`
 * `(?s)` `(?m)` becomes a flag (so regexAnchors knows the case rule).
 */
export function translateRegex(pattern: string, flags: string): RegexTranslation {
  if (pattern.length > MAX_PATTERN)
    return { ok: false, reason: `regular expression longer than ${MAX_PATTERN} characters` };
  let body = pattern;
  let allFlags = flags;
  const inline = /^\(\?([ims]+)\)/.exec(body);
  if (inline) {
    allFlags += inline[1];
    body = body.slice(inline[0].length);
  }
  const translated = translate(body);
  if (!translated.ok) return translated;
  return { ok: true, source: translated.source, flags: [...new Set(allFlags)].join('') };
}

/** Compile a translated regex with RE2JS. Throws on syntax RE2 refuses (checkRegex turns that into a reason). */
export function compileTranslated(source: string, flags: string): RE2JS {
  return RE2JS.compile(
    source,
    [...flags].reduce((bits, flag) => bits | (FLAG_BITS[flag] ?? 0), 0),
  );
}

/**
 * Translate and compile a Sigma regex with the `i`/`m`/`s` sub-modifiers. `source` is the RE2 syntax that was
 * compiled; a program over MAX_PROGRAM_SIZE instructions is refused.
 */
export function checkRegex(pattern: string, flags: string): RegexCheck {
  const translated = translateRegex(pattern, flags);
  if (!translated.ok) return translated;
  let regex: RE2JS;
  try {
    regex = compileTranslated(translated.source, translated.flags);
  } catch (cause) {
    return {
      ok: false,
      reason: `invalid regular expression: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
  if (regex.programSize() > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      reason: `regular expression too large (${regex.programSize()} instructions, at most ${MAX_PROGRAM_SIZE}; large repeat counts such as {1000} multiply the size)`,
    };
  }
  return { ok: true, source: translated.source, flags: translated.flags, regex };
}

let checkedAhead = false;

/**
 * Compile rules whose regexes were already checked (a rule pack written by compile-rules or pack-rules, each verified
 * at build time to load exactly what its YAML loads): their RE2 programs are compiled on first use instead of at
 * load, which is most of a cold start's rule compilation. Everything else compiles and checks them at load.
 */
export function withRegexesCheckedAhead<T>(load: () => T): T {
  const previous = checkedAhead;
  checkedAhead = true;
  try {
    return load();
  } finally {
    checkedAhead = previous;
  }
}

export function regexesCheckedAhead(): boolean {
  return checkedAhead;
}
