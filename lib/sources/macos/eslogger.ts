import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, isRecord, path, prop, provenanceOf, str, timeOf } from '../common';
import { joinCommandLine } from '../linux/command-line';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';

/** ES_EVENT_TYPE_NOTIFY_EXEC in Endpoint Security's es_event_type_t (eslogger only emits NOTIFY events). */
const NOTIFY_EXEC = 9;

/** What a non-exec event says: its category and the file or kext it names, or why it cannot be read. */
type Subject = { readonly category: EventCategory; readonly fields: EventFields } | { readonly missing: string };

/**
 * The file and kext events a rule needs, by es_event_type_t number: the key eslogger names the event body by
 * (`event.create`, ...) and how to read it (es_event_create_t, es_event_write_t, ... in EndpointSecurity/ESMessage.h).
 * A write modifies content (file_change); create names a new file (file_event).
 */
const OTHER_EVENTS: ReadonlyMap<number, { readonly key: string; readonly read: (body: unknown) => Subject }> = new Map([
  [
    10,
    {
      key: 'open',
      read: (body) => fileSubject('file_access', 'open', path(body, 'file', 'path'), 'event.open.file.path'),
    },
  ],
  [
    13,
    {
      key: 'create',
      read: (body) => fileSubject('file_event', 'create', destinationOf(body), 'event.create.destination'),
    },
  ],
  [17, { key: 'kextload', read: kextSubject }],
  [25, { key: 'rename', read: renameSubject }],
  [
    32,
    {
      key: 'unlink',
      read: (body) => fileSubject('file_delete', 'unlink', path(body, 'target', 'path'), 'event.unlink.target.path'),
    },
  ],
  [
    33,
    {
      key: 'write',
      read: (body) => fileSubject('file_change', 'write', path(body, 'target', 'path'), 'event.write.target.path'),
    },
  ],
]);
/** auid of a process no login ever set (AU_DEFAUDITID). */
const UNSET_AUID = 4294967295;

/**
 * macOS Endpoint Security events as eslogger prints them: one JSON object per line, modelled on es_message_t.
 * For an exec, `event.exec.target` is the new image and `process` is the process that called exec (after fork, the
 * parent's image), so it supplies ParentImage. For file and kext events (OTHER_EVENTS) `process` is the actor: it
 * supplies Image. eslogger carries no hostname: the host identity comes from the envelope (the log stream).
 */
class EsloggerParser implements RecordParser {
  readonly format = 'eslogger' as const;

  sniff(input: RecordInput): boolean {
    const json = input.json;
    return (
      json !== undefined &&
      typeof prop(json, 'event_type') === 'number' &&
      isRecord(prop(json, 'event')) &&
      (prop(json, 'mach_time') !== undefined || prop(json, 'global_seq_num') !== undefined)
    );
  }

  parse(input: RecordInput): ParseOutcome {
    const json = input.json;
    if (json === undefined) return failure(input, 'eslogger', 'invalid-record', 'eslogger record is not a JSON object');
    const eventType = prop(json, 'event_type');
    if (typeof eventType !== 'number') return failure(input, 'eslogger', 'missing-field', 'no numeric event_type');
    if (eventType !== NOTIFY_EXEC) return parseOther(input, json, eventType);

    const exec = path(json, 'event', 'exec');
    if (!isRecord(exec)) return failure(input, 'eslogger', 'missing-field', 'exec event without event.exec');
    const target = prop(exec, 'target');
    const image = str(path(target, 'executable', 'path'));
    if (image === undefined) {
      return failure(input, 'eslogger', 'missing-field', 'exec event without event.exec.target.executable.path');
    }
    const time = timeOf(prop(json, 'time'), input);
    if (!time) return failure(input, 'eslogger', 'missing-field', 'exec event without a usable time');

    const instigator = prop(json, 'process');
    const args = argsOf(prop(exec, 'args'));
    const euid = tokenNumber(target, 'euid');
    const auid = tokenNumber(target, 'auid');
    const fields: EventFields = defined({
      Image: image,
      CommandLine: args.length > 0 ? joinCommandLine(args) : undefined,
      Args: args.length > 0 ? args : undefined,
      CurrentDirectory: str(path(exec, 'cwd', 'path')),
      ProcessId: tokenNumber(target, 'pid'),
      ParentImage: str(path(instigator, 'executable', 'path')),
      ParentProcessId:
        numberOf(prop(target, 'ppid')) ??
        tokenNumber(target, 'pid', 'parent_audit_token') ??
        numberOf(prop(instigator, 'ppid')),
      UserId: euid !== undefined ? String(euid) : undefined,
      LoginUser: auid !== undefined && auid !== UNSET_AUID ? String(auid) : undefined,
      Signer: signerOf(target),
    });
    const seq = str(prop(json, 'global_seq_num'));
    const event: NormalizedEvent = {
      category: 'process_creation',
      platform: 'macos',
      time: time.time,
      timeMs: time.timeMs,
      host: hostOf(input, {}),
      provenance: provenanceOf(input, 'eslogger', seq),
      fields,
      raw: withoutEnvironment(json, exec),
    };
    return ok([event]);
  }
}

