import type { EventFields } from './fields';
import type { FormatName } from './formats';
import type { HostIdentity } from './host';
import type { RecordPosition } from './position';

export type Platform = 'windows' | 'linux' | 'macos' | 'kubernetes' | 'aws';

/**
 * What happened, in Sigma logsource terms. Rules are routed by it: a process_creation rule is only offered
 * process events.
 */
export type EventCategory =
  | 'process_creation' // a process started
  | 'ps_script' // a PowerShell script block ran
  | 'service_install' // a service or driver was installed (Windows 7045)
  | 'container_launch' // a container or pod was started or requested with its security settings
  | 'container_exec' // someone exec'd/attached into a running container or pod
  | 'cloud_api' // another control-plane call worth keeping (task definition registered, ...)
  | 'alert'; // a third-party detection (Falco) carried through

/** Provenance: the format that parsed it and where the record sat. */
export interface Provenance extends RecordPosition {
  readonly format: FormatName;
  /** The source's own record id (EventRecordID, audit serial, k8s auditID, CloudTrail eventID, EDR event id). */
  readonly recordId?: string;
}

/**
 * The one event model every parser produces and every rule reads.
 * `fields` hold the Sigma-named values; `raw` keeps the source object (parsed JSON or a map of the XML/audit
 * fields) so rules written against the source's own field names (CloudTrail `eventName`, Kubernetes
 * `objectRef.resource`) still work, and so alerts can show a bounded excerpt.
 */
export interface NormalizedEvent {
  readonly category: EventCategory;
  readonly platform: Platform;
  /** Event time, ISO 8601 UTC. */
  readonly time: string;
  /** Event time in epoch milliseconds (derived from `time`, kept for windows and ordering). */
  readonly timeMs: number;
  readonly host: HostIdentity;
  readonly provenance: Provenance;
  readonly fields: EventFields;
  /** Source record, for source-native field lookups and excerpts. Never mutated. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** The earliest event time believed: the Unix epoch. Nothing we read was logged before it. */
export const EARLIEST_EVENT_MS = 0;
/** The latest event time believed: the end of year 9999, so every time has a four-digit year and room for arithmetic. */
export const LATEST_EVENT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Whether a record's own time can be believed. Anything outside 1970..9999 is a broken clock or a forged line
 * (`+275760-09-13` is the last instant a Date can hold: adding a minute to it throws); parsers then time the event
 * by its delivery instead.
 */
export function isPlausibleEventTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_EVENT_MS && ms <= LATEST_EVENT_MS;
}
