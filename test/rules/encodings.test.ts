import { base64OffsetVariants, MAX_WINDASH_VARIANTS, windashVariants } from '../../lib/rules/encodings';

describe('value encodings', () => {
  it('windash varies only option prefixes at the start of a word', () => {
    expect(windashVariants('a -b')).toEqual(['a -b', 'a /b', 'a \u2013b', 'a \u2014b', 'a \u2015b']);
    expect(windashVariants('x86-64 /')).toEqual(['x86-64 /']);
  });

  it('windash refuses values that would expand beyond the cap', () => {
    expect(windashVariants(' -a -b -c -d')?.length).toBeLessThanOrEqual(MAX_WINDASH_VARIANTS);
    expect(windashVariants(' -a -b -c -d -e')).toBeUndefined();
  });

  it('base64offset variants are substrings of the encoding at every offset', () => {
    const variants = base64OffsetVariants('Start-VM', 'utf8');
    expect(variants).toHaveLength(3);
    for (const prefix of ['', 'x', 'xy', 'xyz', 'wxyz']) {
      const encoded = Buffer.from(`${prefix}Start-VM and more`).toString('base64');
      expect(variants.some((variant) => encoded.includes(variant))).toBe(true);
    }
    const other = Buffer.from('xStop-VM and more').toString('base64');
    expect(variants.some((variant) => other.includes(variant))).toBe(false);
  });
});
