import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined, hostOf, provenanceOf, timeOf } from '../common';
import { execveArgs } from './audit-execve';
import type { AuditGroup } from './audit-group';
import { execKind } from './audit-group';
import type { AuditRecord } from './audit-record';
import { decodeUntrusted, proctitleArgs } from './audit-values';
import { joinCommandLine } from './command-line';
import { setOwn } from './own-record';

/** auid of a process no login ever set ((uid_t)-1). */
const UNSET_AUID = new Set(['4294967295', '-1']);

/** Fields whose unquoted values are hex-encoded untrusted strings (decoded in `raw` too, for rule authors). */
const UNTRUSTED_FIELDS = new Set(['comm', 'exe', 'cwd', 'name', 'proctitle', 'key', 'ocomm', 'path', 'data', 'cmd']);
const EXECVE_ARGUMENT = /^a\d{1,9}(?:\[\d{1,9}\])?$/;

/**
 * The process_creation event of one grouped execve, or undefined when the group is not a (successful) execve or
 * carries neither a SYSCALL nor an EXECVE record to say what ran.
 */
export function processEventOf(group: AuditGroup): NormalizedEvent | undefined {
  const kind = group.syscall ? execKind(group.syscall) : 'unknown';
  if (kind === 'not-exec') return undefined;
  if (kind === 'unknown' && group.execve.length === 0) return undefined;

  const fromExecve = group.execve.length > 0 ? execveArgs(group.execve) : undefined;
  const args = fromExecve?.args ?? proctitleArgs(group.proctitle?.fields.get('proctitle'));
  const partial = fromExecve === undefined || fromExecve.partial || group.overflow || !group.syscall;

  const fields: EventFields = defined({
    ...processContextOf(group),
    Image: decodeUntrusted(group.syscall?.fields.get('exe')) ?? firstPathName(group),
    CommandLine: args && args.length > 0 ? joinCommandLine(args) : undefined,
    Args: args && args.length > 0 ? args : undefined,
    CurrentDirectory: decodeUntrusted(group.cwd?.fields.get('cwd')),
    Partial: partial ? true : undefined,
  });
  return linuxEventOf(group, 'process_creation', fields);
}

/** Who did it, from the SYSCALL record: the process image, ids and users, as every auditd event carries them. */
export function processContextOf(group: AuditGroup): EventFields {
  const syscall = group.syscall;
  const uid = syscall?.fields.get('uid')?.text;
  const auid = syscall?.fields.get('auid')?.text;
  const loginUser = auid === undefined || UNSET_AUID.has(auid) ? undefined : (syscall?.enriched.get('AUID') ?? auid);
  return defined({
    Image: decodeUntrusted(syscall?.fields.get('exe')),
    ProcessId: numberOf(syscall?.fields.get('pid')?.text),
    ParentProcessId: numberOf(syscall?.fields.get('ppid')?.text),
    User: syscall?.enriched.get('UID') ?? uid,
    UserId: uid,
    LoginUser: loginUser,
  });
}

/** The acting process's command line from PROCTITLE (the kernel keeps its first 128 bytes; the process can rewrite it). */
export function proctitleCommandLine(group: AuditGroup): string | undefined {
  const title = proctitleArgs(group.proctitle?.fields.get('proctitle'));
  return title && title.length > 0 ? joinCommandLine(title) : undefined;
}

/** The normalized event of a group: time from the audit id, host from node= or the stream, the records as raw. */
export function linuxEventOf(
  group: AuditGroup,
  category: EventCategory,
  fields: EventFields,
): NormalizedEvent | undefined {
  // The audit timestamp is exact epoch ms; an ISO string keeps timeOf from guessing its unit by magnitude.
  const time = timeOf(new Date(group.timeMs).toISOString(), group.firstInput);
  if (!time) return undefined;
  return {
    category,
    platform: 'linux',
    time: time.time,
    timeMs: time.timeMs,
    host: hostOf(group.firstInput, { hostname: group.node }),
    provenance: provenanceOf(group.firstInput, 'auditd', group.eventId),
    fields,
    raw: rawOf(group),
  };
}

/** The key/value maps of the group's records, untrusted values decoded, enriched values beside the raw ones. */
function rawOf(group: AuditGroup): Readonly<Record<string, unknown>> {
  const raw: Record<string, unknown> = defined({
    node: group.node,
    event: group.eventId,
    SYSCALL: group.syscall ? mapOf(group.syscall) : undefined,
    EXECVE: group.execve.length > 0 ? mapOf(...group.execve) : undefined,
    CWD: group.cwd ? mapOf(group.cwd) : undefined,
    PATH: group.paths.length > 0 ? group.paths.map((path) => mapOf(path)) : undefined,
    PROCTITLE: group.proctitle ? mapOf(group.proctitle) : undefined,
    KERN_MODULE: group.kernModule ? mapOf(group.kernModule) : undefined,
  });
  return raw;
}

/** One map of the records' fields (several records of one type merge, first value wins). */
function mapOf(...records: AuditRecord[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const record of records) {
    for (const [key, value] of record.fields) {
      if (Object.hasOwn(merged, key)) continue;
      const decode = UNTRUSTED_FIELDS.has(key) || (record.type === 'EXECVE' && EXECVE_ARGUMENT.test(key));
      const text = decode ? (decodeUntrusted(value) ?? value.text) : value.text;
      // PROCTITLE separates arguments with NULs; ausearch -i shows spaces, and so do we.
      setOwn(merged, key, key === 'proctitle' ? text.replaceAll('\0', ' ') : text);
    }
    for (const [key, value] of record.enriched) if (!Object.hasOwn(merged, key)) setOwn(merged, key, value);
  }
  return merged;
}

/** Without SYSCALL, the path execve was given (PATH item 0) is the best image we have. */
function firstPathName(group: AuditGroup): string | undefined {
  const item = group.paths.find((path) => path.fields.get('item')?.text === '0');
  const name = decodeUntrusted(item?.fields.get('name'));
  return name?.startsWith('/') ? name : undefined;
}

export function numberOf(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}
