/**
 * Evasion review of the most important T1564.006 rules: the command an intruder would type, and the variants they
 * would try to slip past a string-matching rule (quoting, tabs, case, renamed binaries, dash look-alikes, encoded
 * PowerShell, whitespace runs), and the routes around the textbook command (issue 12): renamed binaries recognised by
 * their argument grammar, the Docker Engine API and runtimes below the CLI, Hyper-V through WMI/CIM, every WSL entry
 * point, and cmdlet names resolved at run time. Each variant names the rule that must catch it; each near miss the rule
 * that must stay quiet. SECURITY.md lists the same table. A known gap that starts being caught fails here on purpose:
 * move it to `caught` and update SECURITY.md.
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
  qemuGrammar: '25878cb4-2dd7-422d-b80b-7c0f2aa77fe3',
  vboxGrammar: '049d8c2b-4c70-400c-8c69-b031f50428c8',
  vmrunGrammar: 'a4a385e5-c007-4eee-a503-5daeae704744',
  containerGrammar: '7d720d60-52b7-4334-b304-ee425bd5df08',
  dockerApi: 'cfaaf9b2-32c8-4799-98da-5ef97972c21f',
  dockerSocketRelay: 'dc4a9ad2-17db-4587-af84-a95fe5cec450',
  criRunc: 'c0365ec4-9e29-4f58-a801-def15f75e7f1',
  hypervWmiScriptBlock: '485d18a2-0d21-487d-8ca7-10f24b95b519',
  hypervWmiCommandLine: 'c26ffd77-c39e-46c2-9ebe-d0b16da72cec',
  hypervWmiTrace: 'd30ef523-4e2d-47e0-8a43-20843e2bc525',
  hypervWmiFailure: '80703593-77ce-4217-8a52-440be9a5758e',
  wslOddParent: '92f906ed-5d78-47a0-8bcf-62198d6f0a91',
  wslNonInteractive: '940e3703-7783-4e5d-9602-53aee432f3ab',
  wslHiddenPowerShell: 'a330bc5a-5801-431a-bc8b-6369c87912a7',
  hypervModuleLogging: '9bd0771b-26f4-405f-b640-af70a1adb8e7',
  featureModuleLogging: '6d4a52f8-63e5-49b3-8ee1-e9465b95766b',
  runtimeName: '2bf66825-9956-4701-8264-68378599298f',
} as const;

interface Variant {
  readonly name: string;
  readonly rule: string;
  readonly category: EventCategory;
  readonly platform: Platform;
  readonly fields: EventFields;
  /** Source-native values the parser keeps in the raw record (WMI-Activity UserData such as Operation). */
  readonly raw?: Readonly<Record<string, unknown>>;
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
    ...(variant.raw ? { raw: variant.raw } : {}),
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

