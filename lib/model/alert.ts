import type { NormalizedEvent } from './event';
import type { RecordPosition } from './position';
import type { Severity } from './severity';

/** How the allowlist decision was made for an alert. */
export type AllowlistStatus =
  | 'checked' // entries were read and none matched
  | 'unfiltered' // the allowlist could not be read: fail closed, the alert goes out marked
  | 'bypassed'; // never subject to the allowlist (allowlist audit alerts: an entry must not hide the audit of entries)

/** The alert as published (SNS default/JSON body) and printed by `vmsentry scan`. */
export interface Alert {
  /** Deterministic id: hash of the dedup key and window start, so a retry publishes the same id. */
  readonly id: string;
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
  readonly context: readonly string[];
  readonly event: NormalizedEvent;
  readonly input: RecordPosition;
  readonly dedup: {
    readonly key: string;
    /** Events seen for this key in the current window, this one included. */
    readonly count: number;
    readonly firstSeen: string;
    readonly lastSeen: string;
    readonly windowSeconds: number;
  };
  readonly allowlist: AllowlistStatus;
}
