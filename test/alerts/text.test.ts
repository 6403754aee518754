import fc from 'fast-check';
import { asciiLine, inertJson, multiLine, oneLine, shellQuote, truncate } from '../../lib/alerts/text';

describe('text hygiene', () => {
  it('makes CR, LF, ESC and bidi overrides visible in one-line text', () => {
    expect(oneLine('a\r\nBcc: x\u001b[31m\u202eb')).toBe('a\\r\\nBcc: x\\x1b[31m\\u202eb');
  });

  it('leaves ordinary text, including non-Latin scripts and emoji, unchanged', () => {
    expect(oneLine('C:\\Program Files\\Oracle — 日本語 😀')).toBe('C:\\Program Files\\Oracle — 日本語 😀');
  });

  it('keeps line breaks in multi-line text but still neutralizes escapes', () => {
    expect(multiLine('line1\r\nline2\u001b[2J\tx')).toBe('line1\nline2\\x1b[2J  x');
  });

  it('replaces lone surrogates, which SNS rejects, and keeps valid pairs', () => {
    expect(oneLine('a\ud800b\udc00c😀')).toBe('a\ufffdb\ufffdc😀');
  });

  it('never leaves control characters in one-line output, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(oneLine(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
      }),
    );
  });

  it('cuts with a visible marker that says how much was cut, and not when it fits', () => {
    expect(truncate('abcdef', 3)).toBe('abc …[truncated 3 chars]');
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('never splits a surrogate pair when cutting', () => {
    expect(truncate('a😀b', 2)).toBe('a …[truncated 3 chars]');
  });

  it('reduces subjects to printable ASCII within the length', () => {
    const subject = asciiLine('héllo\r\nBcc: evil@example.com', 100);
    expect(subject).toMatch(/^[\x20-\x7e]*$/);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(asciiLine('x'.repeat(300), 100)).toHaveLength(100);
  });

  it('escapes format characters in JSON while keeping the same value', () => {
    const value = { cmd: 'a\u202eb\u2028c' };
    const json = inertJson(value);
    expect(json).toBe('{"cmd":"a\\u202eb\\u2028c"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('quotes shell words so a single quote cannot end the argument', () => {
    expect(shellQuote("it's $(rm -rf ~)")).toBe("'it'\\''s $(rm -rf ~)'");
  });
});
