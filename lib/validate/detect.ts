import { dedupKeyOf } from '../dedup/key';
import type { Detection, NormalizedEvent } from '../model';
import type { RecordInput } from '../sources';
import { parseRecords } from '../sources';
import type { TelemetryRecord } from './telemetry';

/** The rule set (RuleSet fits). */
export interface ValidateMatcher {
  match(event: NormalizedEvent): Detection[];
}

/** The records as the subscription handler sees them: one CloudWatch log event each, with its log group. */
export function recordInputsOf(
  records: readonly TelemetryRecord[],
  logGroupOf: (record: TelemetryRecord) => string,
  logStream: string,
): RecordInput[] {
  return records.map((record, index) => ({
    text: record.message,
    json: jsonObject(record.message),
    timestampMs: record.timestampMs,
    position: { envelope: 'cloudwatch', index, logGroup: logGroupOf(record), logStream },
    context: { logGroup: logGroupOf(record), logStream, formatHint: record.format },
  }));
}

function jsonObject(text: string): Readonly<Record<string, unknown>> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One detection the telemetry raises locally, with the state-table key the pipeline will claim for it. */
export interface ExpectedDetection {
  readonly ruleId: string;
  readonly dedupPk: string;
}

/**
 * Run the scenario's telemetry through the parsers and the rules here, exactly as the Lambda would: the detections it
 * must raise and their dedup keys (what `--state-table` looks for). Records are grouped by log group, as CloudWatch
 * delivers each group separately.
 */
export function expectedDetections(
  records: readonly TelemetryRecord[],
  logGroupOf: (record: TelemetryRecord) => string,
  logStream: string,
  matcher: ValidateMatcher,
  defaultWindowSeconds = 3600,
): ExpectedDetection[] {
  const byGroup = new Map<string, TelemetryRecord[]>();
  for (const record of records) {
    const group = logGroupOf(record);
    byGroup.set(group, [...(byGroup.get(group) ?? []), record]);
  }
  const out = new Map<string, ExpectedDetection>();
  for (const [group, groupRecords] of byGroup) {
    const batch = parseRecords(recordInputsOf(groupRecords, () => group, logStream));
    for (const event of batch.events) {
      for (const detection of matcher.match(event)) {
        const key = dedupKeyOf(detection, defaultWindowSeconds);
        out.set(key.pk, { ruleId: detection.rule.id, dedupPk: key.pk });
      }
    }
  }
  return [...out.values()];
}
