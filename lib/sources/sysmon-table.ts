import type { EventCategory, EventFields } from '../model';
import { int } from './common';

/**
 * Sysmon, every event id as one row: its Sigma category and the value it cannot be without. One table for Sysmon on
 * Windows and Sysmon for Linux, which write the same event ids with the same EventData names. Sysmon's EventData
 * names are Sigma's field names, so values are copied under their own names (see SYSMON_TEXT_FIELDS).
 */
export interface SysmonRow {
  /** Sigma category, or a function of the event's EventType (event 12 is both registry_add and registry_delete). */
  readonly category: EventCategory | ((eventType: string | undefined) => EventCategory);
  /** What Sysmon calls the event, for reasons. */
  readonly label: string;
  /** The value every event of this id carries; without it the record is malformed. */
  readonly required?: keyof EventFields;
}

/** Sysmon 12 logs key and value creation and deletion: DeleteKey/DeleteValue are deletions, the rest additions. */
function registryAddOrDelete(eventType: string | undefined): EventCategory {
  return eventType !== undefined && /^Delete/i.test(eventType.trim()) ? 'registry_delete' : 'registry_add';
}

export const SYSMON_EVENTS: Readonly<Record<number, SysmonRow>> = {
  1: { category: 'process_creation', label: 'process creation', required: 'Image' },
  2: { category: 'file_change', label: 'file creation time changed', required: 'TargetFilename' },
  3: { category: 'network_connection', label: 'network connection', required: 'DestinationIp' },
  4: { category: 'sysmon_status', label: 'Sysmon service state changed' },
  5: { category: 'process_termination', label: 'process terminated', required: 'Image' },
  6: { category: 'driver_load', label: 'driver loaded', required: 'ImageLoaded' },
  7: { category: 'image_load', label: 'image loaded', required: 'ImageLoaded' },
  8: { category: 'create_remote_thread', label: 'CreateRemoteThread', required: 'TargetImage' },
  9: { category: 'raw_access_thread', label: 'raw access read', required: 'Image' },
  10: { category: 'process_access', label: 'process accessed', required: 'TargetImage' },
  11: { category: 'file_event', label: 'file created', required: 'TargetFilename' },
  12: { category: registryAddOrDelete, label: 'registry object added or deleted', required: 'TargetObject' },
  13: { category: 'registry_set', label: 'registry value set', required: 'TargetObject' },
  14: { category: 'registry_rename', label: 'registry object renamed', required: 'TargetObject' },
  15: { category: 'create_stream_hash', label: 'file stream created', required: 'TargetFilename' },
  16: { category: 'sysmon_status', label: 'Sysmon config state changed' },
  17: { category: 'pipe_created', label: 'pipe created', required: 'PipeName' },
  18: { category: 'pipe_created', label: 'pipe connected', required: 'PipeName' },
  19: { category: 'wmi_event', label: 'WmiEventFilter activity' },
  20: { category: 'wmi_event', label: 'WmiEventConsumer activity' },
  21: { category: 'wmi_event', label: 'WmiEventConsumerToFilter activity' },
  22: { category: 'dns_query', label: 'DNS query', required: 'QueryName' },
  23: { category: 'file_delete', label: 'file deleted (archived)', required: 'TargetFilename' },
  24: { category: 'clipboard_capture', label: 'clipboard changed' },
  25: { category: 'process_tampering', label: 'process tampering', required: 'Image' },
  26: { category: 'file_delete', label: 'file delete logged', required: 'TargetFilename' },
  27: { category: 'file_block_executable', label: 'file block executable', required: 'TargetFilename' },
  28: { category: 'file_block_shredding', label: 'file block shredding', required: 'TargetFilename' },
  29: { category: 'file_executable_detected', label: 'file executable detected', required: 'TargetFilename' },
  255: { category: 'sysmon_error', label: 'Sysmon error' },
};

