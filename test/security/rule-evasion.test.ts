/**
 * Evasion review of the most important T1564.006 rules: the command an intruder would type, and the variants they
 * would try to slip past a string-matching rule (quoting, tabs, case, renamed binaries, dash look-alikes, encoded
 * PowerShell, whitespace runs). Each variant is recorded as caught or as a known gap; SECURITY.md lists the same
 * table. A known gap that starts being caught fails here on purpose: move it to `caught` and update SECURITY.md.
 */
import { join } from 'node:path';
import type { EventCategory, EventFields, NormalizedEvent, Platform } from '../../lib/model';
import { loadRuleDirectory, RuleSet } from '../../lib/rules';

const pack = loadRuleDirectory(join(process.cwd(), 'rules'));
const ruleSet = RuleSet.from(pack.rules);

const RULE = {
  virtualboxStart: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
  qemuHeadless: '9a08ac1f-b512-4422-87b6-59d5bc397528',
  dockerPrivileged: '755c2974-53ee-4338-9049-af7fa14f7f25',
  hypervScriptBlock: 'b4e4391a-810c-4340-b1f5-fa2720c5d480',
  hypervCommandLine: '401a5001-8f9f-4ec3-aab1-eb8a0eac0ad9',
} as const;

interface Variant {
  readonly name: string;
  readonly rule: string;
  readonly category: EventCategory;
  readonly platform: Platform;
  readonly fields: EventFields;
}

function eventOf(variant: Variant): NormalizedEvent {
  return {
    category: variant.category,
    platform: variant.platform,
    time: '2026-11-27T12:00:00.000Z',
    timeMs: Date.parse('2026-11-27T12:00:00.000Z'),
    host: { hostname: 'victim-01' },
    provenance: { format: 'normalized', envelope: 'inline', index: 0, recordId: variant.name },
    fields: variant.fields,
  };
}

function firedRules(variant: Variant): string[] {
  return ruleSet.match(eventOf(variant)).map((detection) => detection.rule.id);
}

const VBOX = 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe';
const PWSH = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const QEMU = '/usr/bin/qemu-system-x86_64';
const DOCKER = '/usr/bin/docker';

const vbox = (name: string, fields: EventFields, platform: Platform = 'windows'): Variant => ({
  name,
  rule: RULE.virtualboxStart,
  category: 'process_creation',
  platform,
  fields,
});
const qemu = (name: string, fields: EventFields): Variant => ({
  name,
  rule: RULE.qemuHeadless,
  category: 'process_creation',
  platform: 'linux',
  fields,
});
const docker = (name: string, fields: EventFields): Variant => ({
  name,
  rule: RULE.dockerPrivileged,
  category: 'process_creation',
  platform: 'linux',
  fields,
});
const scriptBlock = (name: string, text: string): Variant => ({
  name,
  rule: RULE.hypervScriptBlock,
  category: 'ps_script',
  platform: 'windows',
  fields: { ScriptBlockText: text },
});
const psCommandLine = (name: string, commandLine: string): Variant => ({
  name,
  rule: RULE.hypervCommandLine,
  category: 'process_creation',
  platform: 'windows',
  fields: { Image: PWSH, CommandLine: commandLine },
});
const encoded = (script: string): string => Buffer.from(script, 'utf16le').toString('base64');

