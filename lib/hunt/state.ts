import type { TimeRange } from './time';

/** Where one log group's hunt stands. */
export interface GroupProgress {
  readonly done: boolean;
  /** FilterLogEvents nextToken to continue from. */
  readonly nextToken?: string;
  /** Latest event time processed (epoch ms). */
  readonly lastTimestampMs?: number;
  /** Set when a stale token forced a restart of the group at its last event time (events are in time order). */
  readonly resumeFromMs?: number;
  readonly events: number;
  readonly pages: number;
}

/** The `--state FILE` content: the resolved range (relative times are fixed at the first run) and progress per group. */
export interface HuntState {
  readonly version: 1;
  readonly range: TimeRange;
  readonly groups: Readonly<Record<string, GroupProgress>>;
}

export function emptyState(range: TimeRange): HuntState {
  return { version: 1, range, groups: {} };
}

export function withProgress(state: HuntState, logGroup: string, progress: GroupProgress): HuntState {
  return { ...state, groups: { ...state.groups, [logGroup]: progress } };
}

export function progressOf(state: HuntState, logGroup: string): GroupProgress {
  return state.groups[logGroup] ?? { done: false, events: 0, pages: 0 };
}

export type StateParse = { ok: true; state: HuntState } | { ok: false; reason: string };

/** Strict read of a state file: anything unexpected is an error, never a silently restarted hunt. */
export function parseState(text: string): StateParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(value) || value['version'] !== 1) return { ok: false, reason: 'not a vmsentry hunt state (version 1)' };
  const range = value['range'];
  if (!isObject(range) || !isTime(range['startMs']) || !isTime(range['endMs']))
    return { ok: false, reason: 'range is missing' };
  const groups = value['groups'];
  if (!isObject(groups)) return { ok: false, reason: 'groups is missing' };
  const parsed: Record<string, GroupProgress> = {};
  for (const [name, entry] of Object.entries(groups)) {
    if (
      !isObject(entry) ||
      typeof entry['done'] !== 'boolean' ||
      !isCount(entry['events']) ||
      !isCount(entry['pages'])
    ) {
      return { ok: false, reason: `progress of ${name.slice(0, 100)} is malformed` };
    }
    const token = entry['nextToken'];
    const last = entry['lastTimestampMs'];
    const resume = entry['resumeFromMs'];
    if (resume !== undefined && !isTime(resume))
      return { ok: false, reason: `resumeFromMs of ${name.slice(0, 100)} is not a time` };
    if (token !== undefined && typeof token !== 'string')
      return { ok: false, reason: `nextToken of ${name.slice(0, 100)} is not a string` };
    if (last !== undefined && !isTime(last))
      return { ok: false, reason: `lastTimestampMs of ${name.slice(0, 100)} is not a time` };
    parsed[name] = {
      done: entry['done'],
      events: entry['events'],
      pages: entry['pages'],
      ...(typeof token === 'string' ? { nextToken: token } : {}),
      ...(typeof last === 'number' ? { lastTimestampMs: last } : {}),
      ...(typeof resume === 'number' ? { resumeFromMs: resume } : {}),
    };
  }
  return {
    ok: true,
    state: {
      version: 1,
      range: { startMs: range['startMs'] as number, endMs: range['endMs'] as number },
      groups: parsed,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
