import type { EventCategory, FormatName, Platform, RuleMetadata, Severity } from '../model';
import type { MatchContext } from './context';

/** Why a rule (or one YAML document of a rule file) could not be used. */
export interface RuleLoadError {
  /** File path or other origin the text came from. */
  readonly source: string;
  readonly ruleId?: string;
  readonly title?: string;
  readonly reason: string;
}

/** The Sigma logsource section as written. */
export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
}

/** Which events a rule may see, derived from its logsource. `undefined` = no restriction on that axis. */
export interface Route {
  readonly categories: readonly EventCategory[];
  readonly platforms?: readonly Platform[];
  readonly formats?: readonly FormatName[];
  /**
   * Windows channels (lower case) whose events the rule may see; an event fits by its Channel or, when its collector
   * dropped the channel, by a format listed in `formats`.
   */
  readonly channels?: readonly string[];
}

/** A search identifier, condition or escalation compiled into a closure over the per-event match context. */
export type Evaluator = (ctx: MatchContext) => boolean;

/**
 * A necessary condition for a rule: it can only match when at least one of these lowercase literals occurs in the
 * named field's lowercased value. `null` = no cheap necessary condition is known (always evaluate).
 */
export type Anchors = readonly Anchor[] | null;
export interface Anchor {
  readonly field: string;
  readonly literal: string;
}

/** vmsentry extension `escalate`: raise severity when the event also fits `when`. */
export interface Escalation {
  readonly when: Evaluator;
  readonly level: Severity;
  readonly reason: string;
}

export interface RelatedRule {
  readonly id: string;
  readonly type: string;
}

export interface CompiledRule {
  readonly metadata: RuleMetadata;
  readonly logsource: LogSource;
  /** Sigma `name`, which correlation rules may reference instead of the id. */
  readonly name?: string;
  readonly route: Route;
  /** The compiled detection: condition over search identifiers. */
  readonly evaluate: Evaluator;
  readonly anchors: Anchors;
  readonly escalations: readonly Escalation[];
  readonly fields: readonly string[];
  readonly related: readonly RelatedRule[];
  readonly date?: string;
  readonly modified?: string;
  /** What loaded but may not work as its author meant (unresolved `expand` placeholders, unknown relations). */
  readonly warnings?: readonly string[];
}

export type RuleLoadResult = { ok: true; rule: CompiledRule } | { ok: false; error: RuleLoadError };

export type CorrelationType = 'event_count' | 'temporal' | 'temporal_ordered';

/** One comparison of a correlation condition (`condition: { gte: 3 }`); several are AND'ed (a range). */
export interface CountBound {
  readonly op: 'gt' | 'gte' | 'eq' | 'lt' | 'lte';
  readonly value: number;
}

/** A Sigma correlation rule. */
export interface CompiledCorrelation {
  readonly metadata: RuleMetadata;
  readonly name?: string;
  readonly type: CorrelationType;
  /** Referenced rules as written (ids or names). */
  readonly references: readonly string[];
  /** Referenced rule ids, resolved from names where the rules were known at load. */
  readonly ruleIds: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  /**
   * event_count: bounds on the number of events. temporal(_ordered): bounds on the number of distinct referenced
   * rules (default: all of them).
   */
  readonly condition: readonly CountBound[];
  /** Sigma `generate`: whether the referenced rules also alert on their own (default false). */
  readonly generate: boolean;
}

export type CorrelationLoadResult =
  | { ok: true; correlation: CompiledCorrelation }
  | { ok: false; error: RuleLoadError };

/** A result for one YAML document: a rule, a correlation rule or an error. */
export type DocumentLoadResult =
  | { ok: true; rule: CompiledRule }
  | { ok: true; correlation: CompiledCorrelation }
  | { ok: false; error: RuleLoadError };
