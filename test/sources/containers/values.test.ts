import { addUnique, bool, bounded, capabilityName, listOf, nameFromArn } from '../../../lib/sources/containers/values';

describe('container value readers', () => {
  it('spells capabilities upper-case without CAP_, refusing what is not a capability name', () => {
    expect(capabilityName('cap_sys_admin')).toBe('SYS_ADMIN');
    expect(capabilityName(' NET_RAW ')).toBe('NET_RAW');
    expect(capabilityName('rm -rf /')).toBeUndefined();
    expect(capabilityName(7)).toBeUndefined();
  });

  it('reads booleans and their string spellings, nothing else', () => {
    expect([bool(true), bool('TRUE'), bool('false'), bool(1), bool('yes')]).toEqual([
      true,
      true,
      false,
      undefined,
      undefined,
    ]);
  });

  it('caps lists and ignores non-arrays', () => {
    expect(listOf(new Array(1000).fill(1))).toHaveLength(64);
    expect(listOf({ length: 3 })).toEqual([]);
  });

  it('adds unique values up to the cap', () => {
    const into: string[] = [];
    for (const value of ['a', 'a', undefined, '', 'b', 'c']) addUnique(into, value, 2);
    expect(into).toEqual(['a', 'b']);
  });

  it('bounds text and marks the cut', () => {
    expect(bounded('abcdef', 3)).toBe('abc…');
    expect(bounded('abc', 3)).toBe('abc');
  });

  it('names a resource from its ARN or keeps a short name', () => {
    expect(nameFromArn('arn:aws:ecs:us-east-1:111122223333:cluster/prod')).toBe('prod');
    expect(nameFromArn('prod')).toBe('prod');
    expect(nameFromArn('arn:aws:ecs:us-east-1:1:cluster/')).toBeUndefined();
    expect(nameFromArn(undefined)).toBeUndefined();
  });
});
