/**
 * Port for correlation state (Sigma correlation rules: temporal, event_count). State must survive across Lambda
 * invocations, so it lives behind this port: in memory for scans and tests, in DynamoDB (state table) in the pipeline.
 */
export interface CorrelationHit {
  /** The base rule that fired. */
  readonly ruleId: string;
  readonly timeMs: number;
  /** Identifies the event, so a retried batch does not count the same event twice. */
  readonly eventKey: string;
  /** One line for the analyst ("VBoxManage startvm win10 --type headless"). */
  readonly summary?: string;
}

export interface CorrelationStore {
  /** Remember hits for one correlation rule and group (e.g. host). Idempotent per eventKey. */
  append(correlationId: string, groupKey: string, hits: readonly CorrelationHit[], ttlSeconds: number): Promise<void>;
  /** Hits of the group with timeMs >= sinceMs, oldest first. */
  since(correlationId: string, groupKey: string, sinceMs: number): Promise<CorrelationHit[]>;
}