/** Sysmon values that are numbers (process ids, ports): compared as numbers by rules (`DestinationPort: 443`). */
export const SYSMON_INT_FIELDS = [
  'ProcessId',
  'ParentProcessId',
  'SourcePort',
  'DestinationPort',
  'SourceProcessId',
  'TargetProcessId',
] as const satisfies readonly (keyof EventFields)[];

/** Sysmon values copied as text under their own (Sigma) names; "-" means no value. */
export const SYSMON_TEXT_FIELDS = [
  // process context (events 1, 3, 5, 7, 9, 11, 22, 23, 25, ...)
  'Image',
  'OriginalFileName',
  'CommandLine',
  'CurrentDirectory',
  'ProcessGuid',
  'ParentImage',
  'ParentCommandLine',
  'ParentProcessGuid',
  'User',
  'LogonId',
  'IntegrityLevel',
  'Hashes',
  'Product',
  'Company',
  'Description',
  'FileVersion',
  // network (3)
  'Initiated',
  'Protocol',
  'SourceIp',
  'SourceHostname',
  'DestinationIp',
  'DestinationHostname',
  'DestinationIsIpv6',
  // DNS (22)
  'QueryName',
  'QueryStatus',
  'QueryResults',
  // driver and image loads (6, 7)
  'ImageLoaded',
  'Signed',
  'Signature',
  'SignatureStatus',
  // files (2, 11, 15, 23, 26-29)
  'TargetFilename',
  'CreationUtcTime',
  'PreviousCreationUtcTime',
  'IsExecutable',
  'Contents',
  // registry (12-14)
  'TargetObject',
  'Details',
  'EventType',
  'NewName',
  // process access and remote threads (8, 10)
  'SourceImage',
  'SourceProcessGuid',
  'TargetImage',
  'TargetProcessGuid',
  'GrantedAccess',
  'CallTrace',
  'StartAddress',
  'StartModule',
  'StartFunction',
  // pipes (17, 18)
  'PipeName',
] as const satisfies readonly (keyof EventFields)[];

/** Sysmon 10 spells the GUIDs `SourceProcessGUID` / `TargetProcessGUID`; Sysmon 8 and Sigma spell them `...Guid`. */
const SPELLINGS: readonly (readonly [keyof EventFields, string])[] = [
  ['SourceProcessGuid', 'SourceProcessGUID'],
  ['TargetProcessGuid', 'TargetProcessGUID'],
];

export type SysmonEvent =
  | { readonly ok: true; readonly category: EventCategory; readonly fields: EventFields }
  | { readonly ok: false; readonly reason: string };

/**
 * The category and Sigma fields of one Sysmon event, from its id and a reader of its data values (returning undefined
 * for absent and "-" values). An id Sysmon does not define (a newer Sysmon) is still an event: `log_event`, values
 * copied. A required value missing is a reason.
 */
export function sysmonEvent(eventId: number, text: (name: string) => string | undefined): SysmonEvent {
  const row = Object.hasOwn(SYSMON_EVENTS, eventId) ? SYSMON_EVENTS[eventId] : undefined;
  const fields: Record<string, string | number> = {};
  for (const name of SYSMON_TEXT_FIELDS) {
    const value = text(name);
    if (value !== undefined) fields[name] = value;
  }
  for (const [name, other] of SPELLINGS) {
    if (fields[name] === undefined) {
      const value = text(other);
      if (value !== undefined) fields[name] = value;
    }
  }
  for (const name of SYSMON_INT_FIELDS) {
    const value = int(text(name));
    if (value !== undefined) fields[name] = value;
  }
  if (!row) return { ok: true, category: 'log_event', fields: fields as EventFields };
  if (row.required !== undefined && fields[row.required] === undefined) {
    return { ok: false, reason: `Sysmon event ${eventId} (${row.label}) without ${row.required}` };
  }
  const category = typeof row.category === 'function' ? row.category(text('EventType')) : row.category;
  return { ok: true, category, fields: fields as EventFields };
}
