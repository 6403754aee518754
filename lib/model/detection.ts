import type { NormalizedEvent } from './event';
import type { Severity } from './severity';

/** What a rule says about itself; carried into every alert it raises. */
export interface RuleMetadata {
  /** Sigma rule id (UUID). */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** ATT&CK technique ids from the tags, upper-case ("T1564.006"). */
  readonly techniques: readonly string[];
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly author?: string;
  readonly status?: string;
  /** Fields that make two alerts of this rule "the same" (vmsentry extension `dedup.fields`). */
  readonly dedupFields: readonly string[];
  /** Dedup window in seconds (vmsentry extension `dedup.window`); the pipeline default when absent. */
  readonly dedupWindowSeconds?: number;
  /** Response note for analysts (vmsentry extension `response`). */
  readonly response?: string;
  /** Where the rule came from (file path), for error messages. */
  readonly source?: string;
}

/** One rule matched one event. */
export interface Detection {
  readonly rule: RuleMetadata;
  /** Severity after context (correlation, headless, hidden paths...); starts as rule.severity. */
  readonly severity: Severity;
  readonly event: NormalizedEvent;
  /** Why the severity moved, for the analyst ("correlated with 'Portable VirtualBox driver' 4 min earlier"). */
  readonly context?: readonly string[];
  /** For correlation rules: the events that made it up (the last one is `event`). */
  readonly related?: readonly NormalizedEvent[];
}
