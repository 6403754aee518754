import type { RecordInput } from '../parser';
import type { AuditRecord } from './audit-record';

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
    default:
      return;
  }
}

/** Record types that belong to an execve event and are grouped; EOE closes a group. */
export const GROUPED_TYPES: ReadonlySet<string> = new Set(['SYSCALL', 'EXECVE', 'CWD', 'PATH', 'PROCTITLE']);

/** Syscall numbers of execve and execveat per audit arch (AUDIT_ARCH_* as auditd prints it, in hex). */
const EXEC_SYSCALLS: ReadonlyMap<string, readonly number[]> = new Map([
  ['c000003e', [59, 322]], // x86_64
  ['c00000b7', [221, 281]], // aarch64
  ['c00000f3', [221, 281]], // riscv64 (generic table)
  ['40000003', [11, 358]], // i386
  ['40000028', [11, 387]], // arm (EABI)
]);

/**
 * Is this SYSCALL record a successful execve/execveat? `unknown` when neither the enriched name nor a known arch
 * tells; the caller then relies on the presence of an EXECVE record. A failed exec (`success=no`) started nothing.
 */
export function execKind(syscall: AuditRecord): 'exec' | 'not-exec' | 'unknown' {
  if (syscall.fields.get('success')?.text === 'no') return 'not-exec';
  const name = syscall.enriched.get('SYSCALL');
  if (name !== undefined) return name === 'execve' || name === 'execveat' ? 'exec' : 'not-exec';
  const numbers = EXEC_SYSCALLS.get((syscall.fields.get('arch')?.text ?? '').toLowerCase());
  const number = syscall.fields.get('syscall')?.text;
  if (!numbers || number === undefined || !/^\d{1,6}$/.test(number)) return 'unknown';
  return numbers.includes(Number(number)) ? 'exec' : 'not-exec';
}
