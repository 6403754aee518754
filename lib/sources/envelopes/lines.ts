/**
 * A line splitter for streamed text with a bound on line length. Each character is looked at once: a block is scanned
 * from where the last scan stopped, and a line is kept as a list of pieces joined once at its end, so input without
 * line breaks costs linear time. A line over the bound is not kept: only its head (for the error excerpt) and its
 * length are, and it is reported as too long when its end arrives.
 */
export type SplitLine =
  | { readonly ok: true; readonly text: string; readonly line: number }
  | { readonly ok: false; readonly length: number; readonly head: string; readonly line: number };

const HEAD_CHARS = 256;

export class LineSplitter {
  private parts: string[] = [];
  private partsLength = 0;
  private overlong: { head: string; length: number } | undefined;
  private line = 0;

  constructor(private readonly maxLineChars: number) {}

  /** Append a block of text; complete lines are pushed to `out` in order. */
  push(text: string, out: SplitLine[]): void {
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      this.append(text, start, end);
      this.emit(out);
      start = end + 1;
    }
    if (start < text.length) this.append(text, start, text.length);
  }

  /** End of input: the last line, if it had no line break. */
  end(out: SplitLine[]): void {
    if (this.partsLength > 0 || this.overlong) this.emit(out);
  }

  /** Characters held for the line in progress (never more than the bound). */
  get pendingChars(): number {
    return this.partsLength;
  }

  private append(text: string, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    if (this.overlong) {
      this.overlong.length += length;
      return;
    }
    if (this.partsLength + length > this.maxLineChars) {
      const head = `${this.parts.join('')}${text.slice(start, start + HEAD_CHARS)}`.slice(0, HEAD_CHARS);
      this.overlong = { head, length: this.partsLength + length };
      this.parts = [];
      this.partsLength = 0;
      return;
    }
    this.parts.push(text.slice(start, end));
    this.partsLength += length;
  }

  private emit(out: SplitLine[]): void {
    this.line++;
    if (this.overlong) {
      out.push({ ok: false, length: this.overlong.length, head: this.overlong.head, line: this.line });
      this.overlong = undefined;
      return;
    }
    const text = this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('');
    this.parts = [];
    this.partsLength = 0;
    out.push({ ok: true, text, line: this.line });
  }
}
