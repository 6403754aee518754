import type { EventCategory, NormalizedEvent, Platform } from '../../model';
import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { actingFields, buildActivity } from './activity';
import { hashesOf, joinPath, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { type Built, buildProcessStart, fail, guarded, type LooseFields, type ParseFailure } from './process-event';
import { isIpv6, protocolName, queryResults, sysmonDetails, sysmonRegistryPath, valuePath } from './telemetry';

const FORMAT = 'mde';

/** A bound on one Event Hub / storage batch: a larger `records` array is refused rather than walked. */
const MAX_BATCH = 10_000;
/** AdditionalFields is a small JSON object; a larger text is not parsed. */
const MAX_ADDITIONAL_FIELDS = 65_536;

type Kind = 'process' | 'connect' | 'accept' | 'listen' | 'file' | 'registry' | 'image' | 'driver' | 'dns';

/** One ActionType the parser reads: the table it belongs to, the Sigma category and how its columns map. */
interface Action {
  readonly table: string;
  readonly category: EventCategory;
  readonly kind: Kind;
  /** Sysmon's EventType for registry events. */
  readonly eventType?: string;
}

const NETWORK = 'DeviceNetworkEvents';
const FILES = 'DeviceFileEvents';
const REGISTRY = 'DeviceRegistryEvents';

/**
 * The ActionTypes read, by table (Defender's advanced-hunting schema). ActionType values are unique across these
 * tables, so rows without a table name (advanced-hunting API results) are placed by their ActionType alone. A Map:
 * ActionType is source text, and "constructor" must not resolve to anything.
 */
const ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['ProcessCreated', { table: 'DeviceProcessEvents', category: 'process_creation', kind: 'process' }],
  ['ConnectionSuccess', { table: NETWORK, category: 'network_connection', kind: 'connect' }],
  ['ConnectionFailed', { table: NETWORK, category: 'network_connection', kind: 'connect' }],
  ['ConnectionAttempt', { table: NETWORK, category: 'network_connection', kind: 'connect' }],
  ['ConnectionRequest', { table: NETWORK, category: 'network_connection', kind: 'connect' }],
  ['InboundConnectionAccepted', { table: NETWORK, category: 'network_connection', kind: 'accept' }],
  ['ListeningConnectionCreated', { table: NETWORK, category: 'network_connection', kind: 'listen' }],
  ['FileCreated', { table: FILES, category: 'file_event', kind: 'file' }],
  ['FileModified', { table: FILES, category: 'file_change', kind: 'file' }],
  ['FileDeleted', { table: FILES, category: 'file_delete', kind: 'file' }],
  ['FileRenamed', { table: FILES, category: 'file_rename', kind: 'file' }],
  ['RegistryKeyCreated', { table: REGISTRY, category: 'registry_add', kind: 'registry', eventType: 'CreateKey' }],
  ['RegistryValueSet', { table: REGISTRY, category: 'registry_set', kind: 'registry', eventType: 'SetValue' }],
  ['RegistryKeyDeleted', { table: REGISTRY, category: 'registry_delete', kind: 'registry', eventType: 'DeleteKey' }],
  [
    'RegistryValueDeleted',
    { table: REGISTRY, category: 'registry_delete', kind: 'registry', eventType: 'DeleteValue' },
  ],
  ['RegistryKeyRenamed', { table: REGISTRY, category: 'registry_rename', kind: 'registry', eventType: 'RenameKey' }],
  ['ImageLoaded', { table: 'DeviceImageLoadEvents', category: 'image_load', kind: 'image' }],
  ['DriverLoad', { table: 'DeviceEvents', category: 'driver_load', kind: 'driver' }],
  ['DnsQueryResponse', { table: 'DeviceEvents', category: 'dns_query', kind: 'dns' }],
]);

/** Streaming API / Event Hub categories (`AdvancedHunting-<Table>`, compared lower-case) to table names. */
const STREAM_TABLES: ReadonlyMap<string, string> = new Map(
  [...new Set([...ACTIONS.values()].map((action) => action.table))].map((table) => [
    `advancedhunting-${table.toLowerCase()}`,
    table,
  ]),
);

