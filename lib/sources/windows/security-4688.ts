import type { ProcessFields } from '../../model';
import { defined, failure } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import {
  claimsWindowsEvent,
  dataInt,
  dataText,
  integrityLevelOf,
  sameName,
  selectRecord,
  type WindowsEventSpec,
  windowsEvent,
} from './windows-event';
import type { WindowsClaim, WindowsRecord } from './windows-record';

const FORMAT = 'windows-security-4688';

export function isSecurityLog(claim: WindowsClaim): boolean {
  return sameName(claim.channel, 'Security') || sameName(claim.provider, 'Microsoft-Windows-Security-Auditing');
}

const SPEC: WindowsEventSpec = { format: FORMAT, eventId: 4688, label: 'Security 4688', isFamily: isSecurityLog };

/** DOMAIN\user, or just user when the domain is absent. */
function account(record: WindowsRecord, domainField: string, userField: string): string | undefined {
  const user = dataText(record, userField);
  if (user === undefined) return undefined;
  const domain = dataText(record, domainField);
  return domain === undefined ? user : `${domain}\\${user}`;
}

/** A 4688 of the Security log, or a 4688 carrying NewProcessName (collectors that drop the log). */
export function claims4688(input: RecordInput): boolean {
  return claimsWindowsEvent(input, 4688, isSecurityLog, 'NewProcessName');
}

function parse(input: RecordInput): ParseOutcome {
  const selected = selectRecord(input, SPEC);
  if (!selected.ok) return selected.outcome;
  const { record } = selected;
  const image = dataText(record, 'NewProcessName');
  if (image === undefined) return failure(input, FORMAT, 'missing-field', 'Security 4688 without NewProcessName');
  // Event version 2 names the account the new process runs as (Target*) when it differs from the creator (Subject*).
  const target = account(record, 'TargetDomainName', 'TargetUserName');
  const fields: ProcessFields = defined({
    Image: image,
    CommandLine: dataText(record, 'CommandLine'),
    ParentImage: dataText(record, 'ParentProcessName'),
    User: target ?? account(record, 'SubjectDomainName', 'SubjectUserName'),
    LogonId: target ? dataText(record, 'TargetLogonId') : dataText(record, 'SubjectLogonId'),
    ProcessId: dataInt(record, 'NewProcessId'),
    ParentProcessId: dataInt(record, 'ProcessId'),
    IntegrityLevel: integrityLevelOf(dataText(record, 'MandatoryLabel')),
  });
  const built = windowsEvent(input, FORMAT, record, 'process_creation', fields);
  return built.ok ? ok([built.event]) : built.outcome;
}

export const security4688Parser: ParserFactory = {
  format: FORMAT,
  description: 'Windows Security 4688 (a new process has been created): Event XML, Winlogbeat, NXLog or Azure rows',
  create(): RecordParser {
    return {
      format: FORMAT,
      sniff: claims4688,
      parse,
    };
  },
};
