import type { EventCategory, Platform } from '../../model';
import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { buildActivity } from './activity';
import { hashesOf, normalizeDevicePath, platformFromOs, platformFromPath } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf } from './process-event';
import { protocolName, queryResults, sysmonBool } from './telemetry';

const FORMAT = 'crowdstrike-fdr';

/** The FDR event names that report a process start. */
const PROCESS_STARTS = new Set(['ProcessRollup2', 'SyntheticProcessRollup2']);

type Kind = 'connect' | 'accept' | 'listen' | 'dns' | 'driver' | 'written' | 'deleted';

interface FdrEvent {
  readonly category: EventCategory;
  readonly kind: Kind;
  readonly ipv6?: boolean;
}

/**
 * The FDR events (event_simpleName) read besides process starts. The executable-written family reports a file whose
 * name or header makes it an executable (PE, ELF, Mach-O); a Map so source text never reaches Object.prototype.
 */
const EVENTS: ReadonlyMap<string, FdrEvent> = new Map<string, FdrEvent>([
  ['NetworkConnectIP4', { category: 'network_connection', kind: 'connect' }],
  ['NetworkConnectIP6', { category: 'network_connection', kind: 'connect', ipv6: true }],
  ['NetworkReceiveAcceptIP4', { category: 'network_connection', kind: 'accept' }],
  ['NetworkReceiveAcceptIP6', { category: 'network_connection', kind: 'accept', ipv6: true }],
  ['NetworkListenIP4', { category: 'network_connection', kind: 'listen' }],
  ['NetworkListenIP6', { category: 'network_connection', kind: 'listen', ipv6: true }],
  ['DnsRequest', { category: 'dns_query', kind: 'dns' }],
  ['DriverLoad', { category: 'driver_load', kind: 'driver' }],
  ['NewExecutableWritten', { category: 'file_event', kind: 'written' }],
  ['PeFileWritten', { category: 'file_event', kind: 'written' }],
  ['ELFFileWritten', { category: 'file_event', kind: 'written' }],
  ['MachOFileWritten', { category: 'file_event', kind: 'written' }],
  ['ExecutableDeleted', { category: 'file_delete', kind: 'deleted' }],
]);

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

/**
 * Process starts remembered per batch so the network, DNS and file events of the same batch carry the full image
 * path and command line: FDR gives those events only the acting process's Falcon id (ContextProcessId) and base
 * name. Bounded; the oldest entries go first.
 */
const MAX_REMEMBERED_PROCESSES = 10_000;

type Remembered = Pick<
  LooseFields,
  'Image' | 'CommandLine' | 'ProcessId' | 'User' | 'OriginalFileName' | 'ParentImage'
>;

/** An FDR event: a JSON object naming its event and the sensor (aid) or customer (cid) it came from. */
function sniff(input: RecordInput): boolean {
  const json = input.json;
  return (
    typeof prop(json, 'event_simpleName') === 'string' &&
    (typeof prop(json, 'aid') === 'string' || typeof prop(json, 'cid') === 'string')
  );
}

function platformOf(json: Readonly<Record<string, unknown>>, path: string | undefined): Platform {
  return (
    PLATFORMS.get(str(prop(json, 'event_platform')) ?? '') ??
    platformFromOs(prop(json, 'event_platform')) ??
    platformFromPath(path) ??
    'windows'
  );
}

/** A Falcon path (`\Device\HarddiskVolume3\...`) as a user-mode path. */
function pathOf(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined ? undefined : normalizeDevicePath(text);
}

function hashesOfEvent(json: Readonly<Record<string, unknown>>): string | undefined {
  return hashesOf({
    SHA256: str(prop(json, 'SHA256HashData')),
    SHA1: str(prop(json, 'SHA1HashData')),
    MD5: str(prop(json, 'MD5HashData')),
  });
}

function processStart(input: RecordInput, json: Readonly<Record<string, unknown>>, memory: Map<string, Remembered>) {
  const originalImage = str(prop(json, 'ImageFileName'));
  const image = originalImage === undefined ? undefined : normalizeDevicePath(originalImage);
  const integrity = int(prop(json, 'IntegrityLevel'));
  const fields: LooseFields = {
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
    Hashes: hashesOfEvent(json),
    OriginalFileName: str(prop(json, 'OriginalFilename')),
    Provider: str(prop(json, 'name')),
  };
  const guid = fields.ProcessGuid;
  if (guid !== undefined) remember(memory, guid, fields);
  return outcomeOf(
    buildProcessStart(input, FORMAT, {
      platform: platformOf(json, originalImage),
      time: prop(json, 'timestamp') ?? prop(json, 'ProcessStartTime'),
      host: hostOf(input, { hostname: str(prop(json, 'ComputerName')), agentId: str(prop(json, 'aid')) }),
      fields,
      recordId: str(prop(json, 'id')),
      raw: json,
    }),
  );
}

function remember(memory: Map<string, Remembered>, guid: string, fields: LooseFields): void {
  if (memory.size >= MAX_REMEMBERED_PROCESSES && !memory.has(guid)) {
    const oldest = memory.keys().next();
    if (!oldest.done) memory.delete(oldest.value);
  }
  memory.set(guid, {
    Image: fields.Image,
    CommandLine: fields.CommandLine,
    ProcessId: fields.ProcessId,
    User: fields.User,
    OriginalFileName: fields.OriginalFileName,
    ParentImage: fields.ParentImage,
  });
}

