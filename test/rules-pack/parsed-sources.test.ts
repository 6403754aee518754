/**
 * The pack on records as the collectors really write them (Sysmon XML, Winlogbeat, NXLog, auditd, eslogger,
 * Kubernetes audit, CloudTrail, Falco, EDR exports), parsed by the real parsers: the rules must match the fields the
 * parsers produce, not only the hand-written samples. Fixtures are copies of the parser fixtures, kept here so
 * that this specification does not move when a parser's own fixtures do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../../lib/model';
import { loadRuleDirectory, RuleSet } from '../../lib/rules';
import { parseText } from '../../lib/sources';

const FIXTURES = join(__dirname, 'fixtures');
const pack = loadRuleDirectory(join(process.cwd(), 'rules'));
const ruleSet = RuleSet.from(pack.rules);

/** Title -> severity of every detection the pack raises on a fixture file. */
function detectionsOf(file: string): Record<string, Severity> {
  const batch = parseText(readFileSync(join(FIXTURES, file), 'utf8'), { file });
  const out: Record<string, Severity> = {};
  for (const event of batch.events)
    for (const detection of ruleSet.match(event)) out[detection.rule.title] = detection.severity;
  return out;
}

const FIRES: readonly { file: string; what: string; expected: Record<string, Severity> }[] = [
  {
    file: 'sysmon1-vboxmanage-headless.xml',
    what: 'a headless VBoxManage startvm (Sysmon XML)',
    expected: { 'VirtualBox VM Started from the Command Line': 'high' },
  },
  {
    file: 'sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json',
    what: 'sc create VBoxDRV from a dropped folder (Winlogbeat ECS)',
    expected: { 'Portable VirtualBox Registered on the Host': 'critical' },
  },
  {
    file: 'system7045-qemu-service.nxlog.json',
    what: 'a QEMU guest installed as a service (7045 via NXLog)',
    expected: { 'VM or Container Runner Installed as a Windows Service': 'critical' },
  },
  {
    file: 'security4688-azure-eventdata-xml.json',
    what: 'wsl.exe starting a nohup agent (4688 in an Azure row)',
    expected: { 'WSL Used to Start a Detached Background Process': 'high' },
  },
  {
    file: 'powershell4104-core.winlogbeat-ecs.json',
    what: 'a virtualization feature enabled in a script block (4104 Winlogbeat ECS)',
    expected: { 'Windows Virtualization Feature Enabled in a PowerShell Script Block': 'medium' },
  },
  {
    file: 'auditd-docker-privileged.log',
    what: 'docker run --privileged with the host root mounted (auditd)',
    expected: {
      'Privileged Container Started From the Command Line': 'critical',
      'Container Started With the Host Root or a Container Runtime Socket Mounted': 'critical',
    },
  },
  {
    file: 'auditd-qemu-node.log',
    what: 'a headless QEMU guest with host forwarding (auditd)',
    expected: {
      'QEMU VM Launched Without a Display': 'high',
      'QEMU Guest With User-Mode Network Port Forwarding': 'critical',
    },
  },
  {
    file: 'sysmon-linux-virsh-rfc5424.log',
    what: 'virsh starting a domain (Sysmon for Linux in syslog)',
    expected: { 'Libvirt Domain Created, Defined or Started With virsh': 'medium' },
  },
  {
    file: 'eslogger-exec.jsonl',
    what: 'VBoxHeadless, limactl and prlctl on macOS (eslogger)',
    expected: {
      'VirtualBox VM Started from the Command Line': 'high',
      'Lima VM Created or Started With limactl': 'medium',
      'Parallels VM Created or Started With prlctl': 'medium',
    },
  },
  {
    file: 'mde-streaming-wsl-import.json',
    what: 'wsl --import (Defender for Endpoint)',
    expected: { 'WSL Distribution Imported or Offensive Distribution Installed': 'high' },
  },
  {
    file: 'ocsf-docker-privileged.json',
    what: 'docker run --privileged (OCSF)',
    expected: { 'Privileged Container Started From the Command Line': 'critical' },
  },
  {
    file: 'sentinelone-dv-vmrun.json',
    what: 'vmrun start nogui (SentinelOne)',
    expected: { 'VMware VM Started or Registered With vmrun': 'high' },
  },
  {
    file: 'k8s-privileged-pod-create.json',
    what: 'a privileged pod (Kubernetes audit)',
    expected: { 'Privileged Container or Pod Launched': 'critical' },
  },
  {
    file: 'k8s-ephemeral-container-patch.json',
    what: 'an ephemeral debug container (Kubernetes audit)',
    expected: { 'Kubernetes Ephemeral Debug Container Added or Node Debugger Pod Created': 'medium' },
  },
  {
    file: 'k8s-node-debugger-pod-create.json',
    what: 'a node debugger pod (Kubernetes audit)',
    expected: {
      'Kubernetes Ephemeral Debug Container Added or Node Debugger Pod Created': 'high',
      'Container or Pod Launched in Host Namespaces': 'high',
    },
  },
  {
    file: 'cloudtrail-register-task-definition-privileged.json',
    what: 'a privileged ECS task definition (CloudTrail)',
    expected: { 'Privileged Container or Pod Launched': 'critical' },
  },
  {
    file: 'cloudtrail-execute-command.json',
    what: 'an interactive ECS Exec session (CloudTrail)',
    expected: { 'Interactive ECS Exec Session Opened Into a Task Container': 'medium' },
  },
  {
    file: 'falco-launch-privileged-container.json',
    what: 'a Falco privileged-container launch alert',
    expected: { 'Privileged Container or Pod Launched': 'critical' },
  },
  {
    file: 'sysmon-portable-virtualbox-chain.xml',
    what: 'a portable VirtualBox: driver and disk written, service key, driver and VMM loaded, guest traffic (Sysmon 11, 13, 6, 7, 22, 3)',
    expected: {
      'Hypervisor Kernel Driver File Written by a Process That Is Not an Installer': 'critical',
      'Hypervisor Driver Service Registered in the Registry With a Non-Standard Image Path': 'high',
      'Hypervisor Kernel Driver Loaded From a Non-Standard Path': 'high',
      'VM Disk or Configuration Written to a Temporary, Shared or Hidden Folder, or by a Script Host or Installer':
        'high',
      'Hypervisor Library Loaded From a User-Writable Path': 'high',
      'Hypervisor Process Resolving Names From Outside Its Install Directory': 'high',
      'Hypervisor Process Making Network Connections From Outside Its Install Directory': 'high',
    },
  },
  {
    file: 'auditd-renamed-qemu-kvm-and-module.log',
    what: 'a renamed QEMU in a hidden /var/tmp folder opening /dev/kvm, insmod of vboxdrv.ko from /tmp (auditd)',
    expected: {
      'Hypervisor Device Opened by a Binary Outside Known Hypervisor Paths': 'critical',
      'Hypervisor Kernel Module Loaded From a Temporary or Home Folder': 'critical',
    },
  },
  {
    file: 'mde-network-renamed-vm-process.json',
    what: 'a renamed VirtualBoxVM known by its version info connecting out (Defender DeviceNetworkEvents)',
    expected: { 'Hypervisor Process Making Network Connections From Outside Its Install Directory': 'high' },
  },
  {
    file: 'setup-hyperv-feature-and-vm.xml',
    what: 'the VM and Hypervisor Platforms turned on, then a Hyper-V VM created and started (Setup, VMMS, Worker)',
    expected: {
      'Windows Virtualization Feature Turned On (Setup Log Servicing Event)': 'high',
      'Hyper-V VM Created (VMMS Admin Log)': 'medium',
      'Hyper-V VM Started (Worker Admin Log)': 'medium',
    },
  },
];

