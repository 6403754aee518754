import type { ServiceFields } from '../../model';
import { defined, failure } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import {
  claimsWindowsEvent,
  dataText,
  sameName,
  selectRecord,
  type WindowsEventSpec,
  windowsEvent,
} from './windows-event';
import type { WindowsClaim } from './windows-record';

const FORMAT = 'windows-system-7045';

function isServiceControlManager(claim: WindowsClaim): boolean {
  return sameName(claim.provider, 'Service Control Manager') || sameName(claim.channel, 'System');
}

const SPEC: WindowsEventSpec = {
  format: FORMAT,
  eventId: 7045,
  label: 'System 7045',
  isFamily: isServiceControlManager,
};

/** A 7045 of the Service Control Manager, or a 7045 carrying ServiceName (collectors that drop the log). */
export function claims7045(input: RecordInput): boolean {
  return claimsWindowsEvent(input, 7045, isServiceControlManager, 'ServiceName');
}

function parse(input: RecordInput): ParseOutcome {
  const selected = selectRecord(input, SPEC);
  if (!selected.ok) return selected.outcome;
  const { record } = selected;
  const imagePath = dataText(record, 'ImagePath');
  if (imagePath === undefined) return failure(input, FORMAT, 'missing-field', 'System 7045 without ImagePath');
  const fields: ServiceFields = defined({
    ServiceName: dataText(record, 'ServiceName'),
    ImagePath: imagePath,
    ServiceType: dataText(record, 'ServiceType'),
    StartType: dataText(record, 'StartType'),
    AccountName: dataText(record, 'AccountName'),
  });
  const built = windowsEvent(input, FORMAT, record, 'service_install', fields);
  return built.ok ? ok([built.event]) : built.outcome;
}

export const system7045Parser: ParserFactory = {
  format: FORMAT,
  description:
    'Windows System 7045 (a service was installed, drivers included): Event XML, Winlogbeat, NXLog or Azure rows',
  create(): RecordParser {
    return {
      format: FORMAT,
      sniff: claims7045,
      parse,
    };
  },
};
