import type { RecordInput } from '../parser';
import type { AuditRecord } from './audit-record';
import { EXEC_SYSCALLS, MODULE_LOAD_SYSCALLS, syscallOf } from './audit-syscalls';

/** The records of one kernel event (same `msg=audit(ts:serial)`) seen so far in this batch. */
export interface AuditGroup {
  readonly key: string;
  readonly eventId: string;
  readonly timeMs: number;
  readonly node?: string;
  /** The first record's input: provenance and host fallback come from it. */
  readonly firstInput: RecordInput;
  syscall?: AuditRecord;
  readonly execve: AuditRecord[];
  cwd?: AuditRecord;
  readonly paths: AuditRecord[];
  proctitle?: AuditRecord;
  /** KERN_MODULE: the name of the module an init_module/finit_module loaded. */
  kernModule?: AuditRecord;
  /** Records were dropped because the group hit its bounds: the event is marked partial. */
  overflow: boolean;
}

/** Bounds for one group: a 2 MB argument list fills a few hundred EXECVE records; PATH items are few. */
const MAX_EXECVE_RECORDS = 512;
const MAX_PATH_RECORDS = 16;

export function newGroup(key: string, record: AuditRecord, input: RecordInput): AuditGroup {
  return {
    key,
    eventId: record.eventId,
    timeMs: record.timeMs,
    firstInput: input,
    execve: [],
    paths: [],
    overflow: false,
    ...(record.node !== undefined ? { node: record.node } : {}),
  };
}

/** Adds a record to its group; the first SYSCALL/CWD/PROCTITLE wins, repeated ones are ignored. */
export function addRecord(group: AuditGroup, record: AuditRecord): void {
  switch (record.type) {
    case 'SYSCALL':
      group.syscall ??= record;
      return;
    case 'EXECVE':
      if (group.execve.length < MAX_EXECVE_RECORDS) group.execve.push(record);
      else group.overflow = true;
      return;
    case 'CWD':
      group.cwd ??= record;
      return;
    case 'PATH':
      if (group.paths.length < MAX_PATH_RECORDS) group.paths.push(record);
      return;
    case 'PROCTITLE':
      group.proctitle ??= record;
      return;
    case 'KERN_MODULE':
      group.kernModule ??= record;
      return;
    default:
      return;
  }
}

/** Record types that belong to an event we read and are grouped; EOE closes a group. */
export const GROUPED_TYPES: ReadonlySet<string> = new Set([
  'SYSCALL',
  'EXECVE',
  'CWD',
  'PATH',
  'PROCTITLE',
  'KERN_MODULE',
]);

/**
 * What a group's SYSCALL makes of it:
 * - `exec`: a successful execve/execveat (a process_creation event);
 * - `module-load`: a successful init_module/finit_module (a driver_load event);
 * - `file`: any other successful syscall that named files (PATH records): opens, creates, deletes, renames,
 *   attribute changes caught by a watch (`-w /dev/kvm -k ...`) or a syscall rule;
 * - `unknown`: neither the enriched name nor a known arch tells the syscall; the caller then relies on the presence
 *   of an EXECVE record, as before;
 * - `none`: nothing we read (a failed call started, loaded or opened nothing; a call that named no files).
 */
export type GroupKind = 'exec' | 'module-load' | 'file' | 'unknown' | 'none';

export function groupKind(syscall: AuditRecord): GroupKind {
  if (syscall.fields.get('success')?.text === 'no') return 'none';
  const identity = syscallOf(syscall);
  if (identity.kind === 'unknown') return 'unknown';
  if (identity.kind === 'named' && EXEC_SYSCALLS.has(identity.name)) return 'exec';
  if (identity.kind === 'named' && MODULE_LOAD_SYSCALLS.has(identity.name)) return 'module-load';
  return syscall.fields.get('items')?.text === '0' ? 'none' : 'file';
}

/** Is this SYSCALL record a successful execve/execveat? Kept for the process_creation reader. */
export function execKind(syscall: AuditRecord): 'exec' | 'not-exec' | 'unknown' {
  const kind = groupKind(syscall);
  return kind === 'exec' || kind === 'unknown' ? kind : 'not-exec';
}
