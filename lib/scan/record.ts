import {
  type Detection,
  type FormatName,
  hostKeys,
  type NormalizedEvent,
  primaryHostName,
  type RecordPosition,
  type Severity,
} from '../model';

/**
 * One alert as `vmsentry scan` prints it: the fields of a published alert that do not depend on pipeline state
 * (no id, no dedup, no allowlist status), so the same input always prints the same records.
 */
export interface ScanRecord {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly technique: readonly string[];
  readonly tags: readonly string[];
  readonly host: string;
  readonly hostKeys: readonly string[];
  readonly description: string;
  readonly falsepositives: readonly string[];
  readonly response?: string;
  /** Why the severity moved (escalations, correlation). */
  readonly context: readonly string[];
  readonly format: FormatName;
  readonly recordId?: string;
  /** Where the record sat: file and 1-based line, or the record index inside its envelope. */
  readonly input: RecordPosition;
  readonly event: NormalizedEvent;
}

export function scanRecordOf(detection: Detection): ScanRecord {
  const { rule, event } = detection;
  const { format, recordId, ...input } = event.provenance;
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: detection.severity,
    technique: [...rule.techniques],
    tags: [...rule.tags],
    host: primaryHostName(event.host),
    hostKeys: hostKeys(event.host),
    description: rule.description,
    falsepositives: [...rule.falsepositives],
    ...(rule.response !== undefined ? { response: rule.response } : {}),
    context: [...(detection.context ?? [])],
    format,
    ...(recordId !== undefined ? { recordId } : {}),
    input,
    event,
  };
}
