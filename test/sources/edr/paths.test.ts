import {
  baseName,
  hashesOf,
  joinPath,
  normalizeDevicePath,
  platformFromOs,
  platformFromPath,
  qualifiedUser,
} from '../../../lib/sources/edr/paths';

describe('EDR path helpers', () => {
  describe('normalizeDevicePath', () => {
    it('drops the kernel volume prefix of a device path', () => {
      expect(normalizeDevicePath('\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe')).toBe(
        '\\Windows\\System32\\cmd.exe',
      );
      expect(normalizeDevicePath('\\Device\\HarddiskVolumeShadowCopy12\\x.exe')).toBe('\\x.exe');
    });

    it('turns \\??\\ paths into drive paths and Mup paths into UNC paths', () => {
      expect(normalizeDevicePath('\\??\\C:\\Windows\\x.sys')).toBe('C:\\Windows\\x.sys');
      expect(normalizeDevicePath('\\Device\\Mup\\fileserver\\share\\vm.exe')).toBe('\\\\fileserver\\share\\vm.exe');
    });

    it('leaves drive, Unix and unknown device paths unchanged', () => {
      expect(normalizeDevicePath('C:\\Windows\\cmd.exe')).toBe('C:\\Windows\\cmd.exe');
      expect(normalizeDevicePath('/usr/bin/qemu-system-x86_64')).toBe('/usr/bin/qemu-system-x86_64');
      expect(normalizeDevicePath('\\Device\\CdRom0\\setup.exe')).toBe('\\Device\\CdRom0\\setup.exe');
    });
  });

  describe('joinPath', () => {
    it('keeps a folder that already names the file', () => {
      expect(joinPath('C:\\Windows\\System32\\wsl.exe', 'wsl.exe')).toBe('C:\\Windows\\System32\\wsl.exe');
      expect(joinPath('c:\\windows\\system32\\WSL.EXE', 'wsl.exe')).toBe('c:\\windows\\system32\\WSL.EXE');
    });

    it('joins a folder and a file with the separator the folder uses', () => {
      expect(joinPath('C:\\Program Files\\Oracle\\VirtualBox', 'VBoxManage.exe')).toBe(
        'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
      );
      expect(joinPath('/usr/lib/virtualbox/', 'VBoxHeadless')).toBe('/usr/lib/virtualbox/VBoxHeadless');
    });

    it('gives whichever part is known', () => {
      expect(joinPath(undefined, 'x.exe')).toBe('x.exe');
      expect(joinPath('/usr/bin', undefined)).toBe('/usr/bin');
      expect(joinPath(undefined, undefined)).toBeUndefined();
    });
  });

  it('names the last path component for either separator', () => {
    expect(baseName('C:\\a\\b.exe')).toBe('b.exe');
    expect(baseName('/a/b')).toBe('b');
    expect(baseName('b')).toBe('b');
  });

  it('reads platforms from OS labels and path styles', () => {
    expect(['Win', 'windows', 'Windows10'].map(platformFromOs)).toEqual(['windows', 'windows', 'windows']);
    expect(['Lin', 'Linux', 'Mac', 'macOS', 'osx', 'Darwin'].map(platformFromOs)).toEqual([
      'linux',
      'linux',
      'macos',
      'macos',
      'macos',
      'macos',
    ]);
    expect(platformFromOs('Solaris')).toBeUndefined();
    expect(platformFromOs(100)).toBeUndefined();
    expect(platformFromPath('C:\\x.exe')).toBe('windows');
    expect(platformFromPath('/usr/bin/x')).toBe('linux');
    expect(platformFromPath('x.exe')).toBeUndefined();
  });

  it('builds Sysmon-style Hashes from hex digests only, skipping empty and all-zero ones', () => {
    expect(hashesOf({ SHA256: 'abc123', SHA1: undefined, MD5: '0000' })).toBe('SHA256=ABC123');
    expect(hashesOf({ SHA256: 'not hex' })).toBeUndefined();
  });

  it('qualifies a user with its domain unless already qualified', () => {
    expect(qualifiedUser('CORP', 'jdoe')).toBe('CORP\\jdoe');
    expect(qualifiedUser('CORP', 'OTHER\\jdoe')).toBe('OTHER\\jdoe');
    expect(qualifiedUser(undefined, 'jdoe')).toBe('jdoe');
    expect(qualifiedUser('CORP', undefined)).toBeUndefined();
  });
});
