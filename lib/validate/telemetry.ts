import type { FormatName } from '../model';

/** One log event a scenario writes: the message text exactly as the shipper would put it in CloudWatch Logs. */
export interface TelemetryRecord {
  readonly format: FormatName;
  readonly message: string;
  /** Epoch milliseconds: the CloudWatch log event timestamp. */
  readonly timestampMs: number;
}

/** What every scenario builder receives: the run's marker, the clock and the host name the telemetry claims. */
export interface ScenarioContext {
  /** `vmsentry-validate-<uuid>`: unique per run, embedded in VM / pod / command-line names. */
  readonly marker: string;
  readonly nowMs: number;
  /** Host name in the telemetry (Computer, node=, hostname). */
  readonly host: string;
}

/** A validation scenario: what an operator would run, the telemetry it produces, and the rules that must fire. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The commands whose telemetry is simulated (documentation; nothing is executed). */
  readonly commands: readonly string[];
  /** Rule ids; the scenario passes when an alert of one of them carries the marker. */
  readonly expectedRules: readonly string[];
  build(context: ScenarioContext): TelemetryRecord[];
}

export const MARKER_PREFIX = 'vmsentry-validate-';

/** A fresh marker from a UUID (passed in: lib stays deterministic for tests). */
export function markerOf(uuid: string): string {
  return `${MARKER_PREFIX}${uuid.toLowerCase()}`;
}

/** Escape text for an XML element or single-quoted attribute. */
export function xmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');
}

/** ISO 8601 with milliseconds (Windows SystemTime, Kubernetes timestamps). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
