import type { NormalizedEvent } from '../../../lib/model';
import { parseRecords } from '../../../lib/sources/dispatch';
import { fixtureLines, INSTANCE_STREAM, inputsOf, runAuditBatch } from './record-input';

// auditd beyond execve: file and device watches (`-w /dev/kvm -p rwa -k vmsentry_kvm`) and kernel-module loads
// (`-S init_module,finit_module -k vmsentry_modules`), as config/auditd/vmsentry.rules sets them up.

const STREAM = { logStream: INSTANCE_STREAM };

const runBatch = runAuditBatch;
const run = (fixture: string) => runBatch(inputsOf(fixtureLines(`linux/${fixture}`), STREAM));
const byId = (events: readonly NormalizedEvent[], id: string): NormalizedEvent => {
  const event = events.find((candidate) => candidate.provenance.recordId === id);
  if (!event) throw new Error(`no event for audit id ${id}`);
  return event;
};
const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex').toUpperCase();
const openKvm = (
  id: string,
  key: string,
  extra: { arch?: string; syscall?: number; a0?: string; name?: string } = {},
) => [
  `type=SYSCALL msg=audit(${id}): arch=${extra.arch ?? 'c000003e'} syscall=${extra.syscall ?? 257} success=yes exit=5 a0=${extra.a0 ?? 'ffffff9c'} a1=7ffd a2=80002 a3=0 items=1 ppid=10 pid=11 auid=1000 uid=1000 gid=1000 euid=1000 comm="vm" exe="/home/dev/bin/vm" key=${key}`,
  `type=CWD msg=audit(${id}): cwd="/home/dev"`,
  `type=PATH msg=audit(${id}): item=0 name=${extra.name ?? '"/dev/kvm"'} inode=421 dev=00:05 mode=020660 ouid=0 ogid=108 rdev=0a:e8 nametype=NORMAL`,
  `type=PROCTITLE msg=audit(${id}): proctitle="vm"`,
  `type=EOE msg=audit(${id}): `,
];

describe('auditd device watches become file_access events', () => {
  const { outcomes, events, errors } = run('auditd-device-watches.log');

  it('emits one file_access event per watched open, at the PROCTITLE record that completes the group', () => {
    expect(errors).toEqual([]);
    expect(events.map((event) => [event.category, event.fields.TargetFilename])).toEqual([
      ['file_access', '/dev/kvm'],
      ['file_access', '/dev/kvm'],
      ['file_access', '/dev/vboxdrv'],
      ['file_access', '/dev/net/tun'],
      ['file_access', '/dev/vhost-net'],
    ]);
    const lines = fixtureLines('linux/auditd-device-watches.log');
    outcomes.forEach((outcome, index) => {
      const expected = lines[index]?.startsWith('type=PROCTITLE') ? 1 : 0;
      expect(outcome.ok && outcome.events.length).toBe(expected);
    });
  });

  it('names the process (exe), the device (PATH name), the watch key and the syscall, with the user context', () => {
    const renamedQemu = byId(events, '1764240000.120:3101');
    expect(renamedQemu.platform).toBe('linux');
    expect(renamedQemu.fields).toEqual({
      Image: '/home/dev/.cache/kworker-sync',
      CommandLine: 'kworker-sync -m 512 -nographic -drive file=/home/dev/.cache/d.img',
      TargetFilename: '/dev/kvm',
      AuditKey: 'vmsentry_kvm',
      FileOperation: 'openat',
      ProcessId: 2240,
      ParentProcessId: 2201,
      User: '1000',
      UserId: '1000',
      LoginUser: '1000',
    });
    expect(renamedQemu.time).toBe('2025-11-27T10:40:00.120Z');
    expect(renamedQemu.host).toEqual({ logStream: INSTANCE_STREAM, instanceId: INSTANCE_STREAM });
  });

  it('leaves LoginUser out for a daemon nobody logged in as (auid unset), like process events', () => {
    const packaged = byId(events, '1764240001.300:3102');
    expect(packaged.fields.Image).toBe('/usr/bin/qemu-system-x86_64');
    expect(packaged.fields.UserId).toBe('64055');
    expect(packaged.fields.LoginUser).toBeUndefined();
  });

  it('names the legacy open syscall by its x86_64 number (2) and keeps the records in raw', () => {
    const tun = byId(events, '1764240003.500:3104');
    expect(tun.fields.FileOperation).toBe('open');
    expect(tun.fields.AuditKey).toBe('vmsentry_net');
    const raw = tun.raw as Record<string, unknown>;
    expect((raw['PATH'] as Record<string, string>[])[0]?.['rdev']).toBe('0a:c8');
    expect((raw['SYSCALL'] as Record<string, string>)['key']).toBe('vmsentry_net');
  });
});

