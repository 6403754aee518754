import type { Scenario, ScenarioContext, TelemetryRecord } from './telemetry';

/** Port: PutLogEvents into a log group (the adapter creates the stream when it does not exist). */
export interface LogWriter {
  write(logGroup: string, logStream: string, records: readonly TelemetryRecord[]): Promise<void>;
}

/** What the waiter is looking for. */
export interface PendingScenario {
  readonly scenarioId: string;
  readonly marker: string;
  readonly expectedRules: readonly string[];
  /** State-table partition keys of the expected detections (for a state-table waiter). */
  readonly dedupPks: readonly string[];
}

/** An alert (or its dedup item) that carries a scenario's marker. */
export interface Sighting {
  readonly marker: string;
  readonly ruleId: string;
}

/** Port: where alerts show up (the SIEM SQS queue, the state table, an in-memory capture in tests). */
export interface AlertWaiter {
  /** Return what arrived since the last call, waiting up to `maxWaitMs` for something (long polling). */
  poll(pending: readonly PendingScenario[], maxWaitMs: number): Promise<readonly Sighting[]>;
}

export interface ValidateTarget {
  /** Format name -> log group. A scenario whose format has no log group fails with that reason. */
  readonly logGroups: Readonly<Record<string, string>>;
  readonly logStream: string;
}

export interface ValidateDeps {
  readonly writer: LogWriter;
  readonly waiter: AlertWaiter;
  readonly clock: () => number;
  readonly newUuid: () => string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Expected dedup keys per scenario's telemetry (for the state-table waiter); empty list when unused. */
  readonly expectedPks?: (records: readonly TelemetryRecord[]) => string[];
  readonly onProgress?: (text: string) => void;
  /** Errors that stop the whole run instead of failing one scenario (no credentials, endpoint unreachable). */
  readonly isFatal?: (error: unknown) => boolean;
}

export interface ValidateOptions {
  readonly timeoutMs: number;
  /** Host name the telemetry claims. */
  readonly host: string;
  /** Longest single poll; the adapter may return sooner. */
  readonly pollMs?: number;
}

export type ScenarioStatus = 'pass' | 'fail';

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  readonly status: ScenarioStatus;
  readonly marker: string;
  /** Rule ids seen with the marker. */
  readonly rules: readonly string[];
  /** Milliseconds from the write to the first matching alert. */
  readonly latencyMs?: number;
  readonly reason?: string;
}

export interface PlannedScenario {
  readonly scenario: Scenario;
  readonly marker: string;
  readonly records: readonly TelemetryRecord[];
}

/** Build each scenario's telemetry with its own marker: what `--dry-run` prints and `runValidation` writes. */
export function planScenarios(
  scenarios: readonly Scenario[],
  context: Omit<ScenarioContext, 'marker'>,
  newUuid: () => string,
): PlannedScenario[] {
  return scenarios.map((scenario) => {
    const marker = `vmsentry-validate-${newUuid().toLowerCase()}`;
    return { scenario, marker, records: scenario.build({ ...context, marker }) };
  });
}

/** Log group of every record, or the formats that have none. */
export function routeRecords(
  records: readonly TelemetryRecord[],
  target: ValidateTarget,
): { ok: true; groups: Map<string, TelemetryRecord[]> } | { ok: false; missing: string[] } {
  const groups = new Map<string, TelemetryRecord[]>();
  const missing = new Set<string>();
  for (const record of records) {
    const group = target.logGroups[record.format];
    if (!group) {
      missing.add(record.format);
      continue;
    }
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  return missing.size > 0 ? { ok: false, missing: [...missing] } : { ok: true, groups };
}

interface Tracking {
  readonly planned: PlannedScenario;
  writtenAtMs?: number;
  firstMatchMs?: number;
  readonly rules: Set<string>;
  failure?: string;
  /** State-table keys of the expected detections, computed once. */
  dedupPks?: readonly string[];
}

/**
 * Write every scenario's telemetry, then wait until each has an alert of an expected rule carrying its marker, or the
 * timeout passes. A write failure fails that scenario only. Never runs anything on a host: it writes log events.
 */
export async function runValidation(
  planned: readonly PlannedScenario[],
  target: ValidateTarget,
  options: ValidateOptions,
  deps: ValidateDeps,
): Promise<ScenarioResult[]> {
  const tracking: Tracking[] = planned.map((entry) => ({ planned: entry, rules: new Set<string>() }));
  for (const item of tracking) {
    const routed = routeRecords(item.planned.records, target);
    if (!routed.ok) {
      item.failure = `no log group for format(s) ${routed.missing.join(', ')} (use --log-group FORMAT=NAME)`;
      continue;
    }
    try {
      for (const [group, records] of routed.groups) {
        deps.onProgress?.(`${item.planned.scenario.id}: writing ${records.length} event(s) to ${group}`);
        await deps.writer.write(group, target.logStream, records);
      }
      item.writtenAtMs = deps.clock();
    } catch (error) {
      if (deps.isFatal?.(error)) throw error;
      item.failure = `write failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  const dedupPksOf = (item: Tracking): readonly string[] => {
    item.dedupPks ??= deps.expectedPks?.(item.planned.records) ?? [];
    return item.dedupPks;
  };
  const pendingOf = (): PendingScenario[] =>
    tracking
      .filter((item) => item.writtenAtMs !== undefined && item.firstMatchMs === undefined)
      .map((item) => ({
        scenarioId: item.planned.scenario.id,
        marker: item.planned.marker,
        expectedRules: item.planned.scenario.expectedRules,
        dedupPks: dedupPksOf(item),
      }));

  const deadline = deps.clock() + options.timeoutMs;
  const pollMs = options.pollMs ?? 5000;
  let pending = pendingOf();
  while (pending.length > 0 && deps.clock() < deadline) {
    const wait = Math.max(0, Math.min(pollMs, deadline - deps.clock()));
    const sightings = await deps.waiter.poll(pending, wait);
    const now = deps.clock();
    for (const sighting of sightings) {
      const item = tracking.find((candidate) => candidate.planned.marker === sighting.marker);
      if (!item) continue;
      item.rules.add(sighting.ruleId);
      if (item.firstMatchMs === undefined && item.planned.scenario.expectedRules.includes(sighting.ruleId)) {
        item.firstMatchMs = now;
      }
    }
    pending = pendingOf();
    if (pending.length > 0 && sightings.length === 0 && wait === 0) break;
    if (pending.length > 0 && sightings.length === 0)
      await deps.sleep(Math.min(1000, Math.max(0, deadline - deps.clock())));
  }
  return tracking.map((item) => resultOf(item, options.timeoutMs));
}

function resultOf(item: Tracking, timeoutMs: number): ScenarioResult {
  const base = {
    scenario: item.planned.scenario.id,
    title: item.planned.scenario.title,
    marker: item.planned.marker,
    rules: [...item.rules].sort(),
  };
  if (item.failure) return { ...base, status: 'fail', reason: item.failure };
  if (item.firstMatchMs !== undefined && item.writtenAtMs !== undefined) {
    return { ...base, status: 'pass', latencyMs: item.firstMatchMs - item.writtenAtMs };
  }
  const seen = item.rules.size > 0 ? `; saw only ${[...item.rules].join(', ')}` : '';
  return {
    ...base,
    status: 'fail',
    reason: `no alert of ${item.planned.scenario.expectedRules.join(' or ')} within ${Math.round(timeoutMs / 1000)} s${seen}`,
  };
}
