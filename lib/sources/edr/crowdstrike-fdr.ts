import type { Platform } from '../../model';
import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { hashesOf, normalizeDevicePath, platformFromOs, platformFromPath } from './paths';
import { buildProcessStart, guarded, outcomeOf } from './process-event';

const FORMAT = 'crowdstrike-fdr';

/** The FDR event names that report a process start. */
const PROCESS_STARTS = new Set(['ProcessRollup2', 'SyntheticProcessRollup2']);

/** Falcon reports the Windows token integrity level as the mandatory-label RID. */
const INTEGRITY_LEVELS: Readonly<Record<number, string>> = {
  0: 'Untrusted',
  4096: 'Low',
  8192: 'Medium',
  8448: 'Medium Plus',
  12288: 'High',
  16384: 'System',
  20480: 'Protected',
};

/** A Map, not an object literal: a hostile `event_platform` such as "constructor" must not reach the prototype. */
const PLATFORMS: ReadonlyMap<string, Platform> = new Map([
  ['Win', 'windows'],
  ['Lin', 'linux'],
  ['Mac', 'macos'],
]);

/** An FDR event: a JSON object naming its event and the sensor (aid) or customer (cid) it came from. */
function sniff(input: RecordInput): boolean {
  const json = input.json;
  return (
    typeof prop(json, 'event_simpleName') === 'string' &&
    (typeof prop(json, 'aid') === 'string' || typeof prop(json, 'cid') === 'string')
  );
}

function parse(input: RecordInput) {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    if (!PROCESS_STARTS.has(str(prop(json, 'event_simpleName')) ?? '')) return NOTHING;
    const originalImage = str(prop(json, 'ImageFileName'));
    const image = originalImage === undefined ? undefined : normalizeDevicePath(originalImage);
    const integrity = int(prop(json, 'IntegrityLevel'));
    return outcomeOf(
      buildProcessStart(input, FORMAT, {
        platform:
          PLATFORMS.get(str(prop(json, 'event_platform')) ?? '') ??
          platformFromOs(prop(json, 'event_platform')) ??
          platformFromPath(originalImage) ??
          'windows',
        time: prop(json, 'timestamp') ?? prop(json, 'ProcessStartTime'),
        host: hostOf(input, { hostname: str(prop(json, 'ComputerName')), agentId: str(prop(json, 'aid')) }),
        fields: {
          Image: image,
          CommandLine: str(prop(json, 'CommandLine')),
          // RawProcessId is the OS pid; TargetProcessId is Falcon's own id for the process, unique per sensor.
          ProcessId: int(prop(json, 'RawProcessId')),
          ProcessGuid: str(prop(json, 'TargetProcessId')),
          // ParentProcessId is the parent's TargetProcessId (a Falcon id), not an OS pid.
          ParentProcessGuid: str(prop(json, 'ParentProcessId')),
          // FDR carries only the parent's file name, not its path.
          ParentImage: str(prop(json, 'ParentBaseFileName')),
          User: str(prop(json, 'UserName')),
          UserId: str(prop(json, 'UserSid')) ?? str(prop(json, 'UID')),
          IntegrityLevel: integrity === undefined ? undefined : INTEGRITY_LEVELS[integrity],
          Hashes: hashesOf({
            SHA256: str(prop(json, 'SHA256HashData')),
            SHA1: str(prop(json, 'SHA1HashData')),
            MD5: str(prop(json, 'MD5HashData')),
          }),
          OriginalFileName: str(prop(json, 'OriginalFilename')),
          Provider: str(prop(json, 'name')),
        },
        recordId: str(prop(json, 'id')),
        raw: json,
      }),
    );
  });
}

/** CrowdStrike Falcon Data Replicator ProcessRollup2 / SyntheticProcessRollup2 events. */
export const crowdStrikeFdrParser: ParserFactory = {
  format: FORMAT,
  description: 'CrowdStrike Falcon Data Replicator process starts (ProcessRollup2, SyntheticProcessRollup2)',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