describe('the device is named by what was opened, not by the name used to open it', () => {
  const { events } = run('auditd-device-aliases.log');

  it('reads a symlink to /dev/kvm as /dev/kvm by its char-device number (misc 10:232)', () => {
    const viaLink = byId(events, '1764240010.000:3201');
    expect(viaLink.fields.TargetFilename).toBe('/dev/kvm');
    expect(viaLink.raw).toMatchObject({ PATH: [{ name: '/tmp/k' }] });
  });

  it('normalises //dev/./kvm to /dev/kvm, and a record without a key has no AuditKey', () => {
    const dotted = byId(events, '1764240010.100:3202');
    expect(dotted.fields.TargetFilename).toBe('/dev/kvm');
    expect(dotted.fields.AuditKey).toBeUndefined();
  });

  it.each([
    ['0a:c8', '/dev/net/tun'],
    ['0a:ee', '/dev/vhost-net'],
    ['0a:f1', '/dev/vhost-vsock'],
    ['0A:E8', '/dev/kvm'],
  ])('reads a char device numbered %s as %s whatever its name', (rdev, device) => {
    const lines = openKvm('1.000:7', '(null)', { name: '"/home/dev/.x/node"' }).map((line) =>
      line.replace('rdev=0a:e8', `rdev=${rdev}`),
    );
    expect(runBatch(inputsOf(lines)).events[0]?.fields.TargetFilename).toBe(device);
  });

  it('keeps a char device of another number (vboxdrv has a dynamic minor) under its normalised name', () => {
    const lines = openKvm('1.000:8', '(null)', { name: '"/dev//vboxdrv"' }).map((line) =>
      line.replace('rdev=0a:e8', 'rdev=0a:3a'),
    );
    expect(runBatch(inputsOf(lines)).events[0]?.fields.TargetFilename).toBe('/dev/vboxdrv');
  });

  it('keeps a regular file with a device-like rdev under its own name (only char devices are renamed)', () => {
    const lines = openKvm('1.000:1', '(null)').map((line) =>
      line.replace('mode=020660', 'mode=0100644').replace('name="/dev/kvm"', 'name="/tmp/notes.txt"'),
    );
    expect(runBatch(inputsOf(lines)).events[0]?.fields.TargetFilename).toBe('/tmp/notes.txt');
  });
});

describe('names and keys', () => {
  it('takes the first key when a rule carries several (the kernel hex-encodes them joined by 0x01)', () => {
    const { events } = runBatch(inputsOf(openKvm('1.000:2', hex('vmsentry_kvm\x01site-kvm'))));
    expect(events[0]?.fields.AuditKey).toBe('vmsentry_kvm');
  });

  it('resolves a relative name against the working directory when the *at call used AT_FDCWD', () => {
    const { events } = runBatch(inputsOf(openKvm('1.000:3', '(null)', { name: '"../../dev/kvm"' }).map(plainFile)));
    expect(events[0]?.fields.TargetFilename).toBe('/dev/kvm');
  });

  it('keeps a relative name as written when the *at call used another directory fd (it cannot be resolved)', () => {
    const { events } = runBatch(
      inputsOf(openKvm('1.000:4', '(null)', { a0: '7', name: '"disk.qcow2"' }).map(plainFile)),
    );
    expect(events[0]?.fields.TargetFilename).toBe('disk.qcow2');
  });

  it.each([
    ['aarch64', 'c00000b7', 56],
    ['riscv64', 'c00000f3', 56],
    ['i386', '40000003', 295],
    ['arm', '40000028', 322],
  ])('names openat by its %s number like an x86_64 one', (_arch, arch, syscall) => {
    const { events } = runBatch(inputsOf(openKvm('1.000:5', '"vmsentry_kvm"', { arch, syscall })));
    expect(events.map((event) => [event.category, event.fields.FileOperation])).toEqual([['file_access', 'openat']]);
  });

  it('emits nothing for an unknown arch without an ENRICHED name: an open cannot be told from an execve', () => {
    const { events, errors } = runBatch(inputsOf(openKvm('1.000:6', '"vmsentry_kvm"', { arch: 'c0000099' })));
    expect(errors).toEqual([]);
    expect(events).toEqual([]);
  });
});

/** The PATH record of a regular file, so the device-number rule does not rename it. */
function plainFile(line: string): string {
  return line.replace('mode=020660', 'mode=0100644').replace('rdev=0a:e8', 'rdev=00:00');
}

