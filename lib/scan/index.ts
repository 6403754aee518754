export { SCAN_DEDUP_WINDOW_SECONDS, ScanAlertBuilder, type ScanRecord } from './record';
export { formatAlertTable, formatSummary } from './report';
export {
  countByClass,
  duplicateIds,
  isPolicyProblem,
  type LintProblem,
  lintRuleDocument,
  lintRuleText,
  reasonClass,
} from './rule-lint';
export {
  parseRuleSamples,
  type RuleSamples,
  runCorrelationSamples,
  runRuleSamples,
  SAMPLE_EPOCH_MS,
  SAMPLE_HOST,
  type SampleResult,
  type SamplesParse,
  sampleEvent,
} from './rule-samples';
export {
  emptySummary,
  type RuleCount,
  type ScanCorrelator,
  type ScanMatcher,
  Scanner,
  type ScanOptions,
  type ScanSummary,
} from './scanner';
export { cellText, formatTable, type TableLayout, type TableOptions } from './table';
