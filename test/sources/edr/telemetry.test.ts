import {
  protocolName,
  queryResults,
  sysmonDetails,
  sysmonRegistryPath,
  valuePath,
} from '../../../lib/sources/edr/telemetry';

describe('EDR values in Sysmon spelling', () => {
  it.each([
    [
      '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\VBoxDrv',
      'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrv',
    ],
    ['\\REGISTRY\\USER\\S-1-5-21-1-2-3-500\\Software', 'HKU\\S-1-5-21-1-2-3-500\\Software'],
    ['HKEY_CLASSES_ROOT\\vboxfile\\shell', 'HKCR\\vboxfile\\shell'],
    ['HKEY_CURRENT_USER\\Software\\Oracle', 'HKCU\\Software\\Oracle'],
    ['HKEY_CURRENT_USER\\S-1-5-21-1-2-3-500_Classes\\x', 'HKU\\S-1-5-21-1-2-3-500_Classes\\x'],
    ['HKLM\\SYSTEM\\ControlSet002\\Services\\x', 'HKLM\\SYSTEM\\ControlSet002\\Services\\x'],
    ['MACHINE\\SOFTWARE\\x', 'HKLM\\SOFTWARE\\x'],
  ])('writes %s as %s', (path, expected) => {
    expect(sysmonRegistryPath(path)).toBe(expected);
  });

  it('writes DWORD and QWORD data as Sysmon does, and text as is', () => {
    expect(sysmonDetails('Dword', '1')).toBe('DWORD (0x00000001)');
    expect(sysmonDetails('REG_DWORD', 4294967295)).toBe('DWORD (0xffffffff)');
    expect(sysmonDetails('Qword', '4294967297')).toBe('QWORD (0x00000001-0x00000001)');
    expect(sysmonDetails('REG_SZ', 'C:\\vb')).toBe('C:\\vb');
    expect(sysmonDetails('Dword', 'not a number')).toBe('not a number');
    expect(sysmonDetails(undefined, '')).toBeUndefined();
  });

  it('appends value names, the unnamed value as (Default)', () => {
    expect(valuePath('HKLM\\x', 'Start')).toBe('HKLM\\x\\Start');
    expect(valuePath('HKLM\\x', '')).toBe('HKLM\\x\\(Default)');
    expect(valuePath('HKLM\\x', undefined)).toBe('HKLM\\x');
  });

  it('names IANA protocol numbers and lower-cases names', () => {
    expect([protocolName(6), protocolName('17'), protocolName('TCP'), protocolName(47)]).toEqual([
      'tcp',
      'udp',
      'tcp',
      '47',
    ]);
  });

  it('joins answers as Sysmon does and bounds how many it keeps', () => {
    expect(queryResults(['a', 'b'], 'c;d')).toBe('a;b;c;d;');
    expect(queryResults(undefined, [])).toBeUndefined();
    const many = Array.from({ length: 1_000 }, (_, index) => `192.0.2.${index % 250}`);
    expect(queryResults(many)?.split(';').filter(Boolean)).toHaveLength(64);
  });
});
