/** What the console's health page shows: is telemetry arriving, parsing, and is anything stuck in a failure queue. */
export interface HealthReport {
  /** The period the figures cover (e.g. "last 24 hours", "this local run"). */
  readonly window: string;
  readonly records: number;
  readonly parseErrors: number;
  /** parseErrors / records, 0 when nothing arrived. */
  readonly parseErrorRate: number;
  readonly heartbeats: readonly SourceHeartbeat[];
  readonly failureQueues: readonly QueueDepth[];
}

export interface SourceHeartbeat {
  /** Log group or feed name. */
  readonly source: string;
  /** ISO time of the last record seen, undefined when none in the window. */
  readonly lastSeen?: string;
  readonly status: 'ok' | 'silent' | 'unknown';
}

export interface QueueDepth {
  readonly name: string;
  /** Messages waiting (visible + in flight); undefined when the depth could not be read. */
  readonly depth?: number;
}

/** Port: CloudWatch metrics and SQS in a deployment, the run's own counts in local mode. */
export interface HealthReader {
  read(nowMs: number): Promise<HealthReport>;
}

export function parseErrorRate(records: number, parseErrors: number): number {
  return records > 0 ? parseErrors / records : 0;
}

/** A report computed elsewhere (local mode: the run's own counts). */
export class FixedHealthReader implements HealthReader {
  constructor(private readonly report: HealthReport) {}
  async read(): Promise<HealthReport> {
    return this.report;
  }
}