const SILENT: readonly { file: string; what: string }[] = [
  { file: 'system7045-vboxsup.winlogbeat-ecs.json', what: 'VBoxSup installed into the driver store by the installer' },
  { file: 'mde-hunting-row-linux.json', what: 'VBoxHeadless spawned by VBoxSVC for a GUI start' },
  { file: 'k8s-unprivileged-pod-create.json', what: 'an unprivileged pod' },
  { file: 'cloudtrail-register-task-definition-plain.json', what: 'a plain ECS task definition' },
  { file: 'cloudtrail-execute-command-denied.json', what: 'a denied ECS Exec call' },
  { file: 'falco-terminal-shell-host.json', what: 'a Falco alert unrelated to container isolation' },
  {
    file: 'sysmon-installed-virtualbox-benign.xml',
    what: 'an installed VirtualBox: boot-time driver load, installer service key, GUI disk, update check, NAT traffic, ISO download',
  },
  { file: 'auditd-installed-qemu-kvm-benign.log', what: 'the distribution QEMU opening /dev/kvm, modprobe kvm_amd' },
  { file: 'mde-network-virtualbox-update-check.json', what: 'the installed VirtualBox Manager checking for updates' },
  { file: 'setup-hyperv-benign.xml', what: '.NET 3.5 turned on, WSL turned off, a VM turned off and deleted' },
];

describe('the rule pack on parsed collector records', () => {
  it('loads without errors', () => {
    expect(pack.errors).toEqual([]);
  });

  for (const { file, what, expected } of FIRES) {
    it(`detects ${what} at the expected level`, () => {
      expect(detectionsOf(file)).toEqual(expect.objectContaining(expected));
    });
  }

  for (const { file, what } of SILENT) {
    it(`stays silent on ${what}`, () => {
      expect(detectionsOf(file)).toEqual({});
    });
  }
});
