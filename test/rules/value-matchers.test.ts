import { compileRuleText } from '../../lib/rules';
import { detects, item, loadErrorOf, ruleYaml } from './helpers';

describe('Sigma value matching', () => {
  describe('plain values', () => {
    it('match the whole value case-insensitively', () => {
      expect(item('Image', 'C:\\Windows\\System32\\cmd.exe', { Image: 'c:\\windows\\system32\\CMD.EXE' })).toBe(true);
      expect(item('Image', 'C:\\Windows\\System32\\cmd.exe', { Image: 'C:\\Windows\\System32\\cmd.exe.bak' })).toBe(
        false,
      );
    });

    it('treat * as any run of characters and ? as exactly one', () => {
      expect(item('Image', '*\\vbox*.exe', { Image: 'C:\\x\\VBoxManage.exe' })).toBe(true);
      expect(item('Image', '*\\vbox*.exe', { Image: 'C:\\x\\VBoxManage.dll' })).toBe(false);
      expect(item('CommandLine', 'qemu-system-x86_6?', { CommandLine: 'qemu-system-x86_64' })).toBe(true);
      expect(item('CommandLine', 'qemu-system-x86_6?', { CommandLine: 'qemu-system-x86_6' })).toBe(false);
      expect(item('CommandLine', 'a*b?c*d', { CommandLine: 'aXXbYcZZd' })).toBe(true);
      expect(item('CommandLine', 'a*b?c*d', { CommandLine: 'aXXbcZZd' })).toBe(false);
    });

    it('treat \\* \\? and \\\\ as the literal characters', () => {
      expect(item('CommandLine', 'echo \\*', { CommandLine: 'echo *' })).toBe(true);
      expect(item('CommandLine', 'echo \\*', { CommandLine: 'echo x' })).toBe(false);
      expect(item('CommandLine', 'what\\?', { CommandLine: 'what?' })).toBe(true);
      expect(item('CommandLine', 'what\\?', { CommandLine: 'whatx' })).toBe(false);
      expect(item('Image', 'C:\\\\temp\\\\*', { Image: 'C:\\temp\\x.exe' })).toBe(true);
      expect(item('Image', 'C:\\\\temp\\\\*', { Image: 'C:\\\\temp\\\\x.exe' })).toBe(false);
    });

    it('keep a lone backslash before other characters as a backslash', () => {
      expect(item('Image', 'C:\\Windows\\vm*', { Image: 'C:\\Windows\\vmrun.exe' })).toBe(true);
      expect(item('Image', 'C:\\Windows\\vm*', { Image: 'C:/Windows/vmrun.exe' })).toBe(false);
      // A backslash right before * escapes it (Sigma spec): the star is literal here.
      expect(item('Image', 'C:\\Windows\\*', { Image: 'C:\\Windows\\x.exe' })).toBe(false);
      expect(item('Image', 'C:\\Windows\\*', { Image: 'C:\\Windows*' })).toBe(true);
    });

    it('OR the values of a list', () => {
      expect(item('Image', ['*\\qemu.exe', '*\\vmrun.exe'], { Image: 'D:\\vmrun.exe' })).toBe(true);
      expect(item('Image', ['*\\qemu.exe', '*\\vmrun.exe'], { Image: 'D:\\vmplayer.exe' })).toBe(false);
    });

    it('match numbers against numbers and numeric strings', () => {
      expect(item('EventID', 7045, { EventID: 7045 })).toBe(true);
      expect(item('EventID', 7045, { Message: '7045' }, {})).toBe(false);
      expect(item('ProcessId', 4, { ProcessId: 5 })).toBe(false);
      expect(detects({ selection: { RunAsUser: 0 } }, { RunAsUser: '0' })).toBe(true);
      expect(detects({ selection: { RunAsUser: 0 } }, { RunAsUser: '1000' })).toBe(false);
      expect(item('EventID', '7045', { EventID: 7045 })).toBe(true);
    });

    it('match booleans against booleans and their text', () => {
      expect(item('Privileged', true, { Privileged: true })).toBe(true);
      expect(item('Privileged', true, { Privileged: false })).toBe(false);
      expect(item('Privileged', true, {}, { raw: { Privileged: 'True' } })).toBe(true);
      expect(item('Privileged', true, {}, { raw: { Privileged: 'no' } })).toBe(false);
    });

    it('match an empty string only against an empty value', () => {
      expect(item('CommandLine', '', { CommandLine: '' })).toBe(true);
      expect(item('CommandLine', '', { CommandLine: 'x' })).toBe(false);
    });

    it('treat null as "field absent"', () => {
      expect(item('ParentImage', null, { Image: 'x' })).toBe(true);
      expect(item('ParentImage', null, { ParentImage: 'x' })).toBe(false);
    });

    it('match arrays when any element matches', () => {
      expect(item('HostPathMounts', '/', { HostPathMounts: ['/var/log', '/'] })).toBe(true);
      expect(item('HostPathMounts', '/', { HostPathMounts: ['/var/log'] })).toBe(false);
      expect(item('CapabilitiesAdded', 'SYS_ADMIN', { CapabilitiesAdded: ['NET_ADMIN', 'sys_admin'] })).toBe(true);
      expect(item('CapabilitiesAdded', 'SYS_ADMIN', { CapabilitiesAdded: [] })).toBe(false);
    });
  });

  describe('contains, startswith, endswith', () => {
    it('contains matches anywhere', () => {
      expect(item('CommandLine|contains', 'startvm', { CommandLine: 'VBoxManage STARTVM win10' })).toBe(true);
      expect(item('CommandLine|contains', 'startvm', { CommandLine: 'VBoxManage list vms' })).toBe(false);
    });

    it('startswith matches the beginning only', () => {
      expect(item('Image|startswith', 'C:\\Users\\', { Image: 'c:\\users\\a\\q.exe' })).toBe(true);
      expect(item('Image|startswith', 'C:\\Users\\', { Image: 'D:\\C:\\Users\\q.exe' })).toBe(false);
    });

    it('endswith matches the end only', () => {
      expect(item('Image|endswith', '\\qemu-img.exe', { Image: 'C:\\q\\QEMU-IMG.EXE' })).toBe(true);
      expect(item('Image|endswith', '\\qemu-img.exe', { Image: 'C:\\q\\qemu-img.exe.old' })).toBe(false);
    });

    it('keep wildcards inside the value working', () => {
      expect(item('CommandLine|contains', 'start*headless', { CommandLine: 'x startvm a --type headless y' })).toBe(
        true,
      );
      expect(item('CommandLine|contains', 'start*headless', { CommandLine: 'headless then start' })).toBe(false);
    });

    it('all requires every value', () => {
      const value = ['startvm', '--type headless'];
      expect(item('CommandLine|contains|all', value, { CommandLine: 'VBoxManage startvm w --type headless' })).toBe(
        true,
      );
      expect(item('CommandLine|contains|all', value, { CommandLine: 'VBoxManage startvm w --type gui' })).toBe(false);
    });
  });

  describe('cased', () => {
    it('makes the comparison case-sensitive', () => {
      expect(item('CommandLine|contains|cased', 'VBoxHeadless', { CommandLine: 'run VBoxHeadless' })).toBe(true);
      expect(item('CommandLine|contains|cased', 'VBoxHeadless', { CommandLine: 'run vboxheadless' })).toBe(false);
    });
  });

  describe('exists', () => {
    it('tests presence or absence of a field', () => {
      expect(item('ParentImage|exists', true, { ParentImage: 'x' })).toBe(true);
      expect(item('ParentImage|exists', true, { Image: 'x' })).toBe(false);
      expect(item('ParentImage|exists', false, { Image: 'x' })).toBe(true);
      expect(item('ParentImage|exists', false, { ParentImage: 'x' })).toBe(false);
    });
  });

  describe('windash', () => {
    it('accepts -, /, en dash, em dash and horizontal bar for an option prefix', () => {
      for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
        expect(item('CommandLine|windash|contains', ' -enc ', { CommandLine: `powershell ${dash}enc AAAA` })).toBe(
          true,
        );
      }
      expect(item('CommandLine|windash|contains', ' -enc ', { CommandLine: 'powershell +enc AAAA' })).toBe(false);
    });

    it('leaves dashes inside words alone', () => {
      expect(item('CommandLine|windash|contains', 'x86-64', { CommandLine: 'qemu x86/64' })).toBe(false);
      expect(item('CommandLine|windash|contains', 'x86-64', { CommandLine: 'qemu x86-64' })).toBe(true);
    });
  });

  describe('re', () => {
    it('searches with a case-sensitive regular expression', () => {
      expect(
        item('CommandLine|re', 'startvm\\s+\\S+\\s+--type\\s+headless', {
          CommandLine: 'a startvm w --type  headless',
        }),
      ).toBe(true);
      expect(item('CommandLine|re', 'startvm\\s+--type', { CommandLine: 'STARTVM --type' })).toBe(false);
    });

    it('honours the i, m and s sub-modifiers', () => {
      expect(item('CommandLine|re|i', 'startvm', { CommandLine: 'STARTVM' })).toBe(true);
      expect(item('ScriptBlockText|re|m', '^Start-VM', { ScriptBlockText: '$a=1\nStart-VM x' })).toBe(true);
      expect(item('ScriptBlockText|re', '^Start-VM', { ScriptBlockText: '$a=1\nStart-VM x' })).toBe(false);
      expect(item('ScriptBlockText|re|s', 'New-VM.*Start-VM', { ScriptBlockText: 'New-VM\nStart-VM' })).toBe(true);
      expect(item('ScriptBlockText|re', 'New-VM.*Start-VM', { ScriptBlockText: 'New-VM\nStart-VM' })).toBe(false);
    });

    it('refuses backreferences and lookaround at load, naming the file and the reason', () => {
      const [refused] = compileRuleText(ruleYaml({ s: { 'CommandLine|re': 'vm(?=run)' }, condition: 's' }), 'r/la.yml');
      expect(refused).toMatchObject({
        ok: false,
        error: { source: 'r/la.yml', reason: expect.stringMatching(/lookaround .* not supported/) },
      });
      expect(loadErrorOf(ruleYaml({ s: { 'CommandLine|re': '(?<!x)vm' }, condition: 's' }))).toMatch(/lookaround/);
      expect(loadErrorOf(ruleYaml({ s: { 'CommandLine|re': '(a)\\1' }, condition: 's' }))).toMatch(/backreferences/);
      expect(loadErrorOf(ruleYaml({ s: { 'CommandLine|re': '([a' }, condition: 's' }))).toMatch(
        /invalid regular expression/,
      );
    });

    it('accepts nested quantifiers: the engine is linear, so (a+)+b on a long run of a is a quick no', () => {
      expect(item('CommandLine|re', '(a+)+b', { CommandLine: 'a'.repeat(50_000) })).toBe(false);
      expect(item('CommandLine|re', '(?:x*)*y', { CommandLine: `${'x'.repeat(50_000)}y` })).toBe(true);
    });

    it('follows RE2 syntax: Unicode classes, POSIX classes, \\x{...}, \\Q...\\E, inline flags anywhere', () => {
      expect(item('CommandLine|re', '\\p{Cyrillic}+vm', { CommandLine: 'run \u0441\u0442vm' })).toBe(true);
      expect(item('CommandLine|re', '[[:digit:]]{3}', { CommandLine: 'vm-123' })).toBe(true);
      expect(item('CommandLine|re', 'Start\\x{2013}VM', { CommandLine: 'Start\u2013VM' })).toBe(true);
      expect(item('CommandLine|re', '\\Q[vm]\\E', { CommandLine: 'x[vm]' })).toBe(true);
      expect(item('CommandLine|re', '\\Q[vm]\\E', { CommandLine: 'xv' })).toBe(false);
      expect(item('CommandLine|re', 'vm(?i)RUN', { CommandLine: 'vmrun' })).toBe(true);
      expect(item('CommandLine|re', '(?P<tool>vmrun)\\s+start', { CommandLine: 'vmrun  start x' })).toBe(true);
      expect(item('CommandLine|re', 'VM(?i)run', { CommandLine: 'vmrun' })).toBe(false);
    });

    it('under i, also matches the other Unicode case-fold forms of s and k, and the prefilter keeps up', () => {
      expect(item('CommandLine|re|i', 'startvm', { CommandLine: '\u017ftartvm' })).toBe(true);
      expect(item('CommandLine|re|i', 'kvm-ok', { CommandLine: '\u212avm-ok' })).toBe(true);
    });

    it('accepts quantified groups without inner quantifiers', () => {
      expect(item('CommandLine|re', '(ab)+c', { CommandLine: 'ababc' })).toBe(true);
      expect(item('CommandLine|re', '(ab)+c', { CommandLine: 'ac' })).toBe(false);
    });
  });

  describe('base64 and base64offset', () => {
    const encoded = (text: string, enc: BufferEncoding = 'utf8') => Buffer.from(text, enc).toString('base64');

    it('base64 matches the base64 form of the value', () => {
      expect(item('CommandLine|base64|contains', 'startvm', { CommandLine: `x ${encoded('startvm')} y` })).toBe(true);
      expect(item('CommandLine|base64|contains', 'startvm', { CommandLine: 'x startvm y' })).toBe(false);
    });

    it('base64offset finds the value at any byte offset of a longer encoded text', () => {
      for (const prefix of ['', 'a', 'ab', 'abc']) {
        const blob = encoded(`${prefix}Start-VM -Name w`);
        expect(item('CommandLine|base64offset|contains', 'Start-VM', { CommandLine: `-enc ${blob}` })).toBe(true);
      }
      expect(
        item('CommandLine|base64offset|contains', 'Start-VM', { CommandLine: `-enc ${encoded('Stop-VM w')}` }),
      ).toBe(false);
    });

    it('utf16le / wide encodes as PowerShell -EncodedCommand does', () => {
      const blob = encoded('$x; Start-VM -Name w', 'utf16le');
      expect(
        item('CommandLine|wide|base64offset|contains', 'Start-VM', { CommandLine: `powershell -enc ${blob}` }),
      ).toBe(true);
      expect(
        item('CommandLine|utf16le|base64offset|contains', 'Start-VM', { CommandLine: `powershell -enc ${blob}` }),
      ).toBe(true);
      expect(item('CommandLine|base64offset|contains', 'Start-VM', { CommandLine: `powershell -enc ${blob}` })).toBe(
        false,
      );
    });

    it('utf16be encodes big-endian', () => {
      const big = Buffer.from('Start-VM', 'utf16le').swap16().toString('base64');
      expect(item('CommandLine|utf16be|base64|contains', 'Start-VM', { CommandLine: big })).toBe(true);
      expect(item('CommandLine|utf16le|base64|contains', 'Start-VM', { CommandLine: big })).toBe(false);
    });

    it('base64offset without contains is a load error', () => {
      expect(loadErrorOf(ruleYaml({ s: { 'CommandLine|base64offset': 'x' }, condition: 's' }))).toMatch(
        /requires contains/,
      );
    });
  });

  describe('cidr', () => {
    it('matches IPv4 ranges', () => {
      expect(item('SourceIp|cidr', '10.0.0.0/8', { SourceIp: '10.20.30.40' })).toBe(true);
      expect(item('SourceIp|cidr', '10.0.0.0/8', { SourceIp: '11.0.0.1' })).toBe(false);
      expect(item('SourceIp|cidr', '192.168.1.0/25', { SourceIp: '192.168.1.200' })).toBe(false);
    });

    it('matches IPv6 ranges and IPv4-mapped addresses', () => {
      expect(item('SourceIp|cidr', '2001:db8::/32', { SourceIp: '2001:db8:1::5' })).toBe(true);
      expect(item('SourceIp|cidr', '2001:db8::/32', { SourceIp: '2001:db9::5' })).toBe(false);
      expect(item('SourceIp|cidr', '10.0.0.0/8', { SourceIp: '::ffff:10.1.2.3' })).toBe(true);
      expect(item('SourceIp|cidr', '10.0.0.0/8', { SourceIp: 'not-an-ip' })).toBe(false);
    });

    it('refuses invalid ranges at load', () => {
      expect(loadErrorOf(ruleYaml({ s: { 'SourceIp|cidr': '10.0.0.0/33' }, condition: 's' }))).toMatch(/invalid CIDR/);
    });
  });

  describe('lt, lte, gt, gte', () => {
    it('compare numbers and numeric strings', () => {
      expect(item('ProcessId|lt', 10, { ProcessId: 4 })).toBe(true);
      expect(item('ProcessId|lt', 10, { ProcessId: 10 })).toBe(false);
      expect(item('ProcessId|lte', 10, { ProcessId: 10 })).toBe(true);
      expect(item('ProcessId|gt', 10, { ProcessId: 10 })).toBe(false);
      expect(item('ProcessId|gte', 10, { ProcessId: 10 })).toBe(true);
      expect(item('UserId|lt', 1000, { UserId: '0' })).toBe(true);
      expect(item('UserId|lt', 1000, { UserId: 'root' })).toBe(false);
    });
  });

  describe('fieldref', () => {
    it('compares one field with another', () => {
      expect(item('ParentImage|fieldref', 'Image', { Image: 'C:\\a.exe', ParentImage: 'c:\\A.exe' })).toBe(true);
      expect(item('ParentImage|fieldref', 'Image', { Image: 'C:\\a.exe', ParentImage: 'C:\\b.exe' })).toBe(false);
      expect(item('ParentImage|fieldref', 'Image', { ParentImage: 'C:\\b.exe' })).toBe(false);
    });

    it('combines with contains', () => {
      expect(
        item('CommandLine|fieldref|contains', 'ContainerName', {
          CommandLine: 'docker run --name evil',
          ContainerName: 'evil',
        }),
      ).toBe(true);
      expect(
        item('CommandLine|fieldref|contains', 'ContainerName', { CommandLine: 'docker run', ContainerName: 'evil' }),
      ).toBe(false);
    });
  });

  describe('keywords', () => {
    it('match any field value or raw text', () => {
      expect(
        detects({ keywords: ['startvm', 'headless'], condition: 'keywords' }, { CommandLine: 'x STARTVM y' }),
      ).toBe(true);
      expect(
        detects({ keywords: ['vmrun'], condition: 'keywords' }, {}, { raw: { Data: { note: 'called VMRUN.exe' } } }),
      ).toBe(true);
      expect(detects({ keywords: ['startvm'], condition: 'keywords' }, { CommandLine: 'list vms' })).toBe(false);
    });
  });

  describe('unsupported modifiers', () => {
    it('are load errors that name the modifier', () => {
      expect(loadErrorOf(ruleYaml({ s: { 'Image|bogus': 'x' }, condition: 's' }))).toMatch(/unknown modifier 'bogus'/);
      expect(loadErrorOf(ruleYaml({ s: { 'Image|expand|cidr': '%x%' }, condition: 's' }))).toMatch(
        /cannot be combined/,
      );
      expect(loadErrorOf(ruleYaml({ s: { 'Image|contains|endswith': 'x' }, condition: 's' }))).toMatch(/exclusive/);
      expect(loadErrorOf(ruleYaml({ s: { 'Image|re|contains': 'x' }, condition: 's' }))).toMatch(/cannot be combined/);
      expect(loadErrorOf(ruleYaml({ s: { 'Image|i': 'x' }, condition: 's' }))).toMatch(/only applies to re/);
    });
  });
});