const proc = (rule: string, name: string, fields: EventFields, platform: Platform = 'linux'): Variant => ({
  name,
  rule,
  category: 'process_creation',
  platform,
  fields,
});
const winProc = (rule: string, name: string, fields: EventFields): Variant => proc(rule, name, fields, 'windows');
const runtimeName = (name: string, text: string): Variant => ({ ...scriptBlock(name, text), rule: RULE.runtimeName });
const wmiScriptBlock = (name: string, text: string): Variant => ({
  ...scriptBlock(name, text),
  rule: RULE.hypervWmiScriptBlock,
});
const moduleLog = (rule: string, name: string, payload: string): Variant => ({
  name,
  rule,
  category: 'ps_module',
  platform: 'windows',
  fields: { Payload: payload },
});
const wmiActivity = (rule: string, name: string, channel: string, eventId: number, operation: string): Variant => ({
  name,
  rule,
  category: 'log_event',
  platform: 'windows',
  fields: { Channel: channel, EventID: eventId },
  // A WMI-Activity UserData value: the Windows parsers keep it in the raw record, where rules find it by name.
  raw: { Operation: operation },
});
const WMI_TRACE = 'Microsoft-Windows-WMI-Activity/Trace';
const WMI_OPERATIONAL = 'Microsoft-Windows-WMI-Activity/Operational';
const HV_NS = 'root\\virtualization\\v2';
const WSL = 'C:\\Windows\\System32\\wsl.exe';
const WSL_BASH = 'C:\\Windows\\System32\\bash.exe';
const HIDDEN_PS = 'powershell.exe -NoP -W Hidden -c "bash.exe"';

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
  // Issue 12: renamed binaries, recognised by the argument grammar only their tool speaks.
  proc(RULE.qemuGrammar, 'renamed qemu binary', {
    Image: '/tmp/.x/kworker',
    CommandLine: 'kworker -nographic -hda a.qcow2',
  }),
  proc(RULE.qemuGrammar, 'renamed qemu: -machine accel=kvm, virtio drive, user netdev, -display none', {
    Image: '/opt/m/kworker',
    CommandLine:
      'kworker -machine q35,accel=kvm -drive file=k.img,if=virtio -netdev user,id=n,hostfwd=tcp::2222-:22 -display none',
  }),
  winProc(RULE.qemuGrammar, 'renamed qemu on Windows: -accel whpx with a drive', {
    Image: 'C:\\Users\\Public\\svchost.exe',
    CommandLine: 'svchost.exe -accel whpx -drive file=C:\\Users\\Public\\d.vhdx,if=ide',
  }),
  proc(RULE.qemuGrammar, 'renamed qemu: --netdev and --daemonize (double dashes)', {
    Image: '/home/u/.cache/h',
    CommandLine: 'h --netdev socket,id=n,listen=:1234 --daemonize',
  }),
  winProc(RULE.vboxGrammar, 'renamed copy without OriginalFileName (Linux/macOS, or a stripped PE)', {
    Image: 'C:\\Users\\Public\\svc.exe',
    CommandLine: 'svc.exe startvm evil --type headless',
  }),
  proc(RULE.vboxGrammar, 'renamed VBoxManage: modifyvm --natpf1', {
    Image: '/var/tmp/.c/upd',
    CommandLine: 'upd modifyvm micro --natpf1 "ssh,tcp,,2222,,22"',
  }),
  proc(RULE.vboxGrammar, 'renamed VBoxHeadless: --startvm --vrde off', {
    Image: '/Users/a/.local/bin/helperd',
    CommandLine: 'helperd --startvm micro --vrde off',
  }),
  winProc(RULE.vmrunGrammar, 'renamed vmrun: -T ws start x.vmx nogui', {
    Image: 'C:\\Users\\Public\\upd.exe',
    CommandLine: 'upd.exe -T ws start "C:\\Users\\Public\\vm\\w.vmx" nogui',
  }),
  {
    ...docker('renamed docker client', { Image: '/tmp/d', CommandLine: '/tmp/d run --privileged alpine' }),
    rule: RULE.containerGrammar,
  },
  proc(RULE.containerGrammar, 'renamed client: -H before run, -v /:/host', {
    Image: '/opt/x/agent',
    CommandLine: 'agent -H unix:///var/run/docker.sock run -it --rm -v /:/host alpine chroot /host',
  }),
  proc(RULE.containerGrammar, 'renamed ctr: --net-host and a bind of /', {
    Image: '/opt/x/c2',
    CommandLine:
      'c2 -n k8s.io run --net-host --mount type=bind,src=/,dst=/host,options=rbind:rw docker.io/library/alpine:latest x sh',
  }),
  proc(RULE.containerGrammar, 'renamed client: container run with --pid=host after a quoted -e value', {
    Image: '/opt/x/agent',
    CommandLine: 'agent container run -d -e "A B" --pid=host alpine',
  }),
  // Alternative control planes.
  proc(RULE.dockerApi, 'Docker Engine API over the socket: create, Privileged and a / bind', {
    Image: '/usr/bin/curl',
    CommandLine:
      'curl -s --unix-socket /var/run/docker.sock -X POST -H "Content-Type: application/json" -d {"Image":"alpine","HostConfig":{"Privileged":true,"Binds":["/:/host"]}} http://localhost/v1.43/containers/create',
  }),
  proc(RULE.dockerApi, 'Docker Engine API on TCP 2375 by a renamed client', {
    Image: '/tmp/.c/c',
    CommandLine: 'c -X POST http://10.0.0.5:2375/containers/pwn/start',
  }),
  proc(RULE.dockerApi, 'Docker SDK one-liner in Python', {
    Image: '/usr/bin/python3',
    CommandLine: `python3 -c "import docker; docker.from_env().containers.run('alpine', privileged=True)"`,
  }),
  proc(RULE.dockerSocketRelay, 'socat relays the socket to TCP', {
    Image: '/usr/bin/socat',
    CommandLine: 'socat TCP-LISTEN:2375,fork UNIX-CONNECT:/var/run/docker.sock',
  }),
  proc(RULE.dockerSocketRelay, 'netcat -U on the socket', {
    Image: '/tmp/n',
    CommandLine: '/tmp/n -U /var/run/docker.sock',
  }),
  proc(RULE.criRunc, 'runc run on a hand-made bundle', {
    Image: '/usr/bin/runc',
    CommandLine: 'runc run -b /tmp/.b/bundle hidden',
    ParentImage: '/usr/bin/bash',
  }),
  proc(RULE.criRunc, 'crictl runp outside the API server', {
    Image: '/usr/local/bin/crictl',
    CommandLine: 'crictl runp /root/pod.json',
  }),
  proc(RULE.criRunc, 'ctr joins the host PID namespace', {
    Image: '/usr/bin/ctr',
    CommandLine: 'ctr run --with-ns pid:/proc/1/ns/pid docker.io/library/busybox:latest x sh',
  }),
  wmiScriptBlock(
    'Hyper-V through CIM: DefineSystem',
    `$s = Get-CimInstance -Namespace ${HV_NS} -ClassName Msvm_VirtualSystemManagementService; Invoke-CimMethod -InputObject $s -MethodName DefineSystem`,
  ),
  wmiScriptBlock(
    'Hyper-V through WMI: RequestStateChange(2)',
    "(Get-WmiObject -Namespace 'root/virtualization/v2' -Class Msvm_ComputerSystem -Filter \"ElementName='x'\").RequestStateChange(2)",
  ),
  winProc(RULE.hypervWmiCommandLine, 'wmic call RequestStateChange', {
    Image: 'C:\\Windows\\System32\\wbem\\WMIC.exe',
    CommandLine: `wmic /namespace:\\\\${HV_NS} path Msvm_ComputerSystem where "ElementName='x'" call RequestStateChange 2`,
  }),
  winProc(RULE.hypervWmiCommandLine, 'encoded PowerShell calling Msvm_ComputerSystem RequestStateChange', {
    Image: PWSH,
    CommandLine: `powershell -enc ${encoded(`icim -n ${HV_NS} -ClassName Msvm_ComputerSystem -MethodName RequestStateChange`)}`,
  }),
  wmiActivity(
    RULE.hypervWmiTrace,
    'WMI-Activity Trace 11: ExecMethod DefineSystem (any client, even compiled)',
    WMI_TRACE,
    11,
    `Start IWbemServices::ExecMethod - ${HV_NS} : Msvm_VirtualSystemManagementService.Name="vmms"::DefineSystem`,
  ),
  wmiActivity(
    RULE.hypervWmiFailure,
    'WMI-Activity Operational 5858: RequestStateChange refused',
    WMI_OPERATIONAL,
    5858,
    `Start IWbemServices::ExecMethod - ${HV_NS} : Msvm_ComputerSystem.Name="X"::RequestStateChange`,
  ),
  // Every WSL entry point.
  winProc(RULE.wslHiddenPowerShell, 'bash.exe from a hidden PowerShell', {
    Image: WSL_BASH,
    CommandLine: 'bash.exe',
    ParentImage: PWSH,
    ParentCommandLine: HIDDEN_PS,
  }),
  winProc(RULE.wslHiddenPowerShell, 'wsl -e from -win 1 (abbreviated -WindowStyle)', {
    Image: WSL,
    CommandLine: 'wsl.exe -u root -e /tmp/x',
    ParentImage: PWSH,
    ParentCommandLine: 'powershell -win 1 -f C:\\Users\\Public\\s.ps1',
  }),
  winProc(RULE.wslOddParent, 'distribution launcher ubuntu2204.exe from Word', {
    Image: 'C:\\Users\\b\\AppData\\Local\\Microsoft\\WindowsApps\\ubuntu2204.exe',
    CommandLine: 'ubuntu2204.exe run id',
    ParentImage: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
  }),
  winProc(RULE.wslNonInteractive, 'bash.exe from the PsExec service', {
    Image: WSL_BASH,
    CommandLine: 'bash.exe -c id',
    ParentImage: 'C:\\Windows\\PSEXESVC.exe',
  }),
  winProc(RULE.wslNonInteractive, 'wslhost.exe from services.exe', {
    Image: 'C:\\Program Files\\WSL\\wslhost.exe',
    CommandLine: 'wslhost.exe',
    ParentImage: 'C:\\Windows\\System32\\services.exe',
  }),
  // PowerShell: resolved names (4103) and names built at run time (4104).
  moduleLog(
    RULE.hypervModuleLogging,
    '4103: New-VM whatever the script spelled',
    'CommandInvocation(New-VM): "New-VM"\nParameterBinding(New-VM): name="Name"; value="x"\n',
  ),
  moduleLog(
    RULE.featureModuleLogging,
    '4103: Enable-WindowsOptionalFeature VirtualMachinePlatform',
    'CommandInvocation(Enable-WindowsOptionalFeature): "Enable-WindowsOptionalFeature"\nParameterBinding(Enable-WindowsOptionalFeature): name="FeatureName"; value="VirtualMachinePlatform"\n',
  ),
  runtimeName('backtick inside the cmdlet name', 'New-`VM -Name evil'),
  runtimeName('name built from strings', "& ('New-'+'VM') -Name evil"),
  runtimeName('wildcard command lookup', '& (Get-Command New-V?) -Name evil'),
  runtimeName('name split inside the verb', "& ('Ne' + 'w-VM') -Name evil"),
  runtimeName('-join of single characters', "$n = -join ('S','t','a','r','t','-','V','M'); & $n x"),
  runtimeName('format operator', `& ("{1}{0}" -f 'VM','Start-') x`),
  runtimeName('gcm *-VM stored, then invoked', '$c = gcm *-VM; & $c -Name x'),
  runtimeName('Get-Command -Noun VM', '& (Get-Command -Verb New -Noun VM) -Name x'),
  runtimeName("GetCmdlet('S*t-VM').Invoke()", "$ExecutionContext.InvokeCommand.GetCmdlet('S*t-VM').Invoke()"),
  scriptBlock('Invoke-Expression of a decoded string: the inner block is its own 4104 event', 'New-VM -Name evil'),
];

