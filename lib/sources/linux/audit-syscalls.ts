import type { AuditRecord } from './audit-record';

/**
 * Syscall names for the numbers a raw SYSCALL record carries (`arch=c000003e syscall=257`). Only the syscalls the
 * auditd parser turns into events are listed: exec, kernel-module loads and the path-taking file syscalls. The
 * ENRICHED log format names the syscall itself (`SYSCALL=openat`) and is preferred over this table.
 */
type Table = Readonly<Record<string, number>>;

/** Generic syscall table (asm-generic/unistd.h), shared by aarch64 and riscv64: no legacy non-*at calls. */
const GENERIC: Table = {
  execve: 221,
  execveat: 281,
  init_module: 105,
  finit_module: 273,
  delete_module: 106,
  openat: 56,
  openat2: 437,
  open_by_handle_at: 265,
  truncate: 45,
  unlinkat: 35,
  renameat: 38,
  renameat2: 276,
  mknodat: 33,
  mkdirat: 34,
  fchmodat: 53,
  fchownat: 54,
  linkat: 37,
  symlinkat: 36,
};

/** i386 and 32-bit arm share the legacy numbers below 200 and differ for the *at family. */
const LEGACY_32: Table = {
  open: 5,
  creat: 8,
  link: 9,
  unlink: 10,
  execve: 11,
  mknod: 14,
  chmod: 15,
  rename: 38,
  mkdir: 39,
  rmdir: 40,
  symlink: 83,
  truncate: 92,
  init_module: 128,
  delete_module: 129,
  chown32: 212,
  lchown32: 198,
  openat2: 437,
};

const TABLES: ReadonlyMap<string, Table> = new Map<string, Table>([
  [
    'c000003e', // x86_64
    {
      execve: 59,
      execveat: 322,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      open: 2,
      creat: 85,
      openat: 257,
      openat2: 437,
      open_by_handle_at: 304,
      truncate: 76,
      unlink: 87,
      unlinkat: 263,
      rmdir: 84,
      rename: 82,
      renameat: 264,
      renameat2: 316,
      mknod: 133,
      mknodat: 259,
      mkdir: 83,
      mkdirat: 258,
      chmod: 90,
      fchmodat: 268,
      chown: 92,
      fchownat: 260,
      lchown: 94,
      link: 86,
      linkat: 265,
      symlink: 88,
      symlinkat: 266,
    },
  ],
  ['c00000b7', GENERIC], // aarch64
  ['c00000f3', GENERIC], // riscv64
  [
    '40000003', // i386
    {
      ...LEGACY_32,
      openat: 295,
      mkdirat: 296,
      mknodat: 297,
      fchownat: 298,
      unlinkat: 301,
      renameat: 302,
      linkat: 303,
      symlinkat: 304,
      fchmodat: 306,
      open_by_handle_at: 342,
      finit_module: 350,
      renameat2: 353,
      execveat: 358,
    },
  ],
  [
    '40000028', // arm (EABI)
    {
      ...LEGACY_32,
      openat: 322,
      mkdirat: 323,
      mknodat: 324,
      fchownat: 325,
      unlinkat: 328,
      renameat: 329,
      linkat: 330,
      symlinkat: 331,
      fchmodat: 333,
      open_by_handle_at: 371,
      finit_module: 379,
      renameat2: 382,
      execveat: 387,
    },
  ],
]);

/** Number → name per arch, built once from the tables above. */
const BY_NUMBER: ReadonlyMap<string, ReadonlyMap<number, string>> = new Map(
  [...TABLES].map(([arch, table]) => [
    arch,
    new Map(Object.entries(table).map(([name, number]) => [number, name] as const)),
  ]),
);

/**
 * What a SYSCALL record says about the call: its name when the ENRICHED format or the table names it; `unlisted`
 * when the arch is known but the number is none we use; `unknown` when neither the record nor the table can tell.
 */
export type SyscallIdentity =
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'unlisted' }
  | { readonly kind: 'unknown' };

export function syscallOf(syscall: AuditRecord): SyscallIdentity {
  const enriched = syscall.enriched.get('SYSCALL');
  if (enriched !== undefined && /^[a-z_0-9]{1,40}$/.test(enriched)) return { kind: 'named', name: enriched };
  const numbers = BY_NUMBER.get((syscall.fields.get('arch')?.text ?? '').toLowerCase());
  const number = syscall.fields.get('syscall')?.text;
  if (!numbers || number === undefined || !/^\d{1,6}$/.test(number)) return { kind: 'unknown' };
  const name = numbers.get(Number(number));
  return name === undefined ? { kind: 'unlisted' } : { kind: 'named', name };
}

/** The number of a syscall on an arch (AUDIT_ARCH_* in hex, as auditd prints it), when the table lists it. */
export function syscallNumberOf(arch: string, name: string): number | undefined {
  const table = TABLES.get(arch.toLowerCase());
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

export const EXEC_SYSCALLS: ReadonlySet<string> = new Set(['execve', 'execveat']);
/** Syscalls that load a kernel module; delete_module unloads and is no load. */
export const MODULE_LOAD_SYSCALLS: ReadonlySet<string> = new Set(['init_module', 'finit_module']);
/** Syscalls that remove a name. */
export const DELETE_SYSCALLS: ReadonlySet<string> = new Set(['unlink', 'unlinkat', 'rmdir']);
/** Syscalls that move a name. */
export const RENAME_SYSCALLS: ReadonlySet<string> = new Set(['rename', 'renameat', 'renameat2']);
