/**
 * A reader for the subset of auditctl(8) rule syntax vmsentry ships (config/auditd/*.rules): file watches
 * (`-w PATH -p PERMS -k KEY`), syscall rules (`-a LIST,ACTION -F FIELD=VALUE -S NAME[,NAME] -k KEY`) and the control
 * options. It refuses what auditctl refuses for these forms, so a typo in the shipped file fails a test instead of
 * failing `augenrules --load` on a customer's host.
 */

export interface WatchRule {
  readonly kind: 'watch';
  readonly line: number;
  readonly path: string;
  readonly perms: string;
  readonly keys: readonly string[];
}

export interface SyscallRule {
  readonly kind: 'syscall';
  readonly line: number;
  readonly list: string;
  readonly action: string;
  readonly fields: readonly { readonly name: string; readonly op: string; readonly value: string }[];
  readonly syscalls: readonly string[];
  readonly keys: readonly string[];
}

export type AuditRule = WatchRule | SyscallRule | { readonly kind: 'control'; readonly line: number };

export type RulesResult =
  | { readonly ok: true; readonly rules: readonly AuditRule[] }
  | { readonly ok: false; readonly line: number; readonly reason: string };

const LISTS = new Set(['exit', 'task', 'user', 'exclude', 'filesystem', 'io_uring']);
const ACTIONS = new Set(['always', 'never']);
const CONTROL_WITH_VALUE = new Set(['-b', '-f', '-e', '-r', '--backlog_wait_time', '--reset-lost']);
const CONTROL_ALONE = new Set(['-D', '-i', '-c', '--loginuid-immutable']);
const FIELD = /^([a-z_0-9]+)(!=|<=|>=|&=|=|<|>|&)(.+)$/;
const KEY = /^[\x21-\x7e]{1,256}$/;
/** Watch permissions: read, write, execute, attribute change. */
const PERMS = /^[rwxa]{1,4}$/;

export function parseAuditRules(text: string): RulesResult {
  const rules: AuditRule[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const trimmed = (lines[index] ?? '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const parsed = parseLine(trimmed.split(/\s+/), index + 1);
    if ('reason' in parsed) return { ok: false, line: index + 1, reason: parsed.reason };
    rules.push(parsed);
  }
  return { ok: true, rules };
}

function parseLine(tokens: readonly string[], line: number): AuditRule | { reason: string } {
  const first = tokens[0] ?? '';
  if (CONTROL_ALONE.has(first))
    return tokens.length === 1 ? { kind: 'control', line } : { reason: `${first} takes no value` };
  if (CONTROL_WITH_VALUE.has(first)) {
    return tokens.length === 2 && /^\d+$/.test(tokens[1] ?? '')
      ? { kind: 'control', line }
      : { reason: `${first} needs one number` };
  }
  if (first === '-w') return parseWatch(tokens, line);
  if (first === '-a' || first === '-A') return parseSyscall(tokens, line);
  return { reason: `unknown option ${first}` };
}

function parseWatch(tokens: readonly string[], line: number): WatchRule | { reason: string } {
  let path: string | undefined;
  let perms = 'rwxa';
  const keys: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const option = tokens[i];
    const value = tokens[i + 1];
    if (value === undefined) return { reason: `${option} needs a value` };
    if (option === '-w') path = value;
    else if (option === '-p') {
      if (!PERMS.test(value)) return { reason: `bad watch permissions ${value}` };
      perms = value;
    } else if (option === '-k') {
      if (!KEY.test(value)) return { reason: `bad key ${value}` };
      keys.push(value);
    } else return { reason: `${option} cannot be used with -w` };
  }
  if (path === undefined || !path.startsWith('/')) return { reason: 'a watch needs an absolute path' };
  return { kind: 'watch', line, path, perms, keys };
}

function parseSyscall(tokens: readonly string[], line: number): SyscallRule | { reason: string } {
  const [a, b] = (tokens[1] ?? '').split(',');
  const list = LISTS.has(a ?? '') ? a : b;
  const action = ACTIONS.has(a ?? '') ? a : b;
  if (list === undefined || action === undefined || !LISTS.has(list) || !ACTIONS.has(action) || a === b) {
    return { reason: `-a needs LIST,ACTION, got ${tokens[1] ?? 'nothing'}` };
  }
  const fields: { name: string; op: string; value: string }[] = [];
  const syscalls: string[] = [];
  const keys: string[] = [];
  for (let i = 2; i < tokens.length; i += 2) {
    const option = tokens[i];
    const value = tokens[i + 1];
    if (value === undefined) return { reason: `${option} needs a value` };
    if (option === '-F') {
      const field = FIELD.exec(value);
      if (!field) return { reason: `bad field ${value}` };
      fields.push({ name: field[1] ?? '', op: field[2] ?? '', value: field[3] ?? '' });
    } else if (option === '-S') {
      // auditctl resolves syscall names against the arch given so far: -F arch must come first.
      if (!fields.some((field) => field.name === 'arch')) return { reason: '-F arch= must come before -S' };
      for (const name of value.split(',')) {
        if (!/^[a-z_0-9]+$/.test(name)) return { reason: `bad syscall name ${name}` };
        syscalls.push(name);
      }
    } else if (option === '-k') {
      if (!KEY.test(value)) return { reason: `bad key ${value}` };
      keys.push(value);
    } else return { reason: `unknown option ${option}` };
  }
  if (
    list === 'exit' &&
    syscalls.length === 0 &&
    !fields.some((field) => field.name === 'path' || field.name === 'dir')
  ) {
    return { reason: 'an exit rule needs -S or a path/dir field' };
  }
  return { kind: 'syscall', line, list, action, fields, syscalls, keys };
}