/**
 * Not caught, and why. Each would need another data source or a deobfuscating sensor; SECURITY.md explains.
 * Not listed because they are not evasions: `^` carets and `%VAR%` paths in cmd.exe are removed before the child
 * starts, so the VBoxManage/powershell process event carries the plain text and is caught above.
 */
const KNOWN_GAPS: readonly Variant[] = [
  qemu('remote-only display -vnc :1 (no local window, not "none")', {
    Image: QEMU,
    CommandLine: 'qemu-system-x86_64 -vnc :1 -hda a',
  }),
  // A letter from a character code leaves no literal to find; 4103 module logging catches it.
  runtimeName('character code for a letter', "& ('Ne'+'w-V'+[char]77) -Name evil"),
  runtimeName('noun from a variable', '$v = \'VM\'; & "New-$v" -Name evil'),
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
  proc(RULE.qemuGrammar, 'gcc -m64 -march', {
    Image: '/usr/bin/gcc',
    CommandLine: 'gcc -m64 -march=native -o vm vm.c',
  }),
  proc(RULE.qemuGrammar, 'ssh -L and -N', { Image: '/usr/bin/ssh', CommandLine: 'ssh -L 2222:localhost:22 -N jump' }),
  proc(RULE.qemuGrammar, 'make -j', { Image: '/usr/bin/make', CommandLine: 'make -j8 vm' }),
  proc(RULE.qemuGrammar, 'one shared flag: -display :0 -daemonize', {
    Image: '/usr/bin/xscreensaver',
    CommandLine: 'xscreensaver -display :0 -daemonize',
  }),
  proc(RULE.qemuGrammar, 'bash -c carrying a named qemu (its child is judged by name)', {
    Image: '/usr/bin/bash',
    CommandLine: 'bash -c "qemu-system-x86_64 -enable-kvm -nographic -hda a"',
  }),
  winProc(RULE.qemuGrammar, 'browser --device-scale-factor and --display', {
    Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    CommandLine: 'chrome.exe --type=renderer --device-scale-factor=1 --display-capture-permissions-policy-allowed',
  }),
  proc(RULE.vboxGrammar, 'fd startvm --type f', { Image: '/usr/bin/fd', CommandLine: 'fd startvm --type f' }),
  proc(RULE.vmrunGrammar, 'tar -T list', { Image: '/usr/bin/tar', CommandLine: 'tar -czf b.tgz -T files.txt' }),
  proc(RULE.containerGrammar, 'kubectl run NAME --image --privileged', {
    Image: '/usr/local/bin/k',
    CommandLine: 'k run x --image=alpine --privileged',
  }),
  proc(RULE.containerGrammar, 'renamed podman build --privileged', {
    Image: '/opt/pb',
    CommandLine: 'pb build --privileged .',
  }),
  proc(RULE.containerGrammar, 'npm run -- --privileged', {
    Image: '/usr/bin/npm',
    CommandLine: 'npm run b -- --privileged',
  }),
  proc(RULE.containerGrammar, 'make -j8 run ARGS=--privileged', {
    Image: '/usr/bin/make',
    CommandLine: 'make -j8 run ARGS=--privileged',
  }),
  proc(RULE.containerGrammar, 'option after the image goes to the container', {
    Image: '/opt/x/agent',
    CommandLine: 'agent run alpine --privileged',
  }),
  proc(RULE.dockerApi, 'Docker API read: /containers/json', {
    Image: '/usr/bin/curl',
    CommandLine: 'curl --unix-socket /var/run/docker.sock http://localhost/containers/json',
  }),
  proc(RULE.dockerApi, 'a web API path /containers/create without the daemon', {
    Image: '/usr/bin/curl',
    CommandLine: 'curl -X POST https://api.example.com/containers/create',
  }),
  proc(RULE.dockerSocketRelay, 'docker -H unix:///var/run/docker.sock ps', {
    Image: DOCKER,
    CommandLine: 'docker -H unix:///var/run/docker.sock ps',
  }),
  proc(RULE.criRunc, 'runc started by the containerd shim', {
    Image: '/usr/bin/runc',
    CommandLine: 'runc --root /run/containerd/runc/k8s.io create --bundle /run/containerd/x abc',
    ParentImage: '/usr/bin/containerd-shim-runc-v2',
  }),
  proc(RULE.criRunc, 'crictl ps', { Image: '/usr/local/bin/crictl', CommandLine: 'crictl ps -a' }),
  wmiScriptBlock('Hyper-V inventory over CIM', `Get-CimInstance -Namespace ${HV_NS} -ClassName Msvm_ComputerSystem`),
  wmiActivity(
    RULE.hypervWmiTrace,
    'WMI-Activity query of the Hyper-V namespace',
    WMI_TRACE,
    11,
    `Start IWbemServices::ExecQuery - ${HV_NS} : SELECT * FROM Msvm_ComputerSystem`,
  ),
  winProc(RULE.wslHiddenPowerShell, 'wsl.exe from a visible PowerShell', {
    Image: WSL,
    CommandLine: 'wsl.exe -d Ubuntu',
    ParentImage: PWSH,
    ParentCommandLine: 'powershell.exe -WindowStyle Maximized',
  }),
  winProc(RULE.wslOddParent, 'wsl.exe in Windows Terminal', {
    Image: WSL,
    CommandLine: 'wsl.exe -d Ubuntu',
    ParentImage: 'C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_8wekyb3d8bbwe\\WindowsTerminal.exe',
  }),
  winProc(RULE.wslNonInteractive, 'ubuntu.exe from explorer', {
    Image: 'C:\\Users\\b\\AppData\\Local\\Microsoft\\WindowsApps\\ubuntu.exe',
    CommandLine: 'ubuntu.exe',
    ParentImage: 'C:\\Windows\\explorer.exe',
  }),
  winProc(RULE.wslNonInteractive, 'wslhost.exe started by the WSL service', {
    Image: 'C:\\Program Files\\WSL\\wslhost.exe',
    CommandLine: 'wslhost.exe --vm-id {x}',
    ParentImage: 'C:\\Program Files\\WSL\\wslservice.exe',
  }),
  moduleLog(RULE.hypervModuleLogging, '4103: New-VMSwitch', 'CommandInvocation(New-VMSwitch): "New-VMSwitch"\n'),
  runtimeName('Get-Command *-VM* listed at a prompt', 'Get-Command *-VM*'),
  runtimeName('concatenated New-VMSwitch', "& ('New-V'+'MSwitch') -Name ext"),
  runtimeName('concatenated New-Item', "$s = 'New-' + 'Item'; & $s x"),
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