describe('file watches on VM disks: create, rename, delete', () => {
  const { events, errors } = run('auditd-file-watches.log');

  it('reads a create (O_CREAT: a CREATE item) as file_event, the relative name joined to the working directory', () => {
    expect(errors).toEqual([]);
    const created = byId(events, '1764240020.000:3301');
    expect(created.category).toBe('file_event');
    expect(created.fields).toMatchObject({
      Image: '/usr/bin/qemu-img',
      TargetFilename: '/tmp/.vm/disk.qcow2',
      FileOperation: 'openat',
      AuditKey: 'vmsentry_vmdisk',
      CommandLine: 'qemu-img create -f qcow2 disk.qcow2 20G',
    });
  });

  it('reads renameat2 as file_rename from the DELETE item to the CREATE item', () => {
    const renamed = byId(events, '1764240021.000:3302');
    expect(renamed.category).toBe('file_rename');
    // Sigma's file_rename names the new path TargetFilename and the old one SourceFilename.
    expect(renamed.fields.TargetFilename).toBe('/home/dev/.local/share/.cache/fonts.db');
    expect(renamed.fields.SourceFilename).toBe('/home/dev/Downloads/win11.vdi');
    expect(renamed.fields.TargetFilenameNew).toBe('/home/dev/.local/share/.cache/fonts.db');
    expect(renamed.fields.FileOperation).toBe('renameat2');
  });

  it('reads unlinkat as file_delete of the DELETE item, not of its parent directory', () => {
    const deleted = byId(events, '1764240022.000:3303');
    expect(deleted.category).toBe('file_delete');
    expect(deleted.fields.TargetFilename).toBe('/tmp/.vm/disk.qcow2');
  });

  it('takes the syscall name and users from the ENRICHED format', () => {
    const enriched = byId(events, '1764240023.000:3304');
    expect(enriched.category).toBe('file_access');
    expect(enriched.fields).toMatchObject({
      Image: '/opt/tools/qemu-system-x86_64',
      TargetFilename: '/dev/kvm',
      FileOperation: 'openat',
      User: 'dev',
      UserId: '1000',
      LoginUser: 'dev',
    });
  });
});

describe('kernel-module loads become driver_load events', () => {
  const { events, errors } = run('auditd-module-loads.log');

  it('emits one driver_load per successful init_module/finit_module', () => {
    expect(errors).toEqual([]);
    expect(events.map((event) => [event.category, event.fields.ImageLoaded])).toEqual([
      ['driver_load', '/tmp/.x/vboxdrv.ko'],
      ['driver_load', 'kvm_intel'],
      ['driver_load', 'vboxnetflt'],
      ['driver_load', '/home/dev/build/vhost_net.ko.zst'],
    ]);
  });

  it('takes the module file from the loader command line when it names one (insmod FILE.ko), with the loader as Image', () => {
    expect(byId(events, '1764240030.000:3401').fields).toEqual({
      Image: '/usr/bin/kmod',
      CommandLine: 'insmod /tmp/.x/vboxdrv.ko',
      ImageLoaded: '/tmp/.x/vboxdrv.ko',
      AuditKey: 'vmsentry_modules',
      ProcessId: 3210,
      ParentProcessId: 3200,
      User: '0',
      UserId: '0',
      LoginUser: '1000',
    });
  });

  it('falls back to the KERN_MODULE name when the loader names no file (modprobe NAME, init_module from memory)', () => {
    expect(byId(events, '1764240031.000:3402').fields.ImageLoaded).toBe('kvm_intel');
    const fromMemory = byId(events, '1764240032.000:3403');
    expect(fromMemory.fields.ImageLoaded).toBe('vboxnetflt');
    expect(fromMemory.fields.Image).toBe('/dev/shm/ld');
    expect(fromMemory.raw).toMatchObject({ KERN_MODULE: { name: 'vboxnetflt' } });
  });

  it('still loads a module when the batch split its group before the SYSCALL record: marked partial', () => {
    const lines = fixtureLines('linux/auditd-module-loads.log').slice(1, 3); // KERN_MODULE, PROCTITLE
    const { outcomes, flushed, events: split } = runBatch(inputsOf(lines, STREAM));
    expect(outcomes.every((outcome) => outcome.ok && outcome.events.length === 0)).toBe(true);
    expect(flushed).toHaveLength(1);
    expect(split[0]?.category).toBe('driver_load');
    expect(split[0]?.fields.ImageLoaded).toBe('/tmp/.x/vboxdrv.ko');
    expect(split[0]?.fields.Partial).toBe(true);
  });
});

describe('near misses produce no event', () => {
  it('ignores a failed open of /dev/kvm, a failed load, a module unload and a syscall that named no file', () => {
    const { events, errors, flushed } = run('auditd-watch-near-misses.log');
    expect(errors).toEqual([]);
    expect(events).toEqual([]);
    expect(flushed).toEqual([]);
  });

  it('keeps execve groups process_creation events, never file events, even though they carry PATH records', () => {
    const { events } = run('auditd-qemu-node.log');
    expect(events.map((event) => event.category)).toEqual(['process_creation']);
  });
});

describe('through the dispatcher', () => {
  it('auto-detects the records as auditd and mixes process, file and driver events in one batch', () => {
    const lines = [
      ...fixtureLines('linux/auditd-qemu-node.log'),
      ...fixtureLines('linux/auditd-device-watches.log'),
      ...fixtureLines('linux/auditd-module-loads.log'),
    ];
    const batch = parseRecords(inputsOf(lines, STREAM));
    expect(batch.errors).toEqual([]);
    const counts: Record<string, number> = {};
    for (const event of batch.events) counts[event.category] = (counts[event.category] ?? 0) + 1;
    expect(counts).toEqual({ process_creation: 1, file_access: 5, driver_load: 4 });
  });
});
