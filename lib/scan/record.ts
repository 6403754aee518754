import { type DetectionFacts, detectionFacts } from '../alerts/build';
import type { Detection, FormatName } from '../model';

/**
 * One alert as `vmsentry scan` prints it: the fields of a published alert that do not depend on pipeline state
 * (no id, no dedup, no allowlist status), so the same input always prints the same records; plus the source format
 * and record id.
 */
export interface ScanRecord extends DetectionFacts {
  readonly format: FormatName;
  readonly recordId?: string;
}

export function scanRecordOf(detection: Detection): ScanRecord {
  const { context, input, event, response, ...facts } = detectionFacts(detection);
  const { format, recordId } = event.provenance;
  return {
    ...facts,
    ...(response !== undefined ? { response } : {}),
    context,
    format,
    ...(recordId !== undefined ? { recordId } : {}),
    input,
    event,
  };
}
