import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { dotted, dottedStr } from './lookup';
import { hashesOf, platformFromOs, platformFromPath } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf, type ProcessStart } from './process-event';

const FORMAT = 'sentinelone';
const PROCESS_CREATION = 'process creation';

/** Singularity Data Lake / Deep Visibility v2 shape: dotted names (`src.process.image.path`), flat or nested. */
function isDataLakeShape(json: unknown): boolean {
  return (
    typeof dotted(json, 'event.type') === 'string' &&
    (typeof dotted(json, 'endpoint.name') === 'string' ||
      typeof dotted(json, 'agent.uuid') === 'string' ||
      dottedStr(json, 'dataSource.vendor') === 'SentinelOne')
  );
}

/** The older Deep Visibility export / API shape: camelCase columns (`processImagePath`, `agentUuid`). */
function isDeepVisibilityShape(json: unknown): boolean {
  return (
    typeof prop(json, 'eventType') === 'string' &&
    (typeof prop(json, 'agentUuid') === 'string' || typeof prop(json, 'agentName') === 'string')
  );
}

function sniff(input: RecordInput): boolean {
  return isDataLakeShape(input.json) || isDeepVisibilityShape(input.json);
}

function isProcessCreation(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === PROCESS_CREATION;
}

function processFields(json: unknown, prefix: string): LooseFields {
  const field = (name: string): string | undefined => dottedStr(json, `${prefix}.${name}`);
  return {
    Image: field('image.path'),
    CommandLine: field('cmdline'),
    ProcessId: int(dotted(json, `${prefix}.pid`)),
    ProcessGuid: field('uid'),
    User: field('user'),
    IntegrityLevel: field('integrityLevel'),
    Signer: field('publisher'),
    Description: field('displayName'),
    Hashes: hashesOf({ SHA256: field('image.sha256'), SHA1: field('image.sha1'), MD5: field('image.md5') }),
  };
}

/**
 * In a Process Creation event the created process is `tgt.process` and its creator `src.process`. Exports that only
 * keep the `src.process` side describe the new process there, with its parent under `src.process.parent`.
 */
function fromDataLake(input: RecordInput, json: Readonly<Record<string, unknown>>): ProcessStart {
  const hasTarget =
    dotted(json, 'tgt.process.image.path') !== undefined || dotted(json, 'tgt.process.cmdline') !== undefined;
  const child = processFields(json, hasTarget ? 'tgt.process' : 'src.process');
  const parent = processFields(json, hasTarget ? 'src.process' : 'src.process.parent');
  return {
    platform: platformFromOs(dotted(json, 'endpoint.os')) ?? platformFromPath(child.Image) ?? 'windows',
    time: dotted(json, 'event.time') ?? prop(json, 'timestamp'),
    host: hostOf(input, { hostname: dottedStr(json, 'endpoint.name'), agentId: dottedStr(json, 'agent.uuid') }),
    fields: {
      ...child,
      ParentImage: parent.Image,
      ParentCommandLine: parent.CommandLine,
      ParentProcessId: parent.ProcessId,
      ParentProcessGuid: parent.ProcessGuid,
    },
    recordId: dottedStr(json, 'event.id'),
    raw: json,
  };
}

function fromDeepVisibility(input: RecordInput, json: Readonly<Record<string, unknown>>): ProcessStart {
  const image = str(prop(json, 'processImagePath'));
  return {
    platform: platformFromOs(prop(json, 'agentOs')) ?? platformFromPath(image) ?? 'windows',
    time: prop(json, 'createdAt'),
    host: hostOf(input, { hostname: str(prop(json, 'agentName')), agentId: str(prop(json, 'agentUuid')) }),
    fields: {
      Image: image,
      CommandLine: str(prop(json, 'processCmd')),
      ProcessId: int(prop(json, 'pid')),
      ProcessGuid: str(prop(json, 'processUniqueKey')),
      // The DV export names the parent only by its file name.
      ParentImage: str(prop(json, 'parentProcessName')),
      ParentProcessId: int(prop(json, 'parentPid')),
      ParentProcessGuid: str(prop(json, 'parentProcessUniqueKey')),
      User: str(prop(json, 'user')) ?? str(prop(json, 'processUserName')),
      IntegrityLevel: str(prop(json, 'processIntegrityLevel')),
      Hashes: hashesOf({ SHA1: str(prop(json, 'processImageSha1Hash')) }),
    },
    recordId: str(prop(json, 'id')),
    raw: json,
  };
}

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    if (isDataLakeShape(json)) {
      if (!isProcessCreation(dotted(json, 'event.type'))) return NOTHING;
      return outcomeOf(buildProcessStart(input, FORMAT, fromDataLake(input, json)));
    }
    if (!isProcessCreation(prop(json, 'eventType'))) return NOTHING;
    return outcomeOf(buildProcessStart(input, FORMAT, fromDeepVisibility(input, json)));
  });
}

/** SentinelOne Deep Visibility / Singularity Data Lake process creation events. */
export const sentinelOneParser: ParserFactory = {
  format: FORMAT,
  description: 'SentinelOne Deep Visibility / Singularity Data Lake process creation events',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