function isStreamingRecord(value: unknown): boolean {
  const category = prop(value, 'category');
  return (
    typeof category === 'string' &&
    category.toLowerCase().startsWith('advancedhunting-') &&
    isRecord(prop(value, 'properties'))
  );
}

/** An advanced-hunting row: device id plus an action type and the table's time column. */
function isHuntingRow(value: unknown): boolean {
  return (
    typeof prop(value, 'DeviceId') === 'string' &&
    typeof prop(value, 'ActionType') === 'string' &&
    (prop(value, 'Timestamp') !== undefined || prop(value, 'TimeGenerated') !== undefined)
  );
}

function sniff(input: RecordInput): boolean {
  const json = input.json;
  if (isStreamingRecord(json) || isHuntingRow(json)) return true;
  const records = prop(json, 'records');
  return Array.isArray(records) && records.length > 0 && isStreamingRecord(records[0]);
}

interface Row {
  readonly columns: Record<string, unknown>;
  readonly time: unknown;
  readonly action: Action;
}

/** The columns of one row the parser reads, or undefined for other tables and action types (valid, irrelevant). */
function rowOf(record: unknown): Row | undefined {
  if (isStreamingRecord(record)) {
    const table = STREAM_TABLES.get(str(prop(record, 'category'))?.toLowerCase() ?? '');
    if (table === undefined) return undefined;
    const columns = prop(record, 'properties') as Record<string, unknown>;
    // Process rows were always read without an ActionType; every other table needs one to say what happened.
    const action = actionOf(prop(columns, 'ActionType') ?? (table === 'DeviceProcessEvents' ? 'ProcessCreated' : ''));
    if (action === undefined || action.table !== table) return undefined;
    return { columns, time: prop(columns, 'Timestamp') ?? prop(record, 'time'), action };
  }
  if (!isRecord(record) || !isHuntingRow(record)) return undefined;
  const action = actionOf(prop(record, 'ActionType'));
  if (action === undefined) return undefined;
  const table = prop(record, 'Type');
  if (table !== undefined && table !== action.table) return undefined;
  return { columns: record, time: prop(record, 'Timestamp') ?? prop(record, 'TimeGenerated'), action };
}

function actionOf(value: unknown): Action | undefined {
  return typeof value === 'string' ? ACTIONS.get(value) : undefined;
}

function platformOf(columns: Record<string, unknown>, path: string | undefined): Platform {
  return (
    platformFromOs(prop(columns, 'OSPlatform')) ??
    platformFromOs(prop(columns, 'OsPlatform')) ??
    platformFromPath(path) ??
    'windows'
  );
}

/** The column as a string. */
function col(c: Record<string, unknown>, name: string): string | undefined {
  return str(prop(c, name));
}

function eventOf(input: RecordInput, record: unknown): NormalizedEvent | ParseFailure | undefined {
  const row = rowOf(record);
  if (row === undefined) return undefined;
  const built = row.action.kind === 'process' ? processEvent(input, row) : activityEvent(input, row);
  return built.ok ? built.event : built;
}

