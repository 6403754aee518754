import type { EventCategory, EventFields } from '../../model';
import { defined, failure, str } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import { claimsScriptBlock, isPowerShellLog } from './powershell-4104';
import { claims4688, isSecurityLog } from './security-4688';
import { isSysmon } from './sysmon-windows';
import { claims7045 } from './system-7045';
import { dataText, sameName, windowsEvent } from './windows-event';
import { claimOf, decodeWindowsRecord, type WindowsClaim, type WindowsRecord } from './windows-record';

const FORMAT = 'windows-event';

/**
 * Events of a builtin log that have a Sigma category of their own, as rows: the log, the id, the category and the
 * Sigma fields read from the record. Everything else of any log is a `log_event` that rules reach by `service:` or
 * channel, with every System/EventData/UserData value in `raw` under its own name.
 */
interface ChannelEventRow {
  readonly eventId: number;
  readonly isLog: (claim: WindowsClaim) => boolean;
  readonly category: EventCategory;
  readonly fields: (record: WindowsRecord) => EventFields;
}

/** Windows PowerShell 5.1's classic log (400/600/800), not the Operational one. */
function isClassicPowerShell(claim: WindowsClaim): boolean {
  return (
    sameName(claim.channel, 'Windows PowerShell') ||
    (claim.channel === undefined && sameName(claim.provider, 'PowerShell'))
  );
}

const CHANNEL_EVENTS: readonly ChannelEventRow[] = [
  // Security 4697 "A service was installed in the system": Sigma reads it like System 7045.
  {
    eventId: 4697,
    isLog: isSecurityLog,
    category: 'service_install',
    fields: (record) =>
      defined({
        ServiceName: dataText(record, 'ServiceName'),
        ImagePath: dataText(record, 'ServiceFileName'),
        ServiceType: dataText(record, 'ServiceType'),
        StartType: dataText(record, 'ServiceStartType'),
        AccountName: dataText(record, 'ServiceAccount'),
      }),
  },
  // 4103 module logging: the pipeline with resolved command names ("CommandInvocation(New-VM): ...").
  { eventId: 4103, isLog: isPowerShellLog, category: 'ps_module', fields: moduleFields },
  { eventId: 400, isLog: isClassicPowerShell, category: 'ps_classic_start', fields: classicFields },
  { eventId: 600, isLog: isClassicPowerShell, category: 'ps_classic_provider_start', fields: classicFields },
  { eventId: 800, isLog: isClassicPowerShell, category: 'ps_classic_script', fields: classicFields },
];

/** 4103's rendered message: Payload, then "Context:" and ContextInfo, then "User Data:" (CloudWatch text keeps only it). */
const CONTEXT_HEADING = /\r?\n\r?\n\r?\nContext:\r?\n/;

function moduleFields(record: WindowsRecord): EventFields {
  const payload = dataText(record, 'Payload');
  const context = dataText(record, 'ContextInfo');
  if (payload !== undefined || context !== undefined) return defined({ Payload: payload, ContextInfo: context });
  const message = record.shape === 'cloudwatch-text' ? str(record.raw['Message']) : undefined;
  // Found by one search and one indexOf (no backtracking pattern over the whole message): linear in its size.
  const heading = message === undefined ? null : CONTEXT_HEADING.exec(message);
  if (message === undefined || heading === null) return {};
  const rest = message.slice(heading.index + heading[0].length);
  const userData = rest.indexOf('User Data:');
  return {
    Payload: message.slice(0, heading.index),
    ContextInfo: (userData === -1 ? rest : rest.slice(0, userData)).trimEnd(),
  };
}

/**
 * Classic engine events put their details in unnamed Data elements (JSON shippers: param1, param2, ...); Sigma rules
 * read them as `Data` (`Data|contains: 'HostName=ConsoleHost'`): all values, one per line.
 */
/** How shippers name unnamed Data: Winlogbeat param1, param2, ...; our Event XML reader Data1, Data2, .... */
const UNNAMED_KEY = /^(?:param|Data)\d{1,3}$/;

function classicFields(record: WindowsRecord): EventFields {
  const values =
    record.unnamed ??
    Object.keys(record.data)
      .filter((key) => UNNAMED_KEY.test(key))
      .map((key) => record.data[key])
      .filter((value): value is string => typeof value === 'string');
  if (values.length > 0) return { Data: values.join('\n') };
  const message = record.shape === 'cloudwatch-text' ? str(record.raw['Message']) : undefined;
  return message === undefined ? {} : { Data: message };
}

function rowFor(record: WindowsRecord): ChannelEventRow | undefined {
  for (const row of CHANNEL_EVENTS) if (row.eventId === record.eventId && row.isLog(record)) return row;
  return undefined;
}

/** Sysmon for Linux writes the same Event XML: it belongs to the sysmon-linux parser. */
function isLinuxSysmon(claim: WindowsClaim): boolean {
  return sameName(claim.provider, 'Linux-Sysmon') || sameName(claim.channel, 'Linux-Sysmon/Operational');
}

/** The specific Windows parsers' claims: what they take, this parser leaves (also when it matched the last record). */
function claimedElsewhere(input: RecordInput, claim: WindowsClaim): boolean {
  return isSysmon(claim) || isLinuxSysmon(claim) || claims4688(input) || claims7045(input) || claimsScriptBlock(input);
}

function parse(input: RecordInput): ParseOutcome {
  const decoded = decodeWindowsRecord(input);
  if (decoded.kind === 'none') {
    return failure(
      input,
      FORMAT,
      'invalid-record',
      'not a Windows event (Event XML, CloudWatch text, Winlogbeat, NXLog or Azure row)',
    );
  }
  if (decoded.kind === 'invalid') return failure(input, FORMAT, 'invalid-record', decoded.reason);
  const { record } = decoded;
  if (record.eventId === undefined) {
    return failure(input, FORMAT, 'invalid-record', 'EventID is missing or not an integer (0..65535)');
  }
  const row = rowFor(record);
  const built = windowsEvent(input, FORMAT, record, row?.category ?? 'log_event', row ? row.fields(record) : {});
  return built.ok ? ok([built.event]) : built.outcome;
}

export const windowsEventParser: ParserFactory = {
  format: FORMAT,
  description:
    'Any other Windows event of any channel (log_event; Security 4697 service_install, PowerShell 4103 ps_module, 400/600/800 classic): System, EventData and UserData flattened by name',
  create(): RecordParser {
    return {
      format: FORMAT,
      sniff(input: RecordInput): boolean {
        const decoded = decodeWindowsRecord(input);
        const claim = claimOf(decoded);
        if (claim === undefined) return false;
        // A broken document is ours to explain only when it still says it is a Windows event.
        if (decoded.kind === 'invalid' && claim.eventId === undefined && claim.provider === undefined) return false;
        return !claimedElsewhere(input, claim);
      },
      parse,
    };
  },
};
