import type { PublishedAlert } from '../alerts/published-alert';
import type { Severity } from '../model/severity';

/**
 * Alert history: every published alert (detections and allowlist-audit alerts) kept with its triage state, so an
 * analyst can ask what fired on a host, per rule, per team, over time. History is written after delivery and off its
 * path (docs/alert-history.md): a failure to write it is counted and retried, never a reason to withhold an alert.
 */
export type TriageState = 'new' | 'acknowledged' | 'closed';

export const TRIAGE_STATES: readonly TriageState[] = ['new', 'acknowledged', 'closed'];

export interface TriageChange {
  readonly state: TriageState;
  /** Required when closing (false positive, benign, resolved...): a closed alert without a reason teaches nothing. */
  readonly reason?: string;
  /** Who changed it: the CLI's caller identity, or the console user's e-mail. */
  readonly by: string;
}

export interface HistoryRecord {
  /** The alert's deterministic id (dedup key + window): a re-delivered alert updates the same record. */
  readonly id: string;
  readonly dedupKey: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly host: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Events seen for the dedup key in its window, as last reported (repeat follow-ups raise it). */
  readonly count: number;
  /** When the alert was first written to history (ISO 8601). */
  readonly recordedAt: string;
  readonly state: TriageState;
  readonly stateReason?: string;
  readonly stateBy?: string;
  readonly stateAt?: string;
  /** The published alert as delivered (bounded), for `alerts show` and the console's detail page. */
  readonly alert: PublishedAlert;
}

export interface HistoryQuery {
  readonly host?: string;
  readonly ruleId?: string;
  /** Minimum severity: `high` lists high and critical. */
  readonly minSeverity?: Severity;
  readonly state?: TriageState;
  /** Inclusive lower bound on lastSeen (ISO 8601). */
  readonly since?: string;
  /** Exclusive upper bound on lastSeen (ISO 8601). */
  readonly until?: string;
  readonly limit?: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
}

export interface HistoryPage {
  /** Newest lastSeen first. */
  readonly items: readonly HistoryRecord[];
  readonly cursor?: string;
}

/** Port: the alert history (DynamoDB in a deployment and in local mode, memory in unit tests). */
export interface AlertHistoryStore {
  /** Insert or update from a published alert: keeps triage state, raises count and lastSeen. Idempotent. */
  record(alert: PublishedAlert, nowMs: number): Promise<HistoryRecord>;
  get(id: string): Promise<HistoryRecord | undefined>;
  list(query: HistoryQuery): Promise<HistoryPage>;
  /** Throws HistoryNotFoundError for an unknown id and HistoryTransitionError for a refused change. */
  setState(id: string, change: TriageChange, nowMs: number): Promise<HistoryRecord>;
}

export class HistoryNotFoundError extends Error {
  override readonly name = 'HistoryNotFoundError';
  constructor(readonly id: string) {
    super(`no alert ${id} in the history`);
  }
}

export class HistoryTransitionError extends Error {
  override readonly name = 'HistoryTransitionError';
}

/** The history store could not be read or written (the writer retries; the CLI and console report it). */
export class HistoryUnavailableError extends Error {
  override readonly name = 'HistoryUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