function processEvent(input: RecordInput, row: Row): Built {
  const c = row.columns;
  const image = joinPath(col(c, 'FolderPath'), col(c, 'FileName'));
  const platform = platformOf(c, image);
  // On Linux and macOS MDE fills AccountDomain with the host name: a DOMAIN\user form would be invented.
  const domainOf = (column: string): string | undefined => (platform === 'windows' ? col(c, column) : undefined);
  return buildProcessStart(input, FORMAT, {
    platform,
    time: row.time,
    host: hostOf(input, { hostname: col(c, 'DeviceName'), agentId: col(c, 'DeviceId') }),
    fields: {
      Image: image,
      CommandLine: col(c, 'ProcessCommandLine'),
      ProcessId: int(prop(c, 'ProcessId')),
      ParentImage: joinPath(col(c, 'InitiatingProcessFolderPath'), col(c, 'InitiatingProcessFileName')),
      ParentCommandLine: col(c, 'InitiatingProcessCommandLine'),
      ParentProcessId: int(prop(c, 'InitiatingProcessId')),
      User:
        qualifiedUser(domainOf('AccountDomain'), col(c, 'AccountName')) ??
        qualifiedUser(domainOf('InitiatingProcessAccountDomain'), col(c, 'InitiatingProcessAccountName')),
      UserId: col(c, 'AccountSid'),
      LogonId: col(c, 'LogonId'),
      IntegrityLevel: col(c, 'ProcessIntegrityLevel'),
      Hashes: hashesOf({ SHA256: col(c, 'SHA256'), SHA1: col(c, 'SHA1'), MD5: col(c, 'MD5') }),
      OriginalFileName: col(c, 'ProcessVersionInfoOriginalFileName'),
      Company: col(c, 'ProcessVersionInfoCompanyName'),
      Product: col(c, 'ProcessVersionInfoProductName'),
      Description: col(c, 'ProcessVersionInfoFileDescription'),
      FileVersion: col(c, 'ProcessVersionInfoProductVersion'),
    },
    recordId: col(c, 'ReportId'),
    raw: c,
  });
}

/** The process that did it: Defender's InitiatingProcess* columns, present on every table. */
function initiatingProcess(c: Record<string, unknown>, platform: Platform): LooseFields {
  const domain = platform === 'windows' ? col(c, 'InitiatingProcessAccountDomain') : undefined;
  return {
    Image: joinPath(col(c, 'InitiatingProcessFolderPath'), col(c, 'InitiatingProcessFileName')),
    CommandLine: col(c, 'InitiatingProcessCommandLine'),
    ProcessId: int(prop(c, 'InitiatingProcessId')),
    // Defender names the initiating process's parent by file name only.
    ParentImage: col(c, 'InitiatingProcessParentFileName'),
    ParentProcessId: int(prop(c, 'InitiatingProcessParentId')),
    User: qualifiedUser(domain, col(c, 'InitiatingProcessAccountName')),
    UserId: col(c, 'InitiatingProcessAccountSid'),
    IntegrityLevel: col(c, 'InitiatingProcessIntegrityLevel'),
    OriginalFileName: col(c, 'InitiatingProcessVersionInfoOriginalFileName'),
    Company: col(c, 'InitiatingProcessVersionInfoCompanyName'),
    Product: col(c, 'InitiatingProcessVersionInfoProductName'),
    Description: col(c, 'InitiatingProcessVersionInfoFileDescription'),
    FileVersion: col(c, 'InitiatingProcessVersionInfoProductVersion'),
  };
}

function fileHashes(c: Record<string, unknown>): string | undefined {
  return hashesOf({ SHA256: col(c, 'SHA256'), SHA1: col(c, 'SHA1'), MD5: col(c, 'MD5') });
}

