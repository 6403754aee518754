import {
  attributeKeyProblem,
  entryIdFor,
  entryToItem,
  itemToEntry,
  LIMITS,
  toDynamoJson,
  validateEntry,
} from '../../lib/allowlist/item';
import type { AllowlistEntry } from '../../lib/model';

const ENTRY: AllowlistEntry = {
  host: 'build01.corp.example.com',
  rule: 'attack.t1564.006',
  match: { Image: '*\\VBoxManage.exe' },
  reason: 'CI builds boot test VMs',
  owner: 'platform-team',
  createdAt: 1_790_000_000,
  expiresAt: 1_795_000_000,
};

describe('entryToItem / itemToEntry', () => {
  it('stores an FQDN entry under its short name and reads it back unchanged', () => {
    const item = entryToItem(ENTRY);
    expect(item['host']).toBe('build01');
    expect(item['fqdn']).toBe('build01.corp.example.com');
    const back = itemToEntry(item);
    expect(back).toEqual({ ok: true, entry: { ...ENTRY, id: item['entryId'] } });
  });

  it('stores a short name, an instance id or "*" under itself', () => {
    expect(entryToItem({ ...ENTRY, host: 'I-0123456789ABCDEF0' })['host']).toBe('i-0123456789abcdef0');
    expect(entryToItem({ ...ENTRY, host: '*' })['host']).toBe('*');
    expect(entryToItem({ ...ENTRY, host: '10.0.0.5' })['host']).toBe('10.0.0.5');
    expect(entryToItem({ ...ENTRY, host: 'ws01' })).not.toHaveProperty('fqdn');
  });

  it('refuses items that lack what every entry must say', () => {
    const item = entryToItem(ENTRY);
    for (const attribute of ['reason', 'owner', 'rule', 'host', 'entryId']) {
      const { [attribute]: _removed, ...rest } = item;
      expect(itemToEntry(rest).ok).toBe(false);
    }
    expect(itemToEntry({ ...item, reason: '   ' }).ok).toBe(false);
  });

  it('refuses unsafe field names, non-string globs, over-long globs and too many fields', () => {
    const item = entryToItem(ENTRY);
    expect(itemToEntry({ ...item, match: JSON.parse('{"__proto__": "*"}') }).ok).toBe(false);
    expect(itemToEntry({ ...item, match: { 'constructor.x': '*' } }).ok).toBe(false);
    expect(itemToEntry({ ...item, match: { Image: 5 } }).ok).toBe(false);
    expect(itemToEntry({ ...item, match: { Image: 'x'.repeat(LIMITS.glob + 1) } }).ok).toBe(false);
    const many = Object.fromEntries(Array.from({ length: LIMITS.matchFields + 1 }, (_, i) => [`F${i}`, '*']));
    expect(itemToEntry({ ...item, match: many }).ok).toBe(false);
    expect(itemToEntry({ ...item, match: { Image: 'x'.repeat(LIMITS.glob) } }).ok).toBe(true);
  });

  it('refuses prototype keys on the item itself, patterns as host or rule, and millisecond timestamps', () => {
    const item = entryToItem(ENTRY);
    expect(itemToEntry(JSON.parse(JSON.stringify({ ...item, constructor: 1 }))).ok).toBe(false);
    expect(itemToEntry({ ...item, host: 'web*' }).ok).toBe(false);
    expect(itemToEntry({ ...item, rule: 'attack.*' }).ok).toBe(false);
    expect(itemToEntry({ ...item, expiresAt: 1_795_000_000_000 }).ok).toBe(false);
    expect(itemToEntry({ ...item, expiresAt: '1795000000' }).ok).toBe(false);
  });

  it('refuses an empty match map: an item whose match lost its keys is not a match-all entry', () => {
    expect(itemToEntry({ ...entryToItem(ENTRY), match: {} })).toEqual({
      ok: false,
      reason: expect.stringContaining('match'),
    });
  });

  it('round-trips matchAny, broad and pin through the item', () => {
    const entry: AllowlistEntry = {
      ...ENTRY,
      host: '*',
      broad: true,
      match: { HostPathMounts: '/var/log' },
      matchAny: ['HostPathMounts'],
      pin: { source: 'logStream', value: 'i-0123456789abcdef0' },
    };
    const item = entryToItem(entry);
    expect(itemToEntry(item)).toEqual({ ok: true, entry: { ...entry, id: item['entryId'] } });
  });

  it('finds prototype keys anywhere in a raw DynamoDB item, before the SDK unmarshalls (and drops) them', () => {
    const raw = (match: Record<string, unknown>) => ({ host: { S: 'h' }, match: { M: match } });
    expect(attributeKeyProblem(raw(JSON.parse('{"__proto__": {"S": "x"}}')))).toContain('__proto__');
    expect(attributeKeyProblem(raw({ Image: { S: 'x' }, constructor: { S: 'y' } }))).toContain('constructor');
    expect(attributeKeyProblem({ pin: { M: { value: { L: [{ M: { prototype: { S: 'x' } } }] } } } })).toContain(
      'prototype',
    );
    expect(attributeKeyProblem(raw({ Image: { S: '*\\VBoxManage.exe' } }))).toBeUndefined();
  });

  it('refuses an fqdn attribute that does not belong to the partition', () => {
    expect(itemToEntry({ ...entryToItem(ENTRY), fqdn: 'other.corp.example.com' }).ok).toBe(false);
  });

  it('refuses values that are not objects', () => {
    for (const value of [null, 'x', 42, [], undefined]) expect(itemToEntry(value).ok).toBe(false);
  });
});

