import type { ProcessFields } from '../../model';
import { failure } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import { SYSMON_PROCESS_TEXT_FIELDS } from '../sysmon-fields';
import {
  dataInt,
  dataText,
  sameName,
  selectRecord,
  utcTimeOf,
  type WindowsEventSpec,
  windowsEvent,
} from './windows-event';
import { claimOf, decodeWindowsRecord, type WindowsClaim } from './windows-record';

const FORMAT = 'sysmon-windows';

/** Sysmon on Windows: provider Microsoft-Windows-Sysmon, channel Microsoft-Windows-Sysmon/Operational. */
function isSysmon(claim: WindowsClaim): boolean {
  return (
    sameName(claim.provider, 'Microsoft-Windows-Sysmon') ||
    sameName(claim.channel, 'Microsoft-Windows-Sysmon/Operational')
  );
}

const SPEC: WindowsEventSpec = { format: FORMAT, eventId: 1, label: 'Sysmon process creation', isFamily: isSysmon };

/** Sysmon values copied under the same (Sigma) names; "-" means no value. */
const TEXT_FIELDS = SYSMON_PROCESS_TEXT_FIELDS;

function parse(input: RecordInput): ParseOutcome {
  const selected = selectRecord(input, SPEC);
  if (!selected.ok) return selected.outcome;
  const { record } = selected;
  const image = dataText(record, 'Image');
  if (image === undefined) return failure(input, FORMAT, 'missing-field', 'Sysmon event 1 without Image');
  const fields: ProcessFields = { Image: image };
  for (const name of TEXT_FIELDS) {
    const value = dataText(record, name);
    if (value !== undefined) fields[name] = value;
  }
  const processId = dataInt(record, 'ProcessId');
  if (processId !== undefined) fields.ProcessId = processId;
  const parentProcessId = dataInt(record, 'ParentProcessId');
  if (parentProcessId !== undefined) fields.ParentProcessId = parentProcessId;
  const built = windowsEvent(input, FORMAT, record, 'process_creation', fields, [
    utcTimeOf(dataText(record, 'UtcTime')),
  ]);
  return built.ok ? ok([built.event]) : built.outcome;
}

export const sysmonWindowsParser: ParserFactory = {
  format: FORMAT,
  description: 'Sysmon Event ID 1 (process creation) on Windows: Event XML, Winlogbeat, NXLog or Azure rows',
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