const CAUGHT: readonly Variant[] = [
  vbox('VBoxManage startvm --type headless', { Image: VBOX, CommandLine: `"${VBOX}" startvm evil --type headless` }),
  vbox('all upper case', {
    Image: VBOX.toUpperCase(),
    CommandLine: `"${VBOX.toUpperCase()}" STARTVM EVIL --TYPE HEADLESS`,
  }),
  vbox('quoted subcommand "startvm"', { Image: VBOX, CommandLine: `"${VBOX}" "startvm" evil --type headless` }),
  vbox('tab before startvm', { Image: VBOX, CommandLine: `"${VBOX}"\tstartvm evil --type headless` }),
  vbox('subcommand glued to the quoted image path', { Image: VBOX, CommandLine: `"${VBOX}"startvm evil` }),
  vbox('renamed copy with OriginalFileName VBoxManage.exe', {
    Image: 'C:\\Users\\Public\\svc.exe',
    OriginalFileName: 'VBoxManage.exe',
    CommandLine: 'svc.exe startvm evil --type headless',
  }),
  vbox('em dash for --type', { Image: VBOX, CommandLine: `"${VBOX}" startvm evil \u2014type headless` }),
  vbox('VBoxHeadless started directly', {
    Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxHeadless.exe',
    CommandLine: 'VBoxHeadless.exe -s evil',
  }),
  vbox(
    'Linux binary spelled in lower case',
    { Image: '/usr/bin/vboxmanage', CommandLine: 'vboxmanage startvm evil --type headless' },
    'linux',
  ),
  qemu('qemu-system -nographic', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -m 2G -nographic -hda a.qcow2' }),
  qemu('--nographic (double dash)', { Image: QEMU, CommandLine: 'qemu-system-x86_64 --nographic -hda a.qcow2' }),
  qemu('upper case option', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -NOGRAPHIC -hda a.qcow2' }),
  qemu('-display  none (two spaces)', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -display  none -hda a' }),
  qemu('-display<TAB>none', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -display\tnone -hda a' }),
  qemu('--display=none', { Image: QEMU, CommandLine: 'qemu-system-x86_64 --display=none -hda a' }),
  qemu('-display none with sub-options', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -display none,gl=off' }),
  qemu('-vnc none', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -vnc none -hda a' }),
  qemu('-daemonize', { Image: '/usr/bin/qemu-system-aarch64', CommandLine: 'qemu-system-aarch64 -daemonize -hda a' }),
  qemu('qemu-kvm wrapper', { Image: '/usr/libexec/qemu-kvm', CommandLine: '/usr/libexec/qemu-kvm -nographic' }),
  docker('docker run --privileged', { Image: DOCKER, CommandLine: 'docker run --privileged -it alpine sh' }),
  docker('docker container run', { Image: DOCKER, CommandLine: 'docker container run --privileged alpine' }),
  docker('--privileged=true', { Image: DOCKER, CommandLine: 'docker run --privileged=true alpine' }),
  docker('double spaces', { Image: DOCKER, CommandLine: 'docker  run  --privileged alpine' }),
  docker('tabs between words', { Image: DOCKER, CommandLine: 'docker\trun\t--privileged alpine' }),
  docker('quoted words', { Image: DOCKER, CommandLine: 'docker "run" "--privileged" alpine' }),
  docker('global -H flag before run', {
    Image: DOCKER,
    CommandLine: 'docker -H unix:///var/run/docker.sock run --privileged alpine',
  }),
  docker('upper-case flag', { Image: DOCKER, CommandLine: 'docker run --PRIVILEGED alpine' }),
  docker('podman', { Image: '/usr/bin/podman', CommandLine: 'podman run --privileged alpine' }),
  docker('docker exec --privileged', { Image: DOCKER, CommandLine: 'docker exec --privileged web sh' }),
  scriptBlock('New-VM in a 4104 script block', 'New-VM -Name evil -MemoryStartupBytes 2GB'),
  scriptBlock('lower case', 'new-vm -name evil'),
  scriptBlock('module-qualified Hyper-V\\New-VM', 'Hyper-V\\New-VM -Name evil'),
  scriptBlock("call operator on a quoted name & 'New-VM'", "& 'New-VM' -Name evil"),
  scriptBlock('inside a script block literal {New-VM}', 'Invoke-Command {New-VM}'),
  scriptBlock('splatted parameters', 'New-VM @p'),
  scriptBlock('en dash parameter', 'New-VM \u2013Name evil'),
  scriptBlock('en dash inside the cmdlet name', 'New\u2013VM -Name evil'),
  scriptBlock('pipeline into Start-VM', 'Get-VM evil | Start-VM'),
  scriptBlock('parenthesised', '$vm = (New-VM)'),
  psCommandLine('powershell -c "New-VM"', 'powershell -c "New-VM -Name x"'),
  psCommandLine('powershell -EncodedCommand New-VM', `powershell -enc ${encoded('New-VM -Name x')}`),
  psCommandLine('encoded with a prefix', `powershell -e ${encoded('$n="x"; Start-VM -Name $n')}`),
];

/**
 * Not caught, and why. Each would need another data source or a deobfuscating sensor; SECURITY.md explains.
 * Not listed because they are not evasions: `^` carets and `%VAR%` paths in cmd.exe are removed before the child
 * starts, so the VBoxManage/powershell process event carries the plain text and is caught above.
 */
const KNOWN_GAPS: readonly Variant[] = [
  vbox('renamed copy without OriginalFileName (Linux/macOS, or a stripped PE)', {
    Image: 'C:\\Users\\Public\\svc.exe',
    CommandLine: 'svc.exe startvm evil --type headless',
  }),
  qemu('renamed qemu binary', { Image: '/tmp/.x/kworker', CommandLine: 'kworker -nographic -hda a.qcow2' }),
  qemu('remote-only display -vnc :1 (no local window, not "none")', {
    Image: QEMU,
    CommandLine: 'qemu-system-x86_64 -vnc :1 -hda a',
  }),
  docker('renamed docker client', { Image: '/tmp/d', CommandLine: '/tmp/d run --privileged alpine' }),
  scriptBlock('backtick inside the cmdlet name', 'New-`VM -Name evil'),
  scriptBlock('name built from strings', "& ('New-'+'VM') -Name evil"),
  scriptBlock('wildcard command lookup', '& (Get-Command New-V?) -Name evil'),
];

/** Near misses that must stay quiet, so the hardening above cost no precision. */
const QUIET: readonly Variant[] = [
  vbox('VBoxManage list vms', { Image: VBOX, CommandLine: `"${VBOX}" list vms` }),
  vbox('a VM named startvm-notes in showvminfo', { Image: VBOX, CommandLine: `"${VBOX}" showvminfo notes` }),
  vbox('startvm by VBoxSVC for the GUI', {
    Image: VBOX,
    CommandLine: `"${VBOX}" startvm dev`,
    ParentImage: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxSVC.exe',
  }),
  qemu('qemu with a GTK window', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -display gtk -hda a' }),
  qemu('-display nonexistent is not none', { Image: QEMU, CommandLine: 'qemu-system-x86_64 -display nonexistent' }),
  docker('unprivileged docker run', { Image: DOCKER, CommandLine: 'docker run -it alpine sh' }),
  docker('docker inspect of a privileged container', {
    Image: DOCKER,
    CommandLine: 'docker inspect --format {{.HostConfig.Privileged}} web',
  }),
  docker('runtime subcommand is not run', { Image: DOCKER, CommandLine: 'docker runtime --privileged' }),
  scriptBlock('New-VMSwitch', 'New-VMSwitch -Name ext -NetAdapterName Ethernet'),
  scriptBlock('Start-VMFailover', 'Start-VMFailover -VMName db'),
  psCommandLine('encoded Get-VM', `powershell -enc ${encoded('Get-VM | Format-List')}`),
];

describe('evasion variants of the key T1564.006 commands', () => {
  it('loads the rule pack without errors', () => {
    expect(pack.errors).toEqual([]);
  });

  describe('caught', () => {
    it.each(CAUGHT.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
      expect(firedRules(variant)).toContain(variant.rule);
    });
  });

  describe('known gaps (listed in SECURITY.md; this test fails when one starts being caught)', () => {
    it.each(KNOWN_GAPS.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
      expect(firedRules(variant)).not.toContain(variant.rule);
    });
  });

  describe('near misses stay quiet', () => {
    it.each(QUIET.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
      expect(firedRules(variant)).not.toContain(variant.rule);
    });
  });
});