describe('entryIdFor', () => {
  it('is stable for the same rule and match, whatever the key order', () => {
    const a = entryIdFor({ rule: 'R1', match: { Image: 'a', User: 'b' } });
    const b = entryIdFor({ rule: 'r1', match: { User: 'b', Image: 'a' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when the rule or a glob differs', () => {
    const base = entryIdFor({ rule: 'r1', match: { Image: 'a' } });
    expect(entryIdFor({ rule: 'r2', match: { Image: 'a' } })).not.toBe(base);
    expect(entryIdFor({ rule: 'r1', match: { Image: 'b' } })).not.toBe(base);
    expect(entryIdFor({ rule: 'r1' })).not.toBe(base);
  });

  it('differs when matchAny or the pin differs, and keeps the old id of an entry without them', () => {
    const base = entryIdFor({ rule: 'r1', match: { Image: 'a' } });
    expect(base).toBe(entryIdFor({ rule: 'r1', match: { Image: 'a' }, matchAny: [] }));
    expect(entryIdFor({ rule: 'r1', match: { Image: 'a' }, matchAny: ['Image'] })).not.toBe(base);
    const pinned = entryIdFor({ rule: 'r1', match: { Image: 'a' }, pin: { source: 'logStream', value: 'i-1' } });
    expect(pinned).not.toBe(base);
    expect(entryIdFor({ rule: 'r1', match: { Image: 'a' }, pin: { source: 'agentId', value: 'i-1' } })).not.toBe(
      pinned,
    );
  });
});

describe('toDynamoJson', () => {
  it('writes DynamoDB JSON for put-item', () => {
    const json = toDynamoJson(entryToItem(ENTRY));
    expect(json['host']).toEqual({ S: 'build01' });
    expect(json['expiresAt']).toEqual({ N: '1795000000' });
    expect(json['match']).toEqual({ M: { Image: { S: '*\\VBoxManage.exe' } } });
  });

  it('converts lists, booleans and null, and skips undefined attributes', () => {
    expect(toDynamoJson({ a: [1, 'x'], b: true, c: null, d: undefined })).toEqual({
      a: { L: [{ N: '1' }, { S: 'x' }] },
      b: { BOOL: true },
      c: { NULL: true },
    });
  });
});

describe('validateEntry', () => {
  it('lowercases the host and accepts an entry without match', () => {
    const result = validateEntry({ host: 'WS01', rule: 'r1', reason: 'r', owner: 'o' });
    expect(result).toEqual({ ok: true, entry: { host: 'ws01', rule: 'r1', reason: 'r', owner: 'o' } });
  });

  it('says what is wrong', () => {
    const result = validateEntry({ host: 'ws01', rule: 'r1', reason: 'r' });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('owner') });
  });
});
