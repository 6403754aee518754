import type { EventCategory } from '../../model';
import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { actingFields, buildActivity } from './activity';
import { dotted, dottedStr } from './lookup';
import { hashesOf, platformFromOs, platformFromPath } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf, type ProcessStart } from './process-event';
import { isIpv6, protocolName, sysmonRegistryPath } from './telemetry';

const FORMAT = 'sentinelone';
const PROCESS_CREATION = 'process creation';

type Kind = 'network' | 'listen' | 'dns' | 'file' | 'registry';

interface S1Event {
  readonly category: EventCategory;
  readonly kind: Kind;
  /** Sysmon's EventType for registry events. */
  readonly eventType?: string;
}

/**
 * Deep Visibility event types read besides process creation, by their lower-cased `event.type` / `eventType`. A Map:
 * the type is source text and must never resolve to an Object.prototype member.
 */
const EVENTS: ReadonlyMap<string, S1Event> = new Map<string, S1Event>([
  ['ip connect', { category: 'network_connection', kind: 'network' }],
  ['ip listen', { category: 'network_connection', kind: 'listen' }],
  ['dns resolved', { category: 'dns_query', kind: 'dns' }],
  ['dns unresolved', { category: 'dns_query', kind: 'dns' }],
  ['file creation', { category: 'file_event', kind: 'file' }],
  ['file modification', { category: 'file_change', kind: 'file' }],
  ['file deletion', { category: 'file_delete', kind: 'file' }],
  ['file rename', { category: 'file_rename', kind: 'file' }],
  ['registry key create', { category: 'registry_add', kind: 'registry', eventType: 'CreateKey' }],
  ['registry key delete', { category: 'registry_delete', kind: 'registry', eventType: 'DeleteKey' }],
  ['registry key rename', { category: 'registry_rename', kind: 'registry', eventType: 'RenameKey' }],
  ['registry value create', { category: 'registry_set', kind: 'registry', eventType: 'SetValue' }],
  ['registry value modified', { category: 'registry_set', kind: 'registry', eventType: 'SetValue' }],
  ['registry value delete', { category: 'registry_delete', kind: 'registry', eventType: 'DeleteValue' }],
]);

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

/** A field of either shape: the Data Lake dotted name, else the legacy camelCase column. */
type Reader = (dottedName: string, legacyName: string) => unknown;

function readerOf(json: Readonly<Record<string, unknown>>, dataLake: boolean): Reader {
  return dataLake ? (name) => dotted(json, name) : (_name, legacy) => prop(json, legacy);
}

/** What the event acted on, from either shape. */
function objectFields(read: Reader, event: S1Event): LooseFields {
  const text = (dottedName: string, legacyName: string): string | undefined => str(read(dottedName, legacyName));
  switch (event.kind) {
    case 'network':
    case 'listen': {
      const direction = text('event.network.direction', 'direction')?.toLowerCase();
      const inbound = event.kind === 'listen' || direction === 'incoming' || direction === 'inbound';
      const outbound = direction === 'outgoing' || direction === 'outbound';
      const source = { ip: text('src.ip.address', 'srcIp'), port: int(read('src.port.number', 'srcPort')) };
      const destination = { ip: text('dst.ip.address', 'dstIp'), port: int(read('dst.port.number', 'dstPort')) };
      // A listen names only the local socket; it is where inbound connections arrive, so it is the destination.
      const local = event.kind === 'listen' && destination.ip === undefined ? source : destination;
      return {
        Initiated: inbound ? 'false' : outbound ? 'true' : undefined,
        Protocol: protocolName(read('event.network.protocolName', 'networkProtocolName')),
        SourceIp: event.kind === 'listen' ? undefined : source.ip,
        SourcePort: event.kind === 'listen' ? undefined : source.port,
        DestinationIp: local.ip,
        DestinationPort: local.port,
        DestinationIsIpv6: isIpv6(local.ip),
      };
    }
    case 'dns':
      return {
        QueryName: text('event.dns.request', 'dnsRequest'),
        QueryResults: text('event.dns.response', 'dnsResponse'),
      };
    case 'file': {
      const target = text('tgt.file.path', 'fileFullName');
      const renamed = event.category === 'file_rename';
      return {
        TargetFilename: target,
        // Sigma's file_rename names the new path TargetFilename and the old one SourceFilename.
        SourceFilename: renamed ? text('tgt.file.oldPath', 'oldFileName') : undefined,
        TargetFilenameNew: renamed ? target : undefined,
        Hashes: hashesOf({
          SHA256: text('tgt.file.sha256', 'fileSha256'),
          SHA1: text('tgt.file.sha1', 'fileSha1'),
          MD5: text('tgt.file.md5', 'fileMd5'),
        }),
      };
    }
    case 'registry': {
      const key = sysmonRegistryPath(text('registry.keyPath', 'registryPath'));
      if (event.eventType === 'RenameKey') {
        return {
          EventType: event.eventType,
          TargetObject: sysmonRegistryPath(text('registry.oldKeyPath', 'oldRegistryPath')) ?? key,
          NewName: key,
        };
      }
      return {
        EventType: event.eventType,
        TargetObject: key,
        Details: event.eventType === 'SetValue' ? text('registry.value', 'registryValue') : undefined,
      };
    }
    default:
      return {};
  }
}

