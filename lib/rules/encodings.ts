/** Value transformations of Sigma modifiers: windash, base64, base64offset, utf16le/utf16be (wide). */

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

/** Characters Windows command lines accept as an option prefix where a rule writes `-` or `/`. */
export const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

/** At most this many windash variants per value; more means a rule that would be slow and is likely a mistake. */
export const MAX_WINDASH_VARIANTS = 625;

/**
 * windash: every `-` or `/` that starts a word (not preceded by a letter, digit or underscore, and followed by one)
 * may be any of the dash characters. Returns all variants, or undefined when there would be too many.
 */
export function windashVariants(value: string): string[] | undefined {
  const positions: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '-' && c !== '/') continue;
    const before = i === 0 ? '' : (value[i - 1] as string);
    const after = value[i + 1] ?? '';
    if (!/\w/.test(before) && /\w/.test(after)) positions.push(i);
  }
  if (WINDASH_CHARACTERS.length ** positions.length > MAX_WINDASH_VARIANTS) return undefined;
  let variants = [value];
  for (const position of positions) {
    variants = variants.flatMap((variant) =>
      WINDASH_CHARACTERS.map((dash) => variant.slice(0, position) + dash + variant.slice(position + 1)),
    );
  }
  return variants;
}

export function encodeText(value: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(value, 'utf8');
  const little = Buffer.from(value, 'utf16le');
  if (encoding === 'utf16le') return little;
  const big = Buffer.alloc(little.length);
  for (let i = 0; i + 1 < little.length; i += 2) {
    big[i] = little[i + 1] as number;
    big[i + 1] = little[i] as number;
  }
  return big;
}

export function base64Of(value: string, encoding: TextEncoding): string {
  return encodeText(value, encoding).toString('base64');
}

/**
 * base64offset: the three encodings of the value at byte offsets 0, 1 and 2 inside a longer base64 text, with the
 * characters that depend on the unknown neighbouring bytes cut off.
 */
export function base64OffsetVariants(value: string, encoding: TextEncoding): string[] {
  const bytes = encodeText(value, encoding);
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const end = encoded.length - (endCut[(bytes.length + shift) % 3] as number);
    const variant = encoded.slice(startCut[shift] as number, end);
    if (variant !== '') out.push(variant);
  }
  return [...new Set(out)];
}
