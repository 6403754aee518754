import type { EventCategory, NormalizedEvent } from '../model';
import { type Activity, envelope, INFORMATIONAL, type OcsfClass } from './ocsf-envelope';
import { compact, type FieldReader } from './ocsf-fields';
import {
  fileDetailsOf,
  fileOf,
  fingerprintsOf,
  type ProcessFileDetails,
  processOf,
  WINDOWS_EXTENSION,
} from './ocsf-objects';

/**
 * OCSF classes for the endpoint activity categories: network connections, DNS lookups, file changes, registry
 * changes, module and driver loads. Each names the acting process as `actor.process`.
 */

const SYSTEM = { categoryUid: 1, categoryName: 'System Activity' } as const;
const NETWORK = { categoryUid: 4, categoryName: 'Network Activity' } as const;

const NETWORK_ACTIVITY: OcsfClass = { uid: 4001, name: 'Network Activity', ...NETWORK };
const DNS_ACTIVITY: OcsfClass = { uid: 4003, name: 'DNS Activity', ...NETWORK };
const FILE_SYSTEM_ACTIVITY: OcsfClass = { uid: 1001, name: 'File System Activity', ...SYSTEM };
const KERNEL_EXTENSION_ACTIVITY: OcsfClass = { uid: 1002, name: 'Kernel Extension Activity', ...SYSTEM };
const MODULE_ACTIVITY: OcsfClass = { uid: 1005, name: 'Module Activity', ...SYSTEM };
/** Windows extension classes (uid 2): 2 * 100000 + category 1 * 1000 + class 1 / 2. */
const REGISTRY_KEY_ACTIVITY: OcsfClass = { uid: 201001, name: 'Registry Key Activity', ...SYSTEM };
const REGISTRY_VALUE_ACTIVITY: OcsfClass = { uid: 201002, name: 'Registry Value Activity', ...SYSTEM };

type Builder = (event: NormalizedEvent, fields: FieldReader) => Record<string, unknown>;

/** `actor`: the acting process and its user; OCSF requires an actor, so `{}` when the source named none. */
function actorOf(fields: FieldReader, details: ProcessFileDetails): Record<string, unknown> {
  const process = processOf(fields, details);
  return compact({ process, user: process?.user }) ?? {};
}

/** A Sysmon 'true'/'false' text, claimed only when it is one of the two. */
function takeBool(fields: FieldReader, name: 'Initiated' | 'DestinationIsIpv6' | 'Signed'): boolean | undefined {
  const value = fields.peek(name);
  if (value !== 'true' && value !== 'false') return undefined;
  fields.take(name);
  return value === 'true';
}

function endpointOf(ip: string | undefined, port: number | undefined, hostname: string | undefined) {
  return compact({ ip, port, hostname }) ?? {};
}

const DIRECTIONS = [
  { id: 0, name: 'Unknown' },
  { id: 1, name: 'Inbound' },
  { id: 2, name: 'Outbound' },
] as const;

function networkActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const initiated = takeBool(fields, 'Initiated');
  const ipv6 = takeBool(fields, 'DestinationIsIpv6');
  const direction = DIRECTIONS[initiated === undefined ? 0 : initiated ? 2 : 1];
  return envelope(event, fields, NETWORK_ACTIVITY, { id: 1, name: 'Open' }, INFORMATIONAL, {
    actor: actorOf(fields, 'version'),
    // OCSF's source is the initiator, as Sysmon's is.
    src_endpoint: endpointOf(fields.take('SourceIp'), fields.take('SourcePort'), fields.take('SourceHostname')),
    dst_endpoint: endpointOf(
      fields.take('DestinationIp'),
      fields.take('DestinationPort'),
      fields.take('DestinationHostname'),
    ),
    connection_info: compact({
      protocol_name: fields.take('Protocol'),
      direction_id: direction.id,
      direction: direction.name,
      protocol_ver_id: ipv6 === undefined ? undefined : ipv6 ? 6 : 4,
    }),
  });
}

/** Sysmon-style answers (`a;b;`) as OCSF answers; another text stays under `unmapped` rather than be cut apart. */
function answersOf(fields: FieldReader): Record<string, unknown>[] | undefined {
  const results = fields.peek('QueryResults');
  if (results === undefined) return undefined;
  const answers = results.split(';').filter((answer) => answer !== '');
  if (answers.map((answer) => `${answer};`).join('') !== results) return undefined;
  fields.take('QueryResults');
  return answers.map((rdata) => ({ rdata }));
}

function dnsActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const answers = answersOf(fields);
  // Sysmon's QueryStatus is a Windows status code; only success ("0") has an rcode to say so (NoError).
  const success = fields.peek('QueryStatus') === '0' ? fields.take('QueryStatus') : undefined;
  const responded = answers !== undefined || success !== undefined || fields.peek('QueryStatus') !== undefined;
  const activity: Activity = responded ? { id: 2, name: 'Response' } : { id: 1, name: 'Query' };
  return envelope(event, fields, DNS_ACTIVITY, activity, INFORMATIONAL, {
    actor: actorOf(fields, 'version'),
    query: compact({ hostname: fields.take('QueryName') }) ?? {},
    answers,
    rcode_id: success === undefined ? undefined : 0,
    rcode: success === undefined ? undefined : 'NoError',
  });
}

const FILE_ACTIVITIES: Readonly<Partial<Record<EventCategory, Activity>>> = {
  file_event: { id: 1, name: 'Create' },
  file_executable_detected: { id: 1, name: 'Create' },
  file_change: { id: 3, name: 'Update' },
  file_delete: { id: 4, name: 'Delete' },
  file_rename: { id: 5, name: 'Rename' },
  file_access: { id: 14, name: 'Open' },
};

function fileActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const activity = FILE_ACTIVITIES[event.category] ?? { id: 99, name: 'Other' };
  const actor = actorOf(fields, 'version');
  const target = fields.take('TargetFilename');
  const source = event.category === 'file_rename' ? fields.take('SourceFilename') : undefined;
  // Only the file's hashes describe it; version info on a file event is the acting process's (taken above).
  const fingerprints = target === undefined ? undefined : fingerprintsOf(fields.peek('Hashes'));
  if (fingerprints !== undefined) fields.take('Hashes');
  const details = { hashes: fingerprints };
  // A rename's `file` is the file as it was and `file_result` as it is now; OCSF requires `file`.
  const file = source === undefined ? fileOf(target, details) : fileOf(source);
  return envelope(event, fields, FILE_SYSTEM_ACTIVITY, activity, INFORMATIONAL, {
    actor,
    file: file ?? {},
    file_result: source === undefined ? undefined : fileOf(target, details),
  });
}

/** The key and value name of a Sysmon value path (`HKLM\...\Run\name`). */
function splitValuePath(path: string): { path: string; name: string } {
  const cut = path.lastIndexOf('\\');
  return cut < 0 ? { path, name: '' } : { path: path.slice(0, cut), name: path.slice(cut + 1) };
}

function registryActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const actor = actorOf(fields, 'version');
  const target = fields.take('TargetObject') ?? '';
  // EventType stays under unmapped too: the activity says the same, but a source's own spelling is kept.
  const isValue = event.category === 'registry_set' || fields.peek('EventType') === 'DeleteValue';
  const extensions = { extensions: [WINDOWS_EXTENSION] };
  if (isValue) {
    const activity: Activity = event.category === 'registry_set' ? { id: 2, name: 'Set' } : { id: 4, name: 'Delete' };
    const value = splitValuePath(target);
    const body = { actor, reg_value: compact({ ...value, data: fields.take('Details') }) };
    return envelope(event, fields, REGISTRY_VALUE_ACTIVITY, activity, INFORMATIONAL, body, extensions);
  }
  const renamed = event.category === 'registry_rename';
  const newName = renamed ? fields.take('NewName') : undefined;
  const activity: Activity = renamed
    ? { id: 5, name: 'Rename' }
    : event.category === 'registry_add'
      ? { id: 1, name: 'Create' }
      : { id: 4, name: 'Delete' };
  const body = {
    actor,
    reg_key: { path: newName ?? target },
    prev_reg_key: newName === undefined ? undefined : { path: target },
  };
  return envelope(event, fields, REGISTRY_KEY_ACTIVITY, activity, INFORMATIONAL, body, extensions);
}

/** Sysmon's SignatureStatus values on OCSF's digital_signature state_id. */
const SIGNATURE_STATES: ReadonlyMap<string, number> = new Map([
  ['valid', 1],
  ['expired', 2],
  ['revoked', 3],
  ['suspended', 4],
  ['pending', 5],
]);

/** The loaded image as an OCSF `file`, with its hashes, version info and signature (Sysmon 6/7 describe it so). */
function loadedFileOf(fields: FieldReader): Record<string, unknown> {
  const path = fields.take('ImageLoaded');
  const details = { ...fileDetailsOf(fields), signature: signatureOf(fields) };
  return fileOf(path, details) ?? compact(details) ?? {};
}

/**
 * A digital_signature from Signed, Signature and SignatureStatus. An unsigned image has none: Signed 'false' and
 * anything said beside it stay under unmapped, where nothing contradicts them.
 */
function signatureOf(fields: FieldReader): Record<string, unknown> | undefined {
  if (fields.peek('Signed') === 'false') return undefined;
  const signed = fields.peek('Signed') === 'true' ? takeBool(fields, 'Signed') : undefined;
  const status = fields.peek('SignatureStatus');
  const state = status === undefined ? undefined : SIGNATURE_STATES.get(status.toLowerCase());
  if (state !== undefined) fields.take('SignatureStatus');
  const subject = fields.take('Signature');
  if (signed === undefined && subject === undefined && state === undefined) return undefined;
  return compact({
    // digital_signature requires an algorithm; the sources do not say which.
    algorithm_id: 0,
    certificate: subject === undefined ? undefined : { subject },
    state_id: state,
    state: state === undefined ? undefined : status,
  });
}

function moduleActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const actor = actorOf(fields, 'none');
  return envelope(event, fields, MODULE_ACTIVITY, { id: 1, name: 'Load' }, INFORMATIONAL, {
    actor,
    module: { file: loadedFileOf(fields) },
  });
}

function kernelExtensionActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const actor = actorOf(fields, 'none');
  return envelope(event, fields, KERNEL_EXTENSION_ACTIVITY, { id: 1, name: 'Load' }, INFORMATIONAL, {
    actor,
    driver: { file: loadedFileOf(fields) },
  });
}

/** The activity categories and their builders, merged into the export's table. */
export const activityBuilders: Readonly<Partial<Record<EventCategory, Builder>>> = {
  network_connection: networkActivity,
  dns_query: dnsActivity,
  file_event: fileActivity,
  file_executable_detected: fileActivity,
  file_change: fileActivity,
  file_delete: fileActivity,
  file_rename: fileActivity,
  file_access: fileActivity,
  registry_add: registryActivity,
  registry_set: registryActivity,
  registry_delete: registryActivity,
  registry_rename: registryActivity,
  image_load: moduleActivity,
  driver_load: kernelExtensionActivity,
};
