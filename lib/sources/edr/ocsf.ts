import type { Platform } from '../../model';
import { hostOf, int, isRecord, path, prop, str } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { hashesOf, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf } from './process-event';

const FORMAT = 'ocsf';
const PROCESS_ACTIVITY = 1007;
const LAUNCH = 1;

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

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    if (prop(json, 'class_uid') !== PROCESS_ACTIVITY || int(prop(json, 'activity_id')) !== LAUNCH) return NOTHING;
    const process = prop(json, 'process');
    // In a Launch the actor process is the one that started `process`; parent_process is the fallback.
    const parent = processFields(path(json, 'actor', 'process') ?? prop(process, 'parent_process'));
    const child = processFields(process);
    const device = prop(json, 'device');
    return outcomeOf(
      buildProcessStart(input, FORMAT, {
        platform: platformOf(json, child.Image),
        time: prop(json, 'time') ?? prop(json, 'time_dt'),
        host: hostOf(input, {
          hostname: str(prop(device, 'hostname')) ?? str(prop(device, 'name')),
          instanceId: str(prop(device, 'instance_uid')),
          agentId: str(prop(device, 'uid')),
          accountId: str(path(json, 'cloud', 'account', 'uid')),
          region: str(path(json, 'cloud', 'region')) ?? str(prop(device, 'region')),
        }),
        fields: {
          ...child,
          User: child.User ?? userOf(path(json, 'actor', 'user')),
          ParentImage: parent.Image,
          ParentCommandLine: parent.CommandLine,
          ParentProcessId: parent.ProcessId,
          ParentProcessGuid: parent.ProcessGuid,
          Provider: str(path(json, 'metadata', 'product', 'name')),
        },
        recordId: str(path(json, 'metadata', 'uid')),
        raw: json,
      }),
    );
  });
}

/** OCSF 1.x Process Activity Launch events (Amazon Security Lake, OCSF-native EDR exports). */
export const ocsfParser: ParserFactory = {
  format: FORMAT,
  description: 'OCSF Process Activity launches (class 1007, activity 1), e.g. from Amazon Security Lake',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
