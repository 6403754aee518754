/**
 * Sigma-compatible rule engine.
 *
 * Supported: rules (metadata, logsource routing, detection with maps / lists of maps / keywords, null, empty string,
 * wildcards and escapes), modifiers contains startswith endswith all exists cased windash re (i m s) base64
 * base64offset utf16le utf16be wide cidr lt lte gt gte fieldref expand (placeholders match nothing, with a load warning),
 * conditions (and or not, parentheses, `1|any|N|all of
 * pattern|them`), correlation rules event_count / temporal / temporal_ordered, and the vmsentry extensions `dedup`,
 * `response`, `escalate`. Refused at load with a reason: value_count, correlation aliases and chaining,
 * legacy aggregations (`| count()`, timeframe), collection actions, logsources no vmsentry source produces.
 */
export { compileDocument, compileRuleFile, compileRuleText, MAX_RULE_TEXT } from './compile';
export { type CompiledSelection, type ConditionNode, compileCondition, parseCondition } from './condition';
export { MatchContext } from './context';
export type { CorrelationHit, CorrelationStore } from './correlation-store';
export { Correlator, correlationOnlyRuleIds, eventKeyOf, groupKeyOf } from './correlator';
export { getField } from './field-resolution';
export { listRuleFiles, loadRuleDirectory, type RuleDirectory } from './files';
export { fitsRoute, routeOf } from './logsource';
export { InMemoryCorrelationStore } from './memory-store';
export { RuleSet } from './rule-set';
export type {
  Anchor,
  Anchors,
  CompiledCorrelation,
  CompiledRule,
  CorrelationLoadResult,
  CorrelationType,
  CountBound,
  DocumentLoadResult,
  Escalation,
  Evaluator,
  LogSource,
  RelatedRule,
  Route,
  RuleLoadError,
  RuleLoadResult,
} from './types';
