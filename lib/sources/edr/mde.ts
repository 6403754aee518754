import type { NormalizedEvent, Platform } from '../../model';
import { hostOf, int, isRecord, prop, str } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { hashesOf, joinPath, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { buildProcessStart, fail, guarded, type ParseFailure } from './process-event';

const FORMAT = 'mde';

/** Streaming API / Event Hub category of the process table. */
const PROCESS_CATEGORY = 'advancedhunting-deviceprocessevents';
/** Table name as Log Analytics / Sentinel rows carry it in `Type`. */
const PROCESS_TABLE = 'DeviceProcessEvents';
const PROCESS_CREATED = 'ProcessCreated';
/** A bound on one Event Hub / storage batch: a larger `records` array is refused rather than walked. */
const MAX_BATCH = 10_000;

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

/** The columns of one process row and whether it is a process creation at all. */
function rowOf(record: unknown): { readonly columns: Record<string, unknown>; readonly time: unknown } | undefined {
  if (isStreamingRecord(record)) {
    if (str(prop(record, 'category'))?.toLowerCase() !== PROCESS_CATEGORY) return undefined;
    const columns = prop(record, 'properties') as Record<string, unknown>;
    const action = prop(columns, 'ActionType');
    if (action !== undefined && action !== PROCESS_CREATED) return undefined;
    return { columns, time: prop(columns, 'Timestamp') ?? prop(record, 'time') };
  }
  if (!isRecord(record) || !isHuntingRow(record)) return undefined;
  const table = prop(record, 'Type');
  if (table !== undefined && table !== PROCESS_TABLE) return undefined;
  if (prop(record, 'ActionType') !== PROCESS_CREATED) return undefined;
  return { columns: record, time: prop(record, 'Timestamp') ?? prop(record, 'TimeGenerated') };
}

function platformOf(columns: Record<string, unknown>, image: string | undefined): Platform {
  return (
    platformFromOs(prop(columns, 'OSPlatform')) ??
    platformFromOs(prop(columns, 'OsPlatform')) ??
    platformFromPath(image) ??
    'windows'
  );
}

function eventOf(input: RecordInput, record: unknown): NormalizedEvent | ParseFailure | undefined {
  const row = rowOf(record);
  if (row === undefined) return undefined;
  const c = row.columns;
  const image = joinPath(str(prop(c, 'FolderPath')), str(prop(c, 'FileName')));
  const platform = platformOf(c, image);
  // On Linux and macOS MDE fills AccountDomain with the host name: a DOMAIN\user form would be invented.
  const domainOf = (column: string): string | undefined => (platform === 'windows' ? str(prop(c, column)) : undefined);
  const built = buildProcessStart(input, FORMAT, {
    platform,
    time: row.time,
    host: hostOf(input, { hostname: str(prop(c, 'DeviceName')), agentId: str(prop(c, 'DeviceId')) }),
    fields: {
      Image: image,
      CommandLine: str(prop(c, 'ProcessCommandLine')),
      ProcessId: int(prop(c, 'ProcessId')),
      ParentImage: joinPath(str(prop(c, 'InitiatingProcessFolderPath')), str(prop(c, 'InitiatingProcessFileName'))),
      ParentCommandLine: str(prop(c, 'InitiatingProcessCommandLine')),
      ParentProcessId: int(prop(c, 'InitiatingProcessId')),
      User:
        qualifiedUser(domainOf('AccountDomain'), str(prop(c, 'AccountName'))) ??
        qualifiedUser(domainOf('InitiatingProcessAccountDomain'), str(prop(c, 'InitiatingProcessAccountName'))),
      UserId: str(prop(c, 'AccountSid')),
      LogonId: str(prop(c, 'LogonId')),
      IntegrityLevel: str(prop(c, 'ProcessIntegrityLevel')),
      Hashes: hashesOf({ SHA256: str(prop(c, 'SHA256')), SHA1: str(prop(c, 'SHA1')), MD5: str(prop(c, 'MD5')) }),
      OriginalFileName: str(prop(c, 'ProcessVersionInfoOriginalFileName')),
      Company: str(prop(c, 'ProcessVersionInfoCompanyName')),
      Product: str(prop(c, 'ProcessVersionInfoProductName')),
      Description: str(prop(c, 'ProcessVersionInfoFileDescription')),
      FileVersion: str(prop(c, 'ProcessVersionInfoProductVersion')),
    },
    recordId: str(prop(c, 'ReportId')),
    raw: c,
  });
  return built.ok ? built.event : built;
}

/**
 * A batch (`records`) yields the events of its valid process rows; it fails only when every process row in it is
 * invalid, so one bad row never hides the others.
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

/** Microsoft Defender for Endpoint DeviceProcessEvents (streaming API / Event Hub, advanced-hunting rows). */
export const mdeParser: ParserFactory = {
  format: FORMAT,
  description: 'Microsoft Defender for Endpoint DeviceProcessEvents (streaming API records and advanced-hunting rows)',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