/** AdditionalFields: a JSON object, or its text (the streaming API and Sentinel deliver it as a string). */
function additionalFields(c: Record<string, unknown>): unknown {
  const value = prop(c, 'AdditionalFields');
  if (typeof value !== 'string') return value;
  if (value.length > MAX_ADDITIONAL_FIELDS) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The columns that describe what was acted on, per kind. */
function objectFields(c: Record<string, unknown>, action: Action): LooseFields {
  switch (action.kind) {
    case 'connect':
    case 'accept':
    case 'listen': {
      const local = { ip: col(c, 'LocalIP'), port: int(prop(c, 'LocalPort')) };
      const remote = { ip: col(c, 'RemoteIP'), port: int(prop(c, 'RemotePort')) };
      // Sysmon's Source is the side that opened the connection: this host for connects, the peer for accepts.
      const [source, destination] = action.kind === 'connect' ? [local, remote] : [remote, local];
      return {
        Initiated: action.kind === 'connect' ? 'true' : 'false',
        Protocol: protocolName(col(c, 'Protocol')?.replace(/v[46]$/i, '')),
        SourceIp: action.kind === 'listen' ? undefined : source.ip,
        SourcePort: action.kind === 'listen' ? undefined : source.port,
        DestinationIp: destination.ip,
        DestinationPort: destination.port,
        DestinationHostname: action.kind === 'connect' ? col(c, 'RemoteUrl') : undefined,
        DestinationIsIpv6: isIpv6(destination.ip),
      };
    }
    case 'file': {
      const target = joinPath(col(c, 'FolderPath'), col(c, 'FileName'));
      const renamed = action.category === 'file_rename';
      return {
        TargetFilename: target,
        // Sigma's file_rename names the new path TargetFilename and the old one SourceFilename.
        SourceFilename: renamed ? joinPath(col(c, 'PreviousFolderPath'), col(c, 'PreviousFileName')) : undefined,
        TargetFilenameNew: renamed ? target : undefined,
        Hashes: fileHashes(c),
      };
    }
    case 'registry': {
      const key = sysmonRegistryPath(col(c, 'RegistryKey'));
      const isValue = action.eventType === 'SetValue' || action.eventType === 'DeleteValue';
      if (action.eventType === 'RenameKey') {
        return {
          EventType: action.eventType,
          TargetObject: sysmonRegistryPath(col(c, 'PreviousRegistryKey')) ?? key,
          NewName: key,
        };
      }
      return {
        EventType: action.eventType,
        TargetObject: isValue ? valuePath(key, prop(c, 'RegistryValueName')) : key,
        Details:
          action.eventType === 'SetValue'
            ? sysmonDetails(col(c, 'RegistryValueType'), prop(c, 'RegistryValueData'))
            : undefined,
      };
    }
    case 'image':
    case 'driver':
      return { ImageLoaded: joinPath(col(c, 'FolderPath'), col(c, 'FileName')), Hashes: fileHashes(c) };
    case 'dns': {
      const extra = additionalFields(c);
      return {
        QueryName: str(prop(extra, 'DnsQueryString')),
        QueryResults: queryResults(prop(extra, 'DnsQueryResult')),
      };
    }
    default:
      return {};
  }
}

function activityEvent(input: RecordInput, row: Row): Built {
  const c = row.columns;
  const object = objectFields(c, row.action);
  const acting = initiatingProcess(c, platformOf(c, col(c, 'InitiatingProcessFolderPath')));
  const path = acting.Image ?? object.TargetFilename ?? object.ImageLoaded;
  return buildActivity(input, FORMAT, {
    category: row.action.category,
    platform: platformOf(c, path),
    time: row.time,
    host: hostOf(input, { hostname: col(c, 'DeviceName'), agentId: col(c, 'DeviceId') }),
    fields: { ...actingFields(acting, row.action.category), ...object },
    recordId: col(c, 'ReportId'),
    raw: c,
  });
}

/**
 * A batch (`records`) yields the events of its valid rows; it fails only when every row it reads is invalid, so one
 * bad row never hides the others.
 */
function parseBatch(input: RecordInput, records: readonly unknown[]): ParseOutcome {
  if (records.length > MAX_BATCH) {
    return fail(input, FORMAT, 'envelope-too-large', `records batch of ${records.length} exceeds ${MAX_BATCH}`);
  }
  const events: NormalizedEvent[] = [];
  let firstFailure: ParseFailure | undefined;
  for (const record of records) {
    const result = eventOf(input, record);
    if (result === undefined) continue;
    if ('ok' in result) firstFailure ??= result;
    else events.push(result);
  }
  return events.length === 0 && firstFailure !== undefined ? firstFailure : ok(events);
}

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    const records = prop(json, 'records');
    if (Array.isArray(records)) return parseBatch(input, records);
    const result = eventOf(input, json);
    if (result === undefined) return NOTHING;
    return 'ok' in result ? result : ok([result]);
  });
}

/** Microsoft Defender for Endpoint advanced-hunting tables (streaming API / Event Hub records, advanced-hunting rows). */
export const mdeParser: ParserFactory = {
  format: FORMAT,
  description:
    'Microsoft Defender for Endpoint DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents, DeviceRegistryEvents, DeviceImageLoadEvents and DeviceEvents DriverLoad/DnsQueryResponse (streaming API records and advanced-hunting rows)',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
