import type { EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, isRecord, path, prop, provenanceOf, str, timeOf } from '../common';
import { joinCommandLine } from '../linux/command-line';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';

/** ES_EVENT_TYPE_NOTIFY_EXEC in Endpoint Security's es_event_type_t (eslogger only emits NOTIFY events). */
const NOTIFY_EXEC = 9;
/** auid of a process no login ever set (AU_DEFAUDITID). */
const UNSET_AUID = 4294967295;

/**
 * macOS Endpoint Security events as `eslogger exec` prints them: one JSON object per line, modelled on
 * es_message_t. For an exec, `event.exec.target` is the new image and `process` is the process that called exec
 * (after fork, the parent's image), so it supplies ParentImage. eslogger carries no hostname: the host identity comes
 * from the envelope (the log stream).
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
    if (eventType !== NOTIFY_EXEC) return NOTHING;

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
  description: 'macOS Endpoint Security exec events as `eslogger exec` prints them (JSON lines)',
  create: () => new EsloggerParser(),
};