/** The acting process: `src.process` in the Data Lake shape, the `process*` columns in the legacy one. */
function actingOf(json: Readonly<Record<string, unknown>>, dataLake: boolean): LooseFields {
  if (dataLake) {
    const acting = processFields(json, 'src.process');
    const parent = processFields(json, 'src.process.parent');
    return {
      ...acting,
      ParentImage: parent.Image,
      ParentCommandLine: parent.CommandLine,
      ParentProcessId: parent.ProcessId,
    };
  }
  return {
    Image: str(prop(json, 'processImagePath')),
    CommandLine: str(prop(json, 'processCmd')),
    ProcessId: int(prop(json, 'pid')),
    ProcessGuid: str(prop(json, 'processUniqueKey')),
    ParentImage: str(prop(json, 'parentProcessName')),
    ParentProcessId: int(prop(json, 'parentPid')),
    User: str(prop(json, 'user')) ?? str(prop(json, 'processUserName')),
    IntegrityLevel: str(prop(json, 'processIntegrityLevel')),
  };
}

function activity(input: RecordInput, json: Readonly<Record<string, unknown>>, event: S1Event, dataLake: boolean) {
  const object = objectFields(readerOf(json, dataLake), event);
  const acting = actingOf(json, dataLake);
  const os = dataLake ? dotted(json, 'endpoint.os') : prop(json, 'agentOs');
  return outcomeOf(
    buildActivity(input, FORMAT, {
      category: event.category,
      platform: platformFromOs(os) ?? platformFromPath(acting.Image ?? object.TargetFilename) ?? 'windows',
      time: dataLake ? (dotted(json, 'event.time') ?? prop(json, 'timestamp')) : prop(json, 'createdAt'),
      host: dataLake
        ? hostOf(input, { hostname: dottedStr(json, 'endpoint.name'), agentId: dottedStr(json, 'agent.uuid') })
        : hostOf(input, { hostname: str(prop(json, 'agentName')), agentId: str(prop(json, 'agentUuid')) }),
      fields: { ...actingFields(acting, event.category), ...object },
      recordId: dataLake ? dottedStr(json, 'event.id') : str(prop(json, 'id')),
      raw: json,
    }),
  );
}

function eventOf(type: unknown): S1Event | undefined {
  return typeof type === 'string' ? EVENTS.get(type.toLowerCase()) : undefined;
}

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    const dataLake = isDataLakeShape(json);
    const type = dataLake ? dotted(json, 'event.type') : prop(json, 'eventType');
    if (isProcessCreation(type)) {
      return outcomeOf(
        buildProcessStart(input, FORMAT, dataLake ? fromDataLake(input, json) : fromDeepVisibility(input, json)),
      );
    }
    const event = eventOf(type);
    return event === undefined ? NOTHING : activity(input, json, event, dataLake);
  });
}

/** SentinelOne Deep Visibility / Singularity Data Lake process, network, DNS, file and registry events. */
export const sentinelOneParser: ParserFactory = {
  format: FORMAT,
  description:
    'SentinelOne Deep Visibility / Singularity Data Lake process creation, IP connect/listen, DNS, file and registry events',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
