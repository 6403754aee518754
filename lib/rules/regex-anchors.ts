import { allOf, anchorOf, anyOf } from './anchors';
import type { Anchors } from './types';

/**
 * Prefilter literals of a regular expression (the source checkRegex produced, no `u` flag): runs of printable ASCII
 * characters that every match must contain, combined over alternations. Anything the reader does not fully
 * understand only ends a run or yields no anchor, so the result is always a necessary condition, never a guess.
 * ASCII only because, without `u`, case-insensitive matching maps an ASCII letter to exactly its two cases, so the
 * lowercased value contains the lowercased run; non-ASCII case folding is not that simple.
 */
export function regexAnchors(field: string, source: string): Anchors {
  const reader = new RegexReader(field, source);
  try {
    const anchors = reader.alternation();
    return reader.atEnd() ? anchors : null;
  } catch {
    return null;
  }
}

const PRINTABLE = /^[\x20-\x7e]$/;
const QUANTIFIER = /^\{(\d+)(,\d*)?\}/;
const MAX_DEPTH = 64;

class RegexReader {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly field: string,
    private readonly source: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  /** branch ('|' branch)* up to the end or a closing parenthesis. */
  alternation(): Anchors {
    const branches = [this.sequence()];
    while (this.source[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return anyOf(branches);
  }

  private sequence(): Anchors {
    const parts: Anchors[] = [];
    let run = '';
    const endRun = (): void => {
      if (run !== '') parts.push(anchorOf(this.field, run.toLowerCase()));
      run = '';
    };
    while (!this.atEnd()) {
      const c = this.source[this.pos] as string;
      if (c === '|' || c === ')') break;
      if (c === '(') {
        endRun();
        const group = this.group();
        if (this.minimumAfterAtom() > 0) parts.push(group);
        continue;
      }
      const literal = this.atomLiteral();
      const min = this.minimumAfterAtom();
      if (literal === undefined) {
        endRun();
      } else if (min === 1 && !this.quantified) {
        run += literal;
      } else {
        // Quantified character: required at least once when min >= 1, but what follows need not be adjacent.
        if (min >= 1) run += literal;
        endRun();
      }
    }
    endRun();
    return allOf(parts);
  }

  /** Set by minimumAfterAtom: whether a quantifier followed the atom. */
  private quantified = false;

  /** Consume a quantifier after an atom, if any; the minimum repetition count (1 without a quantifier). */
  private minimumAfterAtom(): number {
    const c = this.source[this.pos];
    let min = 1;
    this.quantified = true;
    if (c === '*' || c === '?') {
      min = 0;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{' && QUANTIFIER.test(this.source.slice(this.pos))) {
      const match = QUANTIFIER.exec(this.source.slice(this.pos)) as RegExpExecArray;
      min = Number(match[1]);
      this.pos += match[0].length;
    } else {
      this.quantified = false;
      return 1;
    }
    if (this.source[this.pos] === '?') this.pos++; // lazy
    return min;
  }

  /** A parenthesized group: its anchors, or null for lookarounds (zero-width) and anything unclear. */
  private group(): Anchors {
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
    return zeroWidth ? null : inner;
  }

  /** Consume one non-group atom; the literal character it stands for, or undefined when it is not one. */
  private atomLiteral(): string | undefined {
    const c = this.source[this.pos] as string;
    this.pos++;
    if (c === '\\') return this.escape();
    if (c === '[') {
      this.skipClass();
      return undefined;
    }
    if (c === '.' || c === '^' || c === '$') return undefined;
    if (c === '*' || c === '+' || c === '?') throw new SyntaxError('quantifier without atom');
    if (c === '{' && QUANTIFIER.test(this.source.slice(this.pos - 1))) throw new SyntaxError('quantifier without atom');
    return PRINTABLE.test(c) ? c : undefined;
  }

  private escape(): string | undefined {
    const c = this.source[this.pos];
    if (c === undefined) throw new SyntaxError('trailing backslash');
    this.pos++;
    if (/[A-Za-z0-9]/.test(c)) {
      // Classes, assertions, control and numeric escapes: none is a plain character we can rely on; skip the
      // digits of \xHH, \uHHHH and octal escapes so they are not read as literal text.
      if (c === 'x' || c === 'u') {
        const digits = /^[0-9A-Fa-f]*/.exec(this.source.slice(this.pos, this.pos + (c === 'x' ? 2 : 4)));
        this.pos += digits?.[0].length ?? 0;
      } else if (c === 'c') {
        if (/[A-Za-z]/.test(this.source[this.pos] ?? '')) this.pos++;
      } else if (/[0-9]/.test(c)) {
        while (/[0-9]/.test(this.source[this.pos] ?? '')) this.pos++;
      }
      return undefined;
    }
    return PRINTABLE.test(c) ? c : undefined;
  }

  private skipClass(): void {
    // In JS (without `u`/`v`), the first unescaped `]` ends the class, even right after `[` or `[^`.
    while (!this.atEnd()) {
      const c = this.source[this.pos] as string;
      this.pos++;
      if (c === '\\') this.pos++;
      else if (c === ']') return;
    }
    throw new SyntaxError('unterminated class');
  }
}
