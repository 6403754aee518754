import { allOf, anchorOf, anyOf } from './anchors';
import type { Anchors } from './types';

/**
 * Prefilter literals of a regular expression (the RE2 source checkRegex produced): stretches of text that every match
 * must contain, as small sets of alternatives (`(?:New|Start)[-–]VM` gives four strings), combined over alternations.
 * Anything the reader does not fully understand only ends a stretch or yields no anchor (inline flag groups such as
 * `(?i)` give none), so the result is always a necessary condition, never a guess. One pass over the pattern.
 *
 * Only printable ASCII and caseless characters are used, and the value they are looked for in is lowercased. RE2's
 * case-insensitive matching follows Unicode simple case folding: an ASCII letter matches its two cases, and also
 * U+212A KELVIN SIGN for k (which lowercases to k) and U+017F LONG S for s (which does not lowercase to s). So under
 * `caseless` an s stands for the set {s, ſ}.
 */
export function regexAnchors(field: string, source: string, options: { caseless: boolean }): Anchors {
  const reader = new RegexReader(field, source, options.caseless);
  try {
    const { anchors } = reader.alternation();
    return reader.atEnd() ? anchors : null;
  } catch {
    return null;
  }
}

const LONG_S = '\u017f';

/** A counted repeat at a given position (sticky: reads only from there, so the reader stays one pass). */
const QUANTIFIER = /\{(\d+)(,\d*)?\}/y;

function quantifierAt(source: string, at: number): RegExpExecArray | null {
  QUANTIFIER.lastIndex = at;
  return QUANTIFIER.exec(source);
}
const MAX_DEPTH = 64;
/** Largest set of alternative strings kept for one stretch of the pattern (`(?:a|b)[-_]c` is 4 strings). */
const MAX_SET = 16;

/**
 * A character we may rely on: printable ASCII, or a character without case (dashes, quotes), since for those the
 * lowercased value holds exactly what the regex matched.
 */
function reliable(c: string): boolean {
  if (c >= ' ' && c <= '~') return true;
  const code = c.charCodeAt(0);
  return code > 0x7f && (code < 0xd800 || code > 0xdfff) && c.toLowerCase() === c && c.toUpperCase() === c;
}

/** What a piece of pattern tells the prefilter: necessary anchors, and the exact strings it matches if finitely few. */
interface Piece {
  readonly anchors: Anchors;
  readonly exact: readonly string[] | null;
}

function setAnchors(field: string, set: readonly string[]): Anchors {
  return anyOf(set.map((text) => anchorOf(field, text.toLowerCase())));
}

class RegexReader {
  private pos = 0;
  private depth = 0;
  /** Set once no `:]` follows: later `[:` need not search again (keeps the reader linear). */
  private noPosixClose = false;

  constructor(
    private readonly field: string,
    private readonly source: string,
    private readonly caseless: boolean,
  ) {}

  /** The characters a pattern character can match, as the lowercased value shows them (see regexAnchors). */
  private variants(c: string): string[] {
    return this.caseless && (c === 's' || c === 'S') ? [c, LONG_S] : [c];
  }

  atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  /** branch ('|' branch)* up to the end or a closing parenthesis. */
  alternation(): Piece {
    const branches = [this.sequence()];
    while (this.source[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    const exact: string[] = [];
    for (const branch of branches) {
      if (branch.exact === null) return { anchors: anyOf(branches.map((b) => b.anchors)), exact: null };
      exact.push(...branch.exact);
    }
    const unique = [...new Set(exact)];
    return {
      anchors: anyOf(branches.map((b) => b.anchors)),
      exact: unique.length <= MAX_SET ? unique : null,
    };
  }

  /**
   * A branch: stretches of exactly known text (literal characters, small classes, groups of alternatives) are kept
   * as sets of strings and concatenated; every stretch, and every required group, is a necessary condition.
   */
  private sequence(): Piece {
    const parts: Anchors[] = [];
    let current: string[] = [''];
    let exact = true;
    const flush = (): void => {
      parts.push(setAnchors(this.field, current));
      current = [''];
    };
    const append = (set: readonly string[]): void => {
      if (current.length * set.length > MAX_SET) {
        flush();
        exact = false;
      }
      current = current.flatMap((head) => set.map((tail) => head + tail));
    };
    while (!this.atEnd()) {
      const c = this.source[this.pos] as string;
      if (c === '|' || c === ')') break;
      const piece: Piece = c === '(' ? this.group() : { anchors: null, exact: this.atomSet() ?? null };
      const { min, quantified } = this.quantifier();
      if (!quantified && piece.exact !== null) {
        append(piece.exact);
        continue;
      }
      // Quantified, or not exactly known: required at least once when min >= 1, but not adjacent to what follows.
      exact = false;
      if (min >= 1 && piece.exact !== null) append(piece.exact);
      flush();
      if (min >= 1) parts.push(piece.anchors);
    }
    const whole = current;
    flush();
    return { anchors: allOf(parts), exact: exact ? whole : null };
  }

  /** Consume a quantifier after an atom, if any. */
  private quantifier(): { min: number; quantified: boolean } {
    const c = this.source[this.pos];
    let min = 1;
    if (c === '*' || c === '?') {
      min = 0;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{' && quantifierAt(this.source, this.pos)) {
      const match = quantifierAt(this.source, this.pos) as RegExpExecArray;
      min = Number(match[1]);
      this.pos += match[0].length;
    } else {
      return { min: 1, quantified: false };
    }
    if (this.source[this.pos] === '?') this.pos++; // lazy
    return { min, quantified: true };
  }

  /** A parenthesized group; lookarounds (zero-width) tell nothing. */
  private group(): Piece {
    if (++this.depth > MAX_DEPTH) throw new RangeError('regex nested too deeply');
    this.pos++; // (
    let zeroWidth = false;
    if (this.source.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?<?[=!]/.test(this.source.slice(this.pos, this.pos + 3))) {
      zeroWidth = true;
      this.pos += this.source[this.pos + 1] === '<' ? 3 : 2;
    } else if (this.source.startsWith('?<', this.pos)) {
      const close = this.source.indexOf('>', this.pos);
      if (close < 0) throw new SyntaxError('unterminated group name');
      this.pos = close + 1;
    } else if (this.source[this.pos] === '?') {
      throw new SyntaxError('unknown group kind');
    }
    const inner = this.alternation();
    if (this.source[this.pos] !== ')') throw new SyntaxError('missing )');
    this.pos++;
    this.depth--;
    return zeroWidth ? { anchors: null, exact: null } : inner;
  }

  /** Consume one non-group atom: the characters it matches when few and reliable, else undefined. */
  private atomSet(): string[] | undefined {
    const c = this.source[this.pos] as string;
    this.pos++;
    if (c === '\\') {
      const escaped = this.escape();
      return escaped === undefined ? undefined : this.variants(escaped);
    }
    if (c === '[') return this.classSet();
    if (c === '.' || c === '^' || c === '$') return undefined;
    if (c === '*' || c === '+' || c === '?') throw new SyntaxError('quantifier without atom');
    if (c === '{' && quantifierAt(this.source, this.pos - 1)) throw new SyntaxError('quantifier without atom');
    return reliable(c) ? this.variants(c) : undefined;
  }

  /** After a backslash: the character meant, when it is a plain one (identity, \xHH or \x{H...} escape). */
  private escape(): string | undefined {
    const c = this.source[this.pos];
    if (c === undefined) throw new SyntaxError('trailing backslash');
    this.pos++;
    if (c === 'x') {
      if (this.source[this.pos] === '{') {
        const close = this.source.indexOf('}', this.pos);
        if (close < 0) throw new SyntaxError('unterminated \\x{');
        const digits = this.source.slice(this.pos + 1, close);
        this.pos = close + 1;
        const code = /^[0-9A-Fa-f]{1,4}$/.test(digits) ? Number.parseInt(digits, 16) : -1;
        if (code < 0) return undefined;
        const char = String.fromCharCode(code);
        return reliable(char) ? char : undefined;
      }
      const digits = /^[0-9A-Fa-f]*/.exec(this.source.slice(this.pos, this.pos + 2))?.[0] ?? '';
      this.pos += digits.length;
      if (digits.length !== 2) return undefined;
      const char = String.fromCharCode(Number.parseInt(digits, 16));
      return reliable(char) ? char : undefined;
    }
    if (c === 'p' || c === 'P') {
      // A Unicode class: \pL or \p{Greek}.
      if (this.source[this.pos] === '{') {
        const close = this.source.indexOf('}', this.pos);
        if (close < 0) throw new SyntaxError('unterminated \\p{');
        this.pos = close + 1;
      } else {
        this.pos++;
      }
      return undefined;
    }
    // checkRegex rewrites \Q...\E and \uHHHH; meeting them here means a source it did not produce.
    if (c === 'Q' || c === 'E' || c === 'u') throw new SyntaxError(`unexpected \\${c}`);
    if (/[A-Za-z0-9]/.test(c)) {
      // Classes, assertions and octal escapes: skip the digits of octal escapes.
      if (/[0-9]/.test(c)) {
        while (/[0-9]/.test(this.source[this.pos] ?? '')) this.pos++;
      }
      return undefined;
    }
    return reliable(c) ? c : undefined;
  }

  /**
   * A character class: its characters when it is a short list of reliable ones (no ranges, not negated). RE2 syntax:
   * a `]` right after `[` or `[^` is a member, `[:alpha:]` is a named class, the next `]` ends the class.
   */
  private classSet(): string[] | undefined {
    const chars: string[] = [];
    let simple = true;
    if (this.source[this.pos] === '^') {
      simple = false;
      this.pos++;
    }
    if (this.source[this.pos] === ']') {
      chars.push(']');
      this.pos++;
    }
    while (!this.atEnd()) {
      const c = this.source[this.pos] as string;
      this.pos++;
      if (c === ']') {
        return simple && chars.length > 0 && chars.length <= 8
          ? chars.flatMap((char) => this.variants(char))
          : undefined;
      }
      if (c === '[' && this.source[this.pos] === ':' && !this.noPosixClose) {
        const close = this.source.indexOf(':]', this.pos);
        if (close >= 0) {
          this.pos = close + 2;
          simple = false;
          continue;
        }
        this.noPosixClose = true;
      }
      if (c === '\\') {
        const escaped = this.escape();
        if (escaped === undefined) simple = false;
        else chars.push(escaped);
      } else if (c === '-' && chars.length > 0 && this.source[this.pos] !== ']') {
        simple = false; // a range
      } else if (reliable(c)) {
        chars.push(c);
      } else {
        simple = false;
      }
    }
    throw new SyntaxError('unterminated class');
  }
}
