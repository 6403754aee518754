/**
 * Sigma string values: `*` matches any run of characters, `?` exactly one; `\*`, `\?` and `\\` are the literal
 * characters; a backslash before anything else is itself (so `C:\Windows\` needs no escaping).
 */
export type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'one' };

export function parseSigmaString(value: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else {
        text += c;
      }
    } else if (c === '*') {
      flush();
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return tokens;
}

/** Tokens of a plain literal (no wildcards): used for transformed values such as base64. */
export function literalTokens(text: string): Token[] {
  return text === '' ? [] : [{ kind: 'text', text }];
}

export function hasWildcards(tokens: readonly Token[]): boolean {
  return tokens.some((token) => token.kind !== 'text');
}

/** Wrap with stars for contains / startswith / endswith. */
export function withStars(tokens: readonly Token[], leading: boolean, trailing: boolean): Token[] {
  const out = [...tokens];
  if (leading && out[0]?.kind !== 'star') out.unshift({ kind: 'star' });
  if (trailing && out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
  return out;
}

/** The longest literal run of the pattern, for the prefilter. */
export function longestLiteral(tokens: readonly Token[]): string {
  let best = '';
  for (const token of tokens) if (token.kind === 'text' && token.text.length > best.length) best = token.text;
  return best;
}

export function lowerTokens(tokens: readonly Token[]): Token[] {
  return tokens.map((token) => (token.kind === 'text' ? { kind: 'text', text: token.text.toLowerCase() } : token));
}

/** A segment between stars: literal text where `null` positions in `any` are single-character wildcards. */
interface Segment {
  readonly text: string;
  readonly any: readonly boolean[] | null;
}

function segmentAt(value: string, segment: Segment, at: number): boolean {
  const { text, any } = segment;
  if (at < 0 || at + text.length > value.length) return false;
  if (any === null) return value.startsWith(text, at);
  for (let i = 0; i < text.length; i++) if (!any[i] && value[at + i] !== text[i]) return false;
  return true;
}

function segmentIndex(value: string, segment: Segment, from: number): number {
  if (segment.any === null) return value.indexOf(segment.text, from);
  for (let at = from; at + segment.text.length <= value.length; at++) if (segmentAt(value, segment, at)) return at;
  return -1;
}

/**
 * A string predicate for a token pattern, comparing exactly (callers lowercase both sides for case-insensitive
 * matching). Simple shapes become ===, startsWith, endsWith or includes; others a left-most greedy glob match,
 * which is linear per segment and cannot backtrack catastrophically.
 */
export function compileTokens(tokens: readonly Token[]): (value: string) => boolean {
  const first = tokens[0];
  const last = tokens.at(-1);
  if (!hasWildcards(tokens)) {
    const text = first?.kind === 'text' ? first.text : '';
    return (value) => value === text;
  }
  const onlyText = tokens.filter((token) => token.kind === 'text');
  const noOne = tokens.every((token) => token.kind !== 'one');
  if (noOne && onlyText.length <= 1) {
    const text = onlyText[0]?.kind === 'text' ? onlyText[0].text : '';
    const leading = first?.kind === 'star';
    const trailing = last?.kind === 'star';
    if (text === '') return () => true;
    if (leading && trailing) return (value) => value.includes(text);
    if (trailing) return (value) => value.startsWith(text);
    return (value) => value.endsWith(text);
  }
  const segments: Segment[] = [];
  let text = '';
  let any: boolean[] = [];
  const push = (): void => {
    segments.push({ text, any: any.some(Boolean) ? any : null });
    text = '';
    any = [];
  };
  for (const token of tokens) {
    if (token.kind === 'star') push();
    else if (token.kind === 'one') {
      text += '\u0000';
      any.push(true);
    } else {
      text += token.text;
      for (let i = 0; i < token.text.length; i++) any.push(false);
    }
  }
  push();
  // segments.length >= 2 exactly when there is a star; the first and last segments are anchored.
  if (segments.length === 1) {
    const only = segments[0] as Segment;
    return (value) => value.length === only.text.length && segmentAt(value, only, 0);
  }
  const head = segments[0] as Segment;
  const tail = segments.at(-1) as Segment;
  const middle = segments.slice(1, -1).filter((segment) => segment.text.length > 0);
  return (value) => {
    if (!segmentAt(value, head, 0)) return false;
    const tailStart = value.length - tail.text.length;
    if (tailStart < head.text.length || !segmentAt(value, tail, tailStart)) return false;
    let pos = head.text.length;
    for (const segment of middle) {
      const at = segmentIndex(value, segment, pos);
      if (at < 0) return false;
      pos = at + segment.text.length;
    }
    return pos <= tailStart;
  };
}
