import type { NormalizedEvent } from '../../lib/model';
import { compileRuleText, RuleSet } from '../../lib/rules';
import { parseText } from '../../lib/sources';
import { fixtureLines } from './linux/record-input';

// Rules written in Sigma conventions on the new auditd and eslogger events reach them: routed by logsource
// (category + product), matched on the taxonomy fields the parsers fill (TargetFilename, Image, ImageLoaded,
// AuditKey). Rules here are test rules authored for this check, not the pack's.

const RULES = `
title: KVM Device Opened Outside Packaged Hypervisors
id: 0f4d6c1e-1111-4a8b-9c01-000000000001
status: test
logsource: { category: file_access, product: linux }
detection:
  selection: { TargetFilename: /dev/kvm, AuditKey: vmsentry_kvm }
  filter_main_packaged: { Image|startswith: [/usr/bin/, /usr/libexec/] }
  condition: selection and not filter_main_packaged
level: high
---
title: Kernel Module Loaded From a Temporary or Home Path
id: 0f4d6c1e-1111-4a8b-9c01-000000000002
status: test
logsource: { category: driver_load, product: linux }
detection:
  selection: { ImageLoaded|startswith: [/tmp/, /dev/shm/, /home/] }
  condition: selection
level: high
---
title: VM Disk Created in a Hidden Folder on macOS
id: 0f4d6c1e-1111-4a8b-9c01-000000000003
status: test
logsource: { category: file_event, product: macos }
detection:
  selection: { TargetFilename|endswith: [.qcow2, .vmdk, .vdi, .utm], TargetFilename|contains: /. }
  condition: selection
level: medium
---
title: VirtualBox Kext Loaded on macOS
id: 0f4d6c1e-1111-4a8b-9c01-000000000004
status: test
logsource: { category: driver_load, product: macos }
detection:
  selection: { ImageLoaded: org.virtualbox.kext.VBoxDrv }
  condition: selection
level: medium
`;

const compiled = compileRuleText(RULES, 'inline.yml');
const ruleSet = RuleSet.from(compiled.flatMap((result) => (result.ok ? [result.rule] : [])));

function titlesBy(file: string): Map<string, string[]> {
  const batch = parseText(fixtureLines(file).join('\n'), { file });
  expect(batch.errors).toEqual([]);
  const titles = new Map<string, string[]>();
  for (const event of batch.events)
    titles.set(
      keyOf(event),
      ruleSet.match(event).map((d) => d.rule.title),
    );
  return titles;
}
const keyOf = (event: NormalizedEvent): string =>
  `${event.category} ${event.fields.TargetFilename ?? event.fields.ImageLoaded} ${event.fields.Image}`;

describe('Sigma rules on the new Linux and macOS telemetry', () => {
  it('compiles the test rules', () => {
    expect(compiled.map((result) => result.ok)).toEqual([true, true, true, true]);
  });

  it('fires on /dev/kvm opened by a renamed QEMU, not by the packaged one or on other devices', () => {
    expect(Object.fromEntries(titlesBy('linux/auditd-device-watches.log'))).toEqual({
      'file_access /dev/kvm /home/dev/.cache/kworker-sync': ['KVM Device Opened Outside Packaged Hypervisors'],
      'file_access /dev/kvm /usr/bin/qemu-system-x86_64': [],
      'file_access /dev/vboxdrv /usr/lib/virtualbox/VBoxHeadless': [],
      'file_access /dev/net/tun /tmp/.x/kworker-sync': [],
      'file_access /dev/vhost-net /tmp/.x/kworker-sync': [],
    });
  });

  it('fires on /dev/kvm reached through a symlink (device number); a keyless record is seen but not by this rule', () => {
    const batch = parseText(fixtureLines('linux/auditd-device-aliases.log').join('\n'));
    expect(batch.events.map((event) => [event.fields.TargetFilename, ruleSet.match(event).length])).toEqual([
      ['/dev/kvm', 1],
      ['/dev/kvm', 0],
    ]);
  });

  it('fires on a module loaded from /tmp, not on modprobe of a module name', () => {
    const titles = titlesBy('linux/auditd-module-loads.log');
    expect(titles.get('driver_load /tmp/.x/vboxdrv.ko /usr/bin/kmod')).toEqual([
      'Kernel Module Loaded From a Temporary or Home Path',
    ]);
    expect(titles.get('driver_load kvm_intel /usr/bin/kmod')).toEqual([]);
  });

  it('fires on a VM disk created in a hidden macOS folder and on the VirtualBox kext, not on a UTM disk write', () => {
    const titles = titlesBy('macos/eslogger-file-kext.jsonl');
    expect(
      titles.get('file_event /Users/dev/Library/Caches/.vm/disk.qcow2 /opt/homebrew/Cellar/qemu/8.2.0/bin/qemu-img'),
    ).toEqual(['VM Disk Created in a Hidden Folder on macOS']);
    expect(titles.get('driver_load org.virtualbox.kext.VBoxDrv /usr/libexec/kernelmanagerd')).toEqual([
      'VirtualBox Kext Loaded on macOS',
    ]);
    const write = [...titles].find(([key]) => key.startsWith('file_change'));
    expect(write?.[1]).toEqual([]);
  });
});
