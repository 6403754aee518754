import { failure } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import { sysmonEvent } from '../sysmon-table';
import { dataText, sameName, selectWindowsRecord, utcTimeOf, windowsEvent } from './windows-event';
import { claimOf, decodeWindowsRecord, type WindowsClaim } from './windows-record';

const FORMAT = 'sysmon-windows';

/** Sysmon on Windows: provider Microsoft-Windows-Sysmon, channel Microsoft-Windows-Sysmon/Operational. */
export function isSysmon(claim: WindowsClaim): boolean {
  return (
    sameName(claim.provider, 'Microsoft-Windows-Sysmon') ||
    sameName(claim.channel, 'Microsoft-Windows-Sysmon/Operational')
  );
}

/** Every Sysmon event id, categorised and copied by the one Sysmon table (lib/sources/sysmon-table.ts). */
function parse(input: RecordInput): ParseOutcome {
  const selected = selectWindowsRecord(input, FORMAT, 'Sysmon', isSysmon);
  if (!selected.ok) return selected.outcome;
  const { record } = selected;
  const eventId = record.eventId as number;
  const sysmon = sysmonEvent(eventId, (name) => dataText(record, name));
  if (!sysmon.ok) return failure(input, FORMAT, 'missing-field', sysmon.reason);
  // Every Sysmon event carries UtcTime: the moment of the event itself, before the log's TimeCreated.
  const built = windowsEvent(input, FORMAT, record, sysmon.category, sysmon.fields, [
    utcTimeOf(dataText(record, 'UtcTime')),
  ]);
  return built.ok ? ok([built.event]) : built.outcome;
}

export const sysmonWindowsParser: ParserFactory = {
  format: FORMAT,
  description:
    'Sysmon on Windows, every event id (process, network, DNS, driver/image loads, files, registry, pipes, access, ...): Event XML, CloudWatch text, Winlogbeat, NXLog or Azure rows',
  create(): RecordParser {
    return {
      format: FORMAT,
      sniff(input: RecordInput): boolean {
        const claim = claimOf(decodeWindowsRecord(input));
        return claim !== undefined && isSysmon(claim);
      },
      parse,
    };
  },
};
