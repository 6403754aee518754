import type { EventCategory, HostIdentity, Platform } from '../../model';
import { hostOf, int, isRecord, path, prop, str } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { actingFields, buildActivity } from './activity';
import { hashesOf, joinPath, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf } from './process-event';
import { isIpv6, protocolName, queryResults, sysmonBool, sysmonRegistryPath, valuePath } from './telemetry';

const FORMAT = 'ocsf';
const PROCESS_ACTIVITY = 1007;
const LAUNCH = 1;

type Json = Readonly<Record<string, unknown>>;
type Found = { readonly category: EventCategory; readonly fields: LooseFields };
/** Reads one (class, activity) pair; undefined for activities that are valid but not read (a file Read, a Close). */
type ClassReader = (json: Json, activity: number) => Found | undefined;

/** Kernel Extension (1002) and Module (1005) Activity: Load is 1. */
const LOAD = 1;
const MAX_ANSWERS = 64;

/** OCSF `os.type_id` ranges: 100 Windows, 200 Linux, 300 macOS (301 iOS, ...). */
const OS_TYPE_IDS: Readonly<Record<number, Platform>> = { 100: 'windows', 200: 'linux', 300: 'macos' };

/** OCSF fingerprint `algorithm_id` values for the digests Sigma's Hashes field knows. */
const HASH_ALGORITHMS: Readonly<Record<number, string>> = { 1: 'MD5', 2: 'SHA1', 3: 'SHA256' };
const MAX_HASHES = 16;

/** Any OCSF event: a numeric class and the metadata object every class requires. */
function sniff(input: RecordInput): boolean {
  const json = input.json;
  return typeof prop(json, 'class_uid') === 'number' && isRecord(prop(json, 'metadata'));
}

function hashesOfFile(file: unknown): string | undefined {
  const list = prop(file, 'hashes');
  if (!Array.isArray(list)) return undefined;
  const digests: Record<string, string | undefined> = {};
  for (const fingerprint of list.slice(0, MAX_HASHES)) {
    const algorithm = HASH_ALGORITHMS[int(prop(fingerprint, 'algorithm_id')) ?? -1];
    if (algorithm !== undefined) digests[algorithm] ??= str(prop(fingerprint, 'value'));
  }
  return hashesOf(digests);
}

function userOf(user: unknown): string | undefined {
  return qualifiedUser(str(prop(user, 'domain')), str(prop(user, 'name')));
}

/** The fields OCSF's process object gives for one process (`file.path` falling back to its name). */
function processFields(process: unknown): LooseFields {
  const file = prop(process, 'file');
  return {
    Image: str(prop(file, 'path')) ?? str(prop(file, 'name')) ?? str(prop(process, 'name')),
    CommandLine: str(prop(process, 'cmd_line')),
    ProcessId: int(prop(process, 'pid')),
    ProcessGuid: str(prop(process, 'uid')),
    User: userOf(prop(process, 'user')),
    UserId: str(path(process, 'user', 'uid')),
    CurrentDirectory: str(prop(process, 'working_directory')),
    IntegrityLevel: str(prop(process, 'integrity')),
    Hashes: hashesOfFile(file),
    Company: str(prop(file, 'company_name')),
    Description: str(prop(file, 'desc')),
    FileVersion: str(prop(file, 'version')),
    Product: str(path(file, 'product', 'name')),
    ContainerId: str(path(process, 'container', 'uid')),
    ContainerName: str(path(process, 'container', 'name')),
    ContainerImage: str(path(process, 'container', 'image', 'name')),
  };
}

function platformOf(json: unknown, image: string | undefined): Platform {
  const os = path(json, 'device', 'os');
  return (
    OS_TYPE_IDS[int(prop(os, 'type_id')) ?? -1] ??
    platformFromOs(prop(os, 'type')) ??
    platformFromOs(prop(os, 'name')) ??
    platformFromPath(image) ??
    'linux'
  );
}

/** OCSF's digital_signature state_id in Sysmon's SignatureStatus spelling. */
const SIGNATURE_STATES: Readonly<Record<number, string>> = {
  1: 'Valid',
  2: 'Expired',
  3: 'Revoked',
  4: 'Suspended',
  5: 'Pending',
};

/** A file object's path: `path`, else its folder and name joined, else its name. */
function filePath(file: unknown): string | undefined {
  return str(prop(file, 'path')) ?? joinPath(str(prop(file, 'parent_folder')), str(prop(file, 'name')));
}

/** The loaded module's or driver's file, described as Sysmon 6/7 describe a loaded image. */
function loadedFile(file: unknown): LooseFields {
  const signature = prop(file, 'signature');
  const state = int(prop(signature, 'state_id'));
  return {
    ImageLoaded: filePath(file),
    Hashes: hashesOfFile(file),
    Company: str(prop(file, 'company_name')),
    Description: str(prop(file, 'desc')),
    FileVersion: str(prop(file, 'version')),
    Product: str(path(file, 'product', 'name')),
    Signed: signature === undefined ? undefined : sysmonBool(isRecord(signature)),
    Signature: str(path(signature, 'certificate', 'subject')),
    SignatureStatus: state === undefined ? undefined : SIGNATURE_STATES[state],
  };
}

