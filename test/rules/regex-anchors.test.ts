import fc from 'fast-check';
import { regexAnchors } from '../../lib/rules/regex-anchors';
import { checkRegex } from '../../lib/rules/regex-safety';

/** The engine's compiled form of a Sigma pattern, as the matcher builds it. */
function compiled(pattern: string, flags = '') {
  const checked = checkRegex(pattern, flags);
  if (!checked.ok) throw new Error(checked.reason);
  return checked;
}

const literals = (pattern: string, flags = ''): string[] | null => {
  const { source, flags: all } = compiled(pattern, flags);
  return regexAnchors('f', source, { caseless: all.includes('i') })?.map((anchor) => anchor.literal) ?? null;
};

describe('regex prefilter literals', () => {
  it('take the required literal runs of a pattern, lowercased', () => {
    expect(literals('VBoxManage(\\.exe)?\\s+startvm')).toEqual(['vboxmanage']);
    expect(literals('(?:New|Import|Start)-VM(?:\\s|$)')).toEqual(['new-vm', 'import-vm', 'start-vm']);
    expect(literals('qemu-system-\\w+|\\\\qemu-img\\.exe')).toEqual(['qemu-system-', '\\qemu-img.exe']);
    expect(literals('(?<tool>vmrun)\\s+start')).toEqual(['vmrun']);
  });

  it('expand small classes and groups of alternatives into a few exact strings', () => {
    expect(literals('Start[-\\u2013]VM')).toEqual(['start-vm', 'start\u2013vm']);
    expect(literals('(?:ab|cd)efg')).toEqual(['abefg', 'cdefg']);
    expect(literals('(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)xyz')).toEqual(['ixyz', 'jxyz']);
    expect(literals('a[b-d]cdef')).toEqual(['cdef']);
    expect(literals('ab[^x]cde')).toEqual(['cde']);
  });

  it('end a run at quantified, escaped, class and wildcard characters', () => {
    expect(literals('ab+cde')).toEqual(['cde']);
    expect(literals('abc?def')).toEqual(['def']);
    expect(literals('x{2}yzw')).toEqual(['yzw']);
    expect(literals('\\x41bcdef')).toEqual(['abcdef']);
    expect(literals('\\x0abcdef')).toEqual(['bcdef']);
    expect(literals('\\u0041bcdef')).toEqual(['abcdef']);
    expect(literals('a[\\d]def')).toEqual(['def']);
    expect(literals('ab.cdef')).toEqual(['cdef']);
    expect(literals('(abc)*def')).toEqual(['def']);
  });

  it('read RE2 syntax as the engine does', () => {
    expect(literals('[]abc]def')).toEqual([']def', 'adef', 'bdef', 'cdef']);
    expect(literals('[^]abc]def')).toEqual(['def']);
    expect(literals('[[:alpha:]]xyz')).toEqual(['xyz']);
    expect(literals('\\p{Greek}abc')).toEqual(['abc']);
    expect(literals('\\pLabc')).toEqual(['abc']);
    expect(literals('\\x{41}bcdef')).toEqual(['abcdef']);
    expect(literals('\\Q[abc]def\\E')).toEqual(['[abc]def']);
    expect(literals('\\Qa|b(c\\E')).toEqual(['a|b(c']);
  });

  it('under case-insensitive matching, let s also stand for U+017F LONG S (RE2 case folding)', () => {
    expect(literals('startvm', 'i')).toEqual(['startvm', '\u017ftartvm']);
    expect(literals('(?i)[s]ub')).toEqual(['sub', '\u017fub']);
    expect(literals('startvm')).toEqual(['startvm']);
  });

  it('give no literals when a branch has none, or the pattern is too short or unusual', () => {
    expect(literals('abc|de')).toBeNull();
    expect(literals('vboxmanage|.*')).toBeNull();
    expect(literals('(?:abc)?')).toBeNull();
    expect(literals('\\d+\\.\\d+')).toBeNull();
    expect(literals('ca\u00e9s')).toBeNull();
    expect(literals('caf\u00e9s')).toEqual(['caf']);
    expect(literals('(?i:abcd)efgh')).toBeNull();
    expect(literals('abcd(?i)efgh')).toBeNull();
  });

  it('are contained in every lowercased value the pattern matches', () => {
    type Node = { source: string; sample: fc.Arbitrary<string> };
    const char = fc.constantFrom('a', 'B', 'c', '-', '.', ' ', 'x', 'Y', 's', 'K');
    const escapeDot = (c: string) => (c === '.' ? '\\.' : c);
    const leaf: fc.Arbitrary<Node> = fc.oneof(
      fc.array(char, { minLength: 1, maxLength: 6 }).map((chars) => ({
        source: chars.map(escapeDot).join(''),
        sample: fc.constant(chars.join('')),
      })),
      fc.constant({ source: '[ab]', sample: fc.constantFrom('a', 'b') }),
      fc.constant({ source: '[-\\u2013]', sample: fc.constantFrom('-', '\u2013') }),
      fc.constant({ source: '[^a]', sample: fc.constantFrom('b', 'Q') }),
      fc.constant({ source: '\\s', sample: fc.constant(' ') }),
      fc.constant({ source: '.', sample: fc.constantFrom('q', 'A', '-') }),
    );
    const quantify = (node: Node, q: string): Node => {
      const grouped = `(?:${node.source})`;
      const min = q === '*' || q === '?' ? 0 : q === '{2}' ? 2 : 1;
      const max = q === '?' ? 1 : q === '{2}' ? 2 : 3;
      return {
        source: `${grouped}${q}`,
        sample: fc.array(node.sample, { minLength: min, maxLength: max }).map((parts) => parts.join('')),
      };
    };
    const tree = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({
          source: `${a.source}${b.source}`,
          sample: fc.tuple(a.sample, b.sample).map(([x, y]) => x + y),
        })),
        fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({
          source: `(?:${a.source}|${b.source})`,
          sample: fc.oneof(a.sample, b.sample),
        })),
        fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}')).map(([a, q]) => quantify(a, q)),
      ),
    })).node;
    // Case-insensitive values: uppercased, or with s and k also in their other RE2 case-fold forms.
    const caseInsensitive = fc.constantFrom('no', 'upper', 'folded');
    const shown = (sample: string, mode: string): string =>
      mode === 'no'
        ? sample
        : mode === 'upper'
          ? sample.toUpperCase()
          : sample.toUpperCase().replace(/S/g, '\u017f').replace(/K/g, '\u212a');
    let anchored = 0;
    fc.assert(
      fc.property(
        tree.chain((node) => fc.tuple(fc.constant(node.source), node.sample, fc.string(), fc.string())),
        caseInsensitive,
        ([source, sample, before, after], insensitive) => {
          const value = before + shown(sample, insensitive) + after;
          const flags = insensitive === 'no' ? '' : 'i';
          expect(compiled(source, flags).regex.test(value)).toBe(true);
          const found = literals(source, flags);
          if (found === null) return;
          anchored++;
          expect(found.some((literal) => value.toLowerCase().includes(literal))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    // The property must have been exercised on patterns that do yield literals.
    expect(anchored).toBeGreaterThan(20);
  });
});