/**
 * The acting process: the start remembered from this batch, else what the event itself names (a full
 * ContextImageFileName on newer sensors, else only the base name in ContextBaseFileName).
 */
function actingProcess(json: Readonly<Record<string, unknown>>, memory: Map<string, Remembered>): LooseFields {
  const guid = str(prop(json, 'ContextProcessId'));
  const known = guid === undefined ? undefined : memory.get(guid);
  return {
    ...known,
    Image: known?.Image ?? pathOf(prop(json, 'ContextImageFileName')) ?? str(prop(json, 'ContextBaseFileName')),
    ProcessGuid: guid,
    User: known?.User ?? str(prop(json, 'UserName')),
    Provider: str(prop(json, 'name')),
  };
}

function objectFields(json: Readonly<Record<string, unknown>>, event: FdrEvent): LooseFields {
  const local = {
    ip: str(prop(json, event.ipv6 ? 'LocalAddressIP6' : 'LocalAddressIP4')),
    port: int(prop(json, 'LocalPort')),
  };
  const remote = {
    ip: str(prop(json, event.ipv6 ? 'RemoteAddressIP6' : 'RemoteAddressIP4')),
    port: int(prop(json, 'RemotePort')),
  };
  switch (event.kind) {
    case 'connect':
    case 'accept':
    case 'listen': {
      // Sysmon's Source is the side that opened the connection: this host for connects, the peer for accepts.
      const [source, destination] = event.kind === 'connect' ? [local, remote] : [remote, local];
      return {
        Initiated: event.kind === 'connect' ? 'true' : 'false',
        Protocol: protocolName(prop(json, 'Protocol')),
        SourceIp: event.kind === 'listen' ? undefined : source.ip,
        SourcePort: event.kind === 'listen' ? undefined : source.port,
        DestinationIp: destination.ip,
        DestinationPort: destination.port,
        DestinationIsIpv6: sysmonBool(event.ipv6 === true),
      };
    }
    case 'dns':
      return {
        QueryName: str(prop(json, 'DomainName')),
        QueryStatus: str(prop(json, 'QueryStatus')),
        QueryResults: queryResults(prop(json, 'IP4Records'), prop(json, 'IP6Records'), prop(json, 'CNAMERecords')),
      };
    case 'driver': {
      const loaded = pathOf(prop(json, 'ImageFileName'));
      return {
        ImageLoaded: loaded,
        Hashes: hashesOfEvent(json),
        // The driver's own version info, as Sysmon describes a loaded image (not a process).
        OriginalFileName: str(prop(json, 'OriginalFilename')),
        Company: str(prop(json, 'CompanyName')),
        FileVersion: str(prop(json, 'FileVersion')),
      };
    }
    case 'written':
    case 'deleted': {
      const target = pathOf(prop(json, 'TargetFileName'));
      return {
        TargetFilename: target,
        IsExecutable: 'true',
        Hashes: hashesOfEvent(json),
        FileOperation: str(prop(json, 'event_simpleName')),
      };
    }
    default:
      return {};
  }
}

function activity(
  input: RecordInput,
  json: Readonly<Record<string, unknown>>,
  event: FdrEvent,
  memory: Map<string, Remembered>,
) {
  const object = objectFields(json, event);
  // A driver is loaded by the kernel, not by a process worth naming; Sysmon's driver_load has no Image either.
  const acting = event.kind === 'driver' ? {} : actingProcess(json, memory);
  return outcomeOf(
    buildActivity(input, FORMAT, {
      category: event.category,
      platform: platformOf(json, acting.Image ?? object.TargetFilename ?? object.ImageLoaded),
      time: prop(json, 'timestamp') ?? prop(json, 'ContextTimeStamp'),
      host: hostOf(input, { hostname: str(prop(json, 'ComputerName')), agentId: str(prop(json, 'aid')) }),
      fields: { ...acting, ...object },
      recordId: str(prop(json, 'id')),
      raw: json,
    }),
  );
}

function parserOf(): RecordParser {
  const memory = new Map<string, Remembered>();
  return {
    format: FORMAT,
    sniff,
    parse(input: RecordInput): ParseOutcome {
      return guarded(input, FORMAT, () => {
        const json = input.json;
        if (!isRecord(json)) return NOTHING;
        const name = str(prop(json, 'event_simpleName')) ?? '';
        if (PROCESS_STARTS.has(name)) return processStart(input, json, memory);
        const event = EVENTS.get(name);
        return event === undefined ? NOTHING : activity(input, json, event, memory);
      });
    },
  };
}

/** CrowdStrike Falcon Data Replicator process, network, DNS, driver and executable-written events. */
export const crowdStrikeFdrParser: ParserFactory = {
  format: FORMAT,
  description:
    'CrowdStrike Falcon Data Replicator process starts (ProcessRollup2), network (NetworkConnect/ReceiveAccept/Listen IP4/IP6), DnsRequest, DriverLoad and executable-written events',
  create: parserOf,
};