/** An endpoint's address and port. */
function endpoint(
  json: Json,
  name: string,
): { ip: string | undefined; port: number | undefined; host: string | undefined } {
  const value = prop(json, name);
  return { ip: str(prop(value, 'ip')), port: int(prop(value, 'port')), host: str(prop(value, 'hostname')) };
}

/** Network Activity (4001): Open 1, Fail 4, Traffic 6 and Listen 7 say a connection was made or offered. */
function networkActivity(json: Json, activity: number): Found | undefined {
  if (![1, 4, 6, 7].includes(activity)) return undefined;
  const direction = int(path(json, 'connection_info', 'direction_id'));
  const listen = activity === 7;
  // OCSF's src_endpoint is the initiator, as Sysmon's Source is.
  const source = endpoint(json, 'src_endpoint');
  const destination = endpoint(json, 'dst_endpoint');
  const local = listen && destination.ip === undefined && destination.port === undefined ? source : destination;
  const ipVersion = int(path(json, 'connection_info', 'protocol_ver_id'));
  return {
    category: 'network_connection',
    fields: {
      Initiated: listen || direction === 1 ? 'false' : direction === 2 ? 'true' : undefined,
      Protocol: protocolName(
        path(json, 'connection_info', 'protocol_name') ?? path(json, 'connection_info', 'protocol_num'),
      ),
      SourceIp: listen ? undefined : source.ip,
      SourcePort: listen ? undefined : source.port,
      SourceHostname: listen ? undefined : source.host,
      DestinationIp: local.ip,
      DestinationPort: local.port,
      DestinationHostname: local.host,
      DestinationIsIpv6: ipVersion === 6 ? 'true' : ipVersion === 4 ? 'false' : isIpv6(local.ip),
    },
  };
}

/** DNS Activity (4003): Query 1, Response 2, Traffic 6. */
function dnsActivity(json: Json, activity: number): Found | undefined {
  if (![1, 2, 6].includes(activity)) return undefined;
  const answers = prop(json, 'answers');
  const data = Array.isArray(answers)
    ? answers.slice(0, MAX_ANSWERS).map((answer) => prop(answer, 'rdata'))
    : undefined;
  const rcode = int(prop(json, 'rcode_id'));
  return {
    category: 'dns_query',
    fields: {
      QueryName: str(path(json, 'query', 'hostname')),
      QueryResults: queryResults(data),
      QueryStatus: rcode === undefined || rcode === 99 ? str(prop(json, 'rcode')) : String(rcode),
    },
  };
}

/** File System Activity (1001): Create 1, Update 3, Delete 4, Rename 5 (file is the old name, file_result the new). */
const FILE_ACTIVITIES: Readonly<Record<number, EventCategory>> = {
  1: 'file_event',
  3: 'file_change',
  4: 'file_delete',
  5: 'file_rename',
};

function fileActivity(json: Json, activity: number): Found | undefined {
  const category = FILE_ACTIVITIES[activity];
  if (category === undefined) return undefined;
  const file = prop(json, 'file');
  if (category !== 'file_rename') {
    return { category, fields: { TargetFilename: filePath(file), Hashes: hashesOfFile(file) } };
  }
  const renamed = prop(json, 'file_result');
  const target = filePath(renamed) ?? filePath(file);
  return {
    category,
    fields: {
      TargetFilename: target,
      SourceFilename: filePath(renamed) === undefined ? undefined : filePath(file),
      TargetFilenameNew: target,
      Hashes: hashesOfFile(renamed) ?? hashesOfFile(file),
    },
  };
}

/** Registry Key Activity (201001): Create 1, Delete 4, Rename 5 (prev_reg_key the old key, reg_key the new). */
function registryKeyActivity(json: Json, activity: number): Found | undefined {
  const key = sysmonRegistryPath(str(path(json, 'reg_key', 'path')));
  if (activity === 1) return { category: 'registry_add', fields: { TargetObject: key, EventType: 'CreateKey' } };
  if (activity === 4) return { category: 'registry_delete', fields: { TargetObject: key, EventType: 'DeleteKey' } };
  if (activity !== 5) return undefined;
  const previous = sysmonRegistryPath(str(path(json, 'prev_reg_key', 'path')));
  return {
    category: 'registry_rename',
    fields: {
      TargetObject: previous ?? key,
      NewName: previous === undefined ? undefined : key,
      EventType: 'RenameKey',
    },
  };
}

