import { posix } from 'node:path';
import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined } from '../common';
import { linuxEventOf, processContextOf, proctitleCommandLine } from './audit-event';
import type { AuditGroup } from './audit-group';
import type { AuditRecord } from './audit-record';
import { DELETE_SYSCALLS, RENAME_SYSCALLS, syscallOf } from './audit-syscalls';
import { decodeUntrusted } from './audit-values';

/** One PATH record as a file event reads it. */
interface PathItem {
  /** The name, made absolute and normalised when the record allows it; else as the process gave it. */
  readonly name: string;
  /** NORMAL, PARENT, CREATE, DELETE, UNKNOWN (the kernel's audit_name type). */
  readonly nametype: string;
}

/** Syscalls whose relative names are relative to a directory fd (a0), not to the working directory. */
const AT_SYSCALLS: ReadonlySet<string> = new Set([
  'openat',
  'openat2',
  'mknodat',
  'mkdirat',
  'unlinkat',
  'renameat',
  'renameat2',
  'fchmodat',
  'fchownat',
  'linkat',
  'symlinkat',
  'open_by_handle_at',
]);
/** AT_FDCWD (-100) as auditd prints a syscall argument: unsigned hex of the arch's word. */
const AT_FDCWD: ReadonlySet<string> = new Set(['ffffff9c', 'ffffffffffffff9c']);

/**
 * Character devices with a fixed misc minor (include/linux/miscdevice.h), by `rdev` as PATH prints it (major:minor
 * in hex). A symlink or a copied device node (`mknod /tmp/x c 10 232`) opens the same device under another name;
 * the device number tells which one it is. VirtualBox's vboxdrv gets a dynamic minor and is known by name only.
 */
const MISC_DEVICES: ReadonlyMap<string, string> = new Map([
  ['0a:c8', '/dev/net/tun'], // TUN_MINOR 200
  ['0a:e8', '/dev/kvm'], // KVM_MINOR 232
  ['0a:ee', '/dev/vhost-net'], // VHOST_NET_MINOR 238
  ['0a:f1', '/dev/vhost-vsock'], // VHOST_VSOCK_MINOR 241
]);
/** S_IFCHR in the octal mode PATH prints (`mode=020660`). */
const CHAR_DEVICE_MODE = /^0?20\d{3,4}$/;

/**
 * The file event of a successful syscall that named files (its PATH records), or undefined when no PATH record
 * names one. The syscall and the PATH name types decide the category:
 * - unlink/unlinkat/rmdir: file_delete of the DELETE item;
 * - rename/renameat/renameat2: file_rename from the DELETE item to the CREATE item;
 * - any other call that created a name (open with O_CREAT, creat, mknod, mkdir, link, symlink): file_event;
 * - everything else (an open of /dev/kvm, a truncate, a chmod): file_access of the first item that is not the
 *   parent directory.
 */
export function fileEventOf(group: AuditGroup): NormalizedEvent | undefined {
  const syscall = group.syscall;
  if (!syscall) return undefined;
  const identity = syscallOf(syscall);
  const operation = identity.kind === 'named' ? identity.name : undefined;
  const items = pathItems(group, syscall, operation);
  if (items.length === 0) return undefined;

  const target = (nametype: string) => items.find((item) => item.nametype === nametype);
  const deleted = target('DELETE');
  const created = target('CREATE');
  let category: EventCategory = 'file_access';
  let subject: PathItem | undefined;
  let renamedTo: PathItem | undefined;
  if (operation !== undefined && RENAME_SYSCALLS.has(operation) && deleted && created) {
    category = 'file_rename';
    subject = deleted;
    renamedTo = created;
  } else if (operation !== undefined && DELETE_SYSCALLS.has(operation) && deleted) {
    category = 'file_delete';
    subject = deleted;
  } else if (created) {
    category = 'file_event';
    subject = created;
  } else {
    subject = items.find((item) => item.nametype !== 'PARENT') ?? items[0];
  }

  const fields: EventFields = defined({
    ...processContextOf(group),
    CommandLine: proctitleCommandLine(group),
    // Sigma's file_rename: TargetFilename is the new path, SourceFilename the old one (as the EDR formats fill them).
    TargetFilename: renamedTo?.name ?? subject?.name,
    SourceFilename: renamedTo ? subject?.name : undefined,
    TargetFilenameNew: renamedTo?.name,
    FileOperation: operation,
    AuditKey: auditKeyOf(syscall),
    Partial: group.overflow ? true : undefined,
  });
  return linuxEventOf(group, category, fields);
}

/**
 * The first watch or rule key of a SYSCALL record. One rule may carry several keys: the kernel joins them with
 * 0x01 and, that being a control byte, writes the whole value hex-encoded.
 */
export function auditKeyOf(syscall: AuditRecord | undefined): string | undefined {
  const keys = decodeUntrusted(syscall?.fields.get('key'));
  const first = keys?.split('\x01')[0];
  return first === undefined || first === '' ? undefined : first;
}

/** The PATH records in item order, each name resolved as far as the record allows. */
function pathItems(group: AuditGroup, syscall: AuditRecord, operation: string | undefined): PathItem[] {
  const cwd = decodeUntrusted(group.cwd?.fields.get('cwd'));
  const relativeToCwd =
    operation === undefined ||
    !AT_SYSCALLS.has(operation) ||
    AT_FDCWD.has((syscall.fields.get('a0')?.text ?? '').toLowerCase());
  const items: { item: number; path: PathItem }[] = [];
  for (const record of group.paths) {
    const name = decodeUntrusted(record.fields.get('name'));
    if (name === undefined || name === '') continue;
    const nametype = record.fields.get('nametype')?.text ?? 'UNKNOWN';
    const item = Number(record.fields.get('item')?.text ?? Number.NaN);
    items.push({
      item: Number.isSafeInteger(item) ? item : Number.MAX_SAFE_INTEGER,
      path: { name: deviceName(record) ?? resolve(name, relativeToCwd ? cwd : undefined), nametype },
    });
  }
  return items.sort((a, b) => a.item - b.item).map((entry) => entry.path);
}

/**
 * An absolute name normalised (`//dev/./kvm` and `/tmp/../dev/kvm` are `/dev/kvm` to the kernel, and must be to a
 * rule too); a relative one joined to the working directory when the call resolved it from there.
 */
function resolve(name: string, cwd: string | undefined): string {
  if (name.startsWith('/')) return posix.normalize(name);
  if (cwd?.startsWith('/')) return posix.join(cwd, name);
  return name;
}

/** The canonical /dev name of a well-known character device, whatever name it was opened by. */
function deviceName(record: AuditRecord): string | undefined {
  const mode = record.fields.get('mode')?.text;
  if (mode === undefined || !CHAR_DEVICE_MODE.test(mode)) return undefined;
  return MISC_DEVICES.get((record.fields.get('rdev')?.text ?? '').toLowerCase());
}
