import type { EventFields } from './fields';
import type { FormatName } from './formats';
import type { HostIdentity } from './host';
import type { RecordPosition } from './position';

/**
 * What happened, in Sigma logsource terms (https://sigmahq.io taxonomy). Rules are routed by it: a process_creation
 * rule is only offered process events. A table, so the model, the rule loader, the sample schema and the normalized
 * reader cannot disagree on the list.
 */
export const EVENT_CATEGORIES = [
  'process_creation', // a process started (Sysmon 1, Security 4688, auditd execve, EDR process events)
  'process_termination', // a process ended (Sysmon 5)
  'process_access', // a process opened another (Sysmon 10): GrantedAccess, CallTrace
  'process_tampering', // image replaced or hollowed (Sysmon 25)
  'create_remote_thread', // a thread started in another process (Sysmon 8)
  'raw_access_thread', // raw disk read (Sysmon 9)
  'network_connection', // a TCP/UDP connection (Sysmon 3, EDR network events)
  'dns_query', // a name looked up (Sysmon 22, EDR DNS events)
  'driver_load', // a kernel driver or module loaded (Sysmon 6, auditd init_module, EDR driver events)
  'image_load', // a DLL or shared library loaded (Sysmon 7, EDR module events)
  'file_event', // a file created or overwritten (Sysmon 11, EDR file-create events)
  'file_change', // a file's creation time changed (Sysmon 2) or its content modified (EDR)
  'file_delete', // a file deleted (Sysmon 23/26, EDR)
  'file_rename', // a file renamed (EDR)
  'file_access', // a file or device opened (auditd watches: /dev/kvm, /dev/vboxdrv)
  'file_executable_detected', // an executable written (Sysmon 29)
  'file_block_executable', // Sysmon 27
  'file_block_shredding', // Sysmon 28
  'create_stream_hash', // an alternate data stream written (Sysmon 15)
  'registry_add', // a key or value created (Sysmon 12 CreateKey)
  'registry_delete', // a key or value deleted (Sysmon 12 DeleteKey/DeleteValue)
  'registry_set', // a value set (Sysmon 13, Security 4657, EDR)
  'registry_rename', // a key or value renamed (Sysmon 14)
  'pipe_created', // a named pipe created or connected (Sysmon 17/18)
  'wmi_event', // a WMI filter, consumer or binding (Sysmon 19-21)
  'clipboard_capture', // Sysmon 24
  'sysmon_status', // Sysmon service state or config change (Sysmon 4, 16)
  'sysmon_error', // Sysmon 255
  'ps_script', // a PowerShell script block ran (4104)
  'ps_module', // a PowerShell pipeline ran, with resolved command names (4103 module logging)
  'ps_classic_start', // Windows PowerShell engine started (400)
  'ps_classic_provider_start', // Windows PowerShell provider started (600)
  'ps_classic_script', // Windows PowerShell pipeline execution details (800)
  'service_install', // a service or driver was installed (System 7045, Security 4697)
  'log_event', // any other event of a log: rules reach it by service or channel, not by a taxonomy category
  'container_launch', // a container or pod was started or requested with its security settings
  'container_exec', // someone exec'd/attached into a running container or pod
  'cloud_api', // another control-plane call worth keeping (task definition registered, ...)
  'alert', // a third-party detection (Falco) carried through
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

const CATEGORY_SET: ReadonlySet<string> = new Set(EVENT_CATEGORIES);
export function isEventCategory(value: unknown): value is EventCategory {
  return typeof value === 'string' && CATEGORY_SET.has(value);
}

/**
 * Sigma categories that name a family of ours: a `registry_event` rule sees every registry change (Sigma defines it
 * as Sysmon 12, 13 and 14 together).
 */
export const CATEGORY_FAMILIES: Readonly<Record<string, readonly EventCategory[]>> = {
  registry_event: ['registry_add', 'registry_delete', 'registry_set', 'registry_rename'],
};

export const PLATFORMS = ['windows', 'linux', 'macos', 'kubernetes', 'aws'] as const;
export type Platform = (typeof PLATFORMS)[number];

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