/** Registry Value Activity (201002): Set 2 and Modify 3 are Sysmon's SetValue, Delete 4 its DeleteValue. */
function registryValueActivity(json: Json, activity: number): Found | undefined {
  const value = prop(json, 'reg_value');
  const target = valuePath(sysmonRegistryPath(str(prop(value, 'path'))), prop(value, 'name'));
  if (activity === 2 || activity === 3) {
    const data = prop(value, 'data');
    return {
      category: 'registry_set',
      fields: { TargetObject: target, EventType: 'SetValue', Details: typeof data === 'string' ? data : str(data) },
    };
  }
  if (activity === 4)
    return { category: 'registry_delete', fields: { TargetObject: target, EventType: 'DeleteValue' } };
  return undefined;
}

/** The classes read besides Process Activity, by class_uid. */
const CLASSES: ReadonlyMap<number, ClassReader> = new Map<number, ClassReader>([
  [4001, networkActivity],
  [4003, dnsActivity],
  [1001, fileActivity],
  [201001, registryKeyActivity],
  [201002, registryValueActivity],
  [
    1005,
    (json, activity) =>
      activity === LOAD ? { category: 'image_load', fields: loadedFile(path(json, 'module', 'file')) } : undefined,
  ],
  [
    1002,
    (json, activity) =>
      activity === LOAD ? { category: 'driver_load', fields: loadedFile(path(json, 'driver', 'file')) } : undefined,
  ],
]);

/** Classes that describe a host's own activity only when a process is named (flow and resolver logs name none). */
const NEEDS_PROCESS: ReadonlySet<number> = new Set([4001, 4003]);

function hostOfOcsf(input: RecordInput, json: Json): HostIdentity {
  const device = prop(json, 'device');
  return hostOf(input, {
    hostname: str(prop(device, 'hostname')) ?? str(prop(device, 'name')),
    instanceId: str(prop(device, 'instance_uid')),
    agentId: str(prop(device, 'uid')),
    accountId: str(path(json, 'cloud', 'account', 'uid')),
    region: str(path(json, 'cloud', 'region')) ?? str(prop(device, 'region')),
  });
}

/** A process's fields completed with its parent, the actor's user when the process names none, and the product. */
function withParent(json: Json, process: LooseFields, parentObject: unknown): LooseFields {
  const parent = processFields(parentObject);
  return {
    ...process,
    User: process.User ?? userOf(path(json, 'actor', 'user')),
    ParentImage: parent.Image,
    ParentCommandLine: parent.CommandLine,
    ParentProcessId: parent.ProcessId,
    ParentProcessGuid: parent.ProcessGuid,
    Provider: str(path(json, 'metadata', 'product', 'name')),
  };
}

function activityEvent(input: RecordInput, json: Json, classUid: number, reader: ClassReader): ParseOutcome {
  const actorProcess = path(json, 'actor', 'process');
  if (NEEDS_PROCESS.has(classUid) && !isRecord(actorProcess)) return NOTHING;
  const found = reader(json, int(prop(json, 'activity_id')) ?? 0);
  if (found === undefined) return NOTHING;
  const acting = processFields(actorProcess);
  const fields: LooseFields = {
    ...withParent(json, actingFields(acting, found.category), prop(actorProcess, 'parent_process')),
    ...found.fields,
  };
  return outcomeOf(
    buildActivity(input, FORMAT, {
      category: found.category,
      platform: platformOf(json, acting.Image ?? found.fields.TargetFilename ?? found.fields.ImageLoaded),
      time: prop(json, 'time') ?? prop(json, 'time_dt'),
      host: hostOfOcsf(input, json),
      fields,
      recordId: str(path(json, 'metadata', 'uid')),
      raw: json,
    }),
  );
}

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    const classUid = int(prop(json, 'class_uid')) ?? -1;
    const reader = CLASSES.get(classUid);
    if (reader !== undefined) return activityEvent(input, json, classUid, reader);
    if (classUid !== PROCESS_ACTIVITY || int(prop(json, 'activity_id')) !== LAUNCH) return NOTHING;
    const process = prop(json, 'process');
    // In a Launch the actor process is the one that started `process`; parent_process is the fallback.
    const child = processFields(process);
    return outcomeOf(
      buildProcessStart(input, FORMAT, {
        platform: platformOf(json, child.Image),
        time: prop(json, 'time') ?? prop(json, 'time_dt'),
        host: hostOfOcsf(input, json),
        fields: withParent(json, child, path(json, 'actor', 'process') ?? prop(process, 'parent_process')),
        recordId: str(path(json, 'metadata', 'uid')),
        raw: json,
      }),
    );
  });
}

/**
 * OCSF 1.x events (Amazon Security Lake, OCSF-native EDR exports): Process Activity launches, and endpoint Network,
 * DNS, File System, Registry Key/Value, Module and Kernel Extension activity.
 */
export const ocsfParser: ParserFactory = {
  format: FORMAT,
  description:
    'OCSF Process Activity launches (1007) and endpoint Network (4001), DNS (4003), File System (1001), Registry Key/Value (201001/201002), Module (1005) and Kernel Extension (1002) activity, e.g. from Amazon Security Lake',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
