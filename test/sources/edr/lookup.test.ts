import { dotted, dottedStr, includesAny } from '../../../lib/sources/edr/lookup';

describe('dotted field lookup', () => {
  it('finds a field nested, flattened, or half of each', () => {
    expect(dotted({ process: { parent: { pid: 1 } } }, 'process.parent.pid')).toBe(1);
    expect(dotted({ 'process.parent.pid': 2 }, 'process.parent.pid')).toBe(2);
    expect(dotted({ process: { 'parent.pid': 3 } }, 'process.parent.pid')).toBe(3);
    expect(dotted({ 'process.parent': { pid: 4 } }, 'process.parent.pid')).toBe(4);
  });

  it('prefers the flattened key when both spellings are present', () => {
    expect(dotted({ 'event.type': 'flat', event: { type: 'nested' } }, 'event.type')).toBe('flat');
  });

  it('falls back to the nested spelling when a flattened prefix leads nowhere', () => {
    expect(dotted({ 'process.parent': 'text', process: { parent: { pid: 5 } } }, 'process.parent.pid')).toBe(5);
  });

  it('answers undefined for missing fields, arrays, primitives and null on the way', () => {
    expect(dotted({ process: {} }, 'process.pid')).toBeUndefined();
    expect(dotted({ process: [{ pid: 1 }] }, 'process.pid')).toBeUndefined();
    expect(dotted({ process: null }, 'process.pid')).toBeUndefined();
    expect(dotted('process', 'process.pid')).toBeUndefined();
    expect(dotted(undefined, 'a')).toBeUndefined();
  });

  it('reads own properties only', () => {
    expect(dotted(Object.create({ process: { pid: 1 } }), 'process.pid')).toBeUndefined();
    expect(dotted({}, 'constructor')).toBeUndefined();
    expect(dotted({}, '__proto__')).toBeUndefined();
  });

  it('refuses names deeper than the bound instead of searching exponentially', () => {
    expect(dotted({ 'a.b.c.d.e.f.g': 1 }, 'a.b.c.d.e.f.g')).toBeUndefined();
    expect(dotted({ 'a.b.c.d.e.f': 1 }, 'a.b.c.d.e.f')).toBe(1);
  });

  it('gives strings and stringified numbers through dottedStr, nothing for objects', () => {
    expect(dottedStr({ host: { name: 'h1' } }, 'host.name')).toBe('h1');
    expect(dottedStr({ process: { pid: 7 } }, 'process.pid')).toBe('7');
    expect(dottedStr({ host: { name: { x: 1 } } }, 'host.name')).toBeUndefined();
  });

  it('matches a wanted value in a string or an array, case-insensitively', () => {
    expect(includesAny(['network', 'Process'], ['process'])).toBe(true);
    expect(includesAny('process', ['process'])).toBe(true);
    expect(includesAny(['network'], ['process'])).toBe(false);
    expect(includesAny([{ process: 1 }], ['process'])).toBe(false);
  });
});
