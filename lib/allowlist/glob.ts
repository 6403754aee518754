/**
 * Case-insensitive glob matching for allowlist values, with Sigma's wildcard semantics:
 * `*` any run of characters, `?` exactly one character, `\` escapes `*`, `?` and `\` (a backslash before any other
 * character is a literal backslash, so Windows paths read naturally: `C:\Program Files\Oracle\\*`).
 *
 * No regular expressions and no backtracking across stars: the pattern is split on its stars into segments; the first
 * segment is anchored at the start, the last at the end, and every middle segment is taken at its leftmost occurrence
 * (leftmost is always safe for star-separated segments). Each star is passed once and the subject is scanned left to
 * right once: at most O(subject × segment) (segments are bounded by the 256-character glob limit), and literal
 * segments use the engine's string search. A hostile value cannot make it backtrack.
 */

/** One pattern character: a literal (lowercased) or `?`. */
type Token = string | typeof ANY_ONE;
const ANY_ONE = Symbol('?');

export interface CompiledGlob {
  readonly source: string;
  /** Segments between stars. */
  readonly segments: readonly (readonly Token[])[];
  readonly leadingStar: boolean;
  readonly trailingStar: boolean;
  /** True when the pattern had at least one unescaped star. */
  readonly hasStar: boolean;
}

export function compileGlob(pattern: string): CompiledGlob {
  const segments: Token[][] = [[]];
  let hasStar = false;
  let leadingStar = false;
  let trailingStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const current = segments[segments.length - 1] as Token[];
    trailingStar = false;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        current.push(next);
        i++;
      } else {
        current.push('\\');
      }
    } else if (c === '*') {
      if (!hasStar && current.length === 0 && segments.length === 1) leadingStar = true;
      hasStar = true;
      trailingStar = true;
      // Consecutive stars are one star.
      if (current.length > 0 || segments.length === 1) segments.push([]);
    } else if (c === '?') {
      current.push(ANY_ONE);
    } else {
      for (const lower of c.toLowerCase()) current.push(lower);
    }
  }
  return { source: pattern, segments, leadingStar, trailingStar, hasStar };
}

/** A segment without `?` as one string, so the engine's string search can be used for it. */
const literals = new WeakMap<readonly Token[], string | null>();

function literalOf(segment: readonly Token[]): string | null {
  let literal = literals.get(segment);
  if (literal === undefined) {
    literal = segment.includes(ANY_ONE) ? null : (segment as readonly string[]).join('');
    literals.set(segment, literal);
  }
  return literal;
}

/** Lowercased code units, compared token by token. */
function matchesAt(subject: string, at: number, segment: readonly Token[]): boolean {
  if (at + segment.length > subject.length) return false;
  const literal = literalOf(segment);
  if (literal !== null) return subject.startsWith(literal, at);
  for (let j = 0; j < segment.length; j++) {
    const token = segment[j];
    if (token !== ANY_ONE && token !== subject[at + j]) return false;
  }
  return true;
}

function indexOfSegment(subject: string, from: number, segment: readonly Token[]): number {
  const literal = literalOf(segment);
  if (literal !== null) return subject.indexOf(literal, from);
  const last = subject.length - segment.length;
  for (let at = from; at <= last; at++) {
    if (matchesAt(subject, at, segment)) return at;
  }
  return -1;
}

/** Does the whole subject match the compiled glob (case-insensitively)? */
export function matchCompiled(glob: CompiledGlob, value: string): boolean {
  return matchLowered(glob, value.toLowerCase());
}

/** matchCompiled for a value already lowercased: callers trying many globs on one value lowercase it once. */
export function matchLowered(glob: CompiledGlob, subject: string): boolean {
  const { segments } = glob;
  if (!glob.hasStar) {
    const only = segments[0] as readonly Token[];
    return only.length === subject.length && matchesAt(subject, 0, only);
  }
  // Non-empty segments, in order; anchoring comes from the star flags.
  const parts = segments.filter((segment) => segment.length > 0);
  let start = 0;
  let end = subject.length;
  let first = 0;
  let lastIndex = parts.length - 1;
  if (!glob.leadingStar) {
    const head = parts[0] as readonly Token[];
    if (!matchesAt(subject, 0, head)) return false;
    start = head.length;
    first = 1;
  }
  if (!glob.trailingStar && lastIndex >= first) {
    const tail = parts[lastIndex] as readonly Token[];
    if (end - tail.length < start || !matchesAt(subject, end - tail.length, tail)) return false;
    end -= tail.length;
    lastIndex -= 1;
  }
  const middle = subject.slice(0, end);
  for (let k = first; k <= lastIndex; k++) {
    const segment = parts[k] as readonly Token[];
    const at = indexOfSegment(middle, start, segment);
    if (at < 0) return false;
    start = at + segment.length;
  }
  return start <= end;
}

/** Convenience: compile and match once. Compile once and reuse for hot paths. */
export function globMatch(pattern: string, value: string): boolean {
  return matchCompiled(compileGlob(pattern), value);
}