/** A file or kext event (OTHER_EVENTS); other event types (fork, exit, ...) are valid and produce nothing. */
function parseOther(input: RecordInput, json: Readonly<Record<string, unknown>>, eventType: number): ParseOutcome {
  const kind = OTHER_EVENTS.get(eventType);
  if (kind === undefined) return NOTHING;
  const body = path(json, 'event', kind.key);
  if (!isRecord(body))
    return failure(input, 'eslogger', 'missing-field', `${kind.key} event without event.${kind.key}`);
  const subject = kind.read(body);
  if ('missing' in subject)
    return failure(input, 'eslogger', 'missing-field', `${kind.key} event without ${subject.missing}`);
  const time = timeOf(prop(json, 'time'), input);
  if (!time) return failure(input, 'eslogger', 'missing-field', `${kind.key} event without a usable time`);
  const actor = prop(json, 'process');
  const euid = tokenNumber(actor, 'euid');
  const auid = tokenNumber(actor, 'auid');
  const fields: EventFields = defined({
    ...subject.fields,
    Image: str(path(actor, 'executable', 'path')),
    ProcessId: tokenNumber(actor, 'pid'),
    ParentProcessId: numberOf(prop(actor, 'ppid')),
    UserId: euid !== undefined ? String(euid) : undefined,
    LoginUser: auid !== undefined && auid !== UNSET_AUID ? String(auid) : undefined,
    Signer: signerOf(actor),
  });
  const event: NormalizedEvent = {
    category: subject.category,
    platform: 'macos',
    time: time.time,
    timeMs: time.timeMs,
    host: hostOf(input, {}),
    provenance: provenanceOf(input, 'eslogger', str(prop(json, 'global_seq_num'))),
    fields,
    raw: json,
  };
  return ok([event]);
}

function fileSubject(category: EventCategory, operation: string, target: unknown, where: string): Subject {
  const name = str(target);
  return name === undefined
    ? { missing: where }
    : { category, fields: { TargetFilename: name, FileOperation: operation } };
}

/**
 * A create's or rename's destination: an existing file (destination_type 0, `existing_file`) or a new path
 * (destination_type 1, `new_path`: the directory and the new file's name).
 */
function destinationOf(body: unknown): string | undefined {
  const destination = prop(body, 'destination');
  const existing = str(path(destination, 'existing_file', 'path'));
  if (existing !== undefined) return existing;
  const dir = str(path(destination, 'new_path', 'dir', 'path'));
  const filename = str(path(destination, 'new_path', 'filename'));
  if (dir === undefined || filename === undefined) return undefined;
  return dir.endsWith('/') ? `${dir}${filename}` : `${dir}/${filename}`;
}

function renameSubject(body: unknown): Subject {
  const source = str(path(body, 'source', 'path'));
  if (source === undefined) return { missing: 'event.rename.source.path' };
  const destination = destinationOf(body);
  if (destination === undefined) return { missing: 'event.rename.destination' };
  return {
    category: 'file_rename',
    // Sigma's file_rename: TargetFilename is the new path, SourceFilename the old one.
    fields: {
      TargetFilename: destination,
      SourceFilename: source,
      TargetFilenameNew: destination,
      FileOperation: 'rename',
    },
  };
}

/** A kext names no file: its bundle identifier (org.virtualbox.kext.VBoxDrv) is what was loaded. */
function kextSubject(body: unknown): Subject {
  const identifier = str(prop(body, 'identifier'));
  return identifier === undefined
    ? { missing: 'event.kextload.identifier' }
    : { category: 'driver_load', fields: { ImageLoaded: identifier } };
}

/** The argument vector; non-string entries (never written by eslogger) are dropped rather than stringified. */
function argsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((arg): arg is string => typeof arg === 'string') : [];
}

function tokenNumber(process: unknown, key: string, token = 'audit_token'): number | undefined {
  return numberOf(path(process, token, key));
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** `signing_id (team_id)`; platform binaries have no team id. */
function signerOf(process: unknown): string | undefined {
  const signingId = str(prop(process, 'signing_id'));
  const teamId = str(prop(process, 'team_id'));
  if (signingId === undefined) return teamId;
  return teamId === undefined ? signingId : `${signingId} (${teamId})`;
}

/**
 * The record for `raw`, minus the exec's environment: eslogger copies the whole environment of the new process,
 * which routinely holds tokens and keys that must not travel into alerts.
 */
function withoutEnvironment(json: Readonly<Record<string, unknown>>, exec: Record<string, unknown>) {
  if (!Object.hasOwn(exec, 'env')) return json;
  const { env: _env, ...rest } = exec;
  return { ...json, event: { ...(prop(json, 'event') as Record<string, unknown>), exec: rest } };
}

export const esloggerParser: ParserFactory = {
  format: 'eslogger',
  description:
    'macOS Endpoint Security events as eslogger prints them (JSON lines): exec, open, create, write, rename, unlink, kextload',
  create: () => new EsloggerParser(),
};
