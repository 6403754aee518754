import type * as Yaml from 'yaml';
import { parseCorrelation } from './correlation-rule';
import { compileDetection } from './detection-section';
import { parseEscalations } from './escalation';
import { routeOf } from './logsource';
import { isMap, parseMetadata } from './metadata';
import type { CompiledCorrelation, DocumentLoadResult, RuleLoadError, RuleLoadResult } from './types';
import { placeholdersOf } from './value-matchers';

/** Rule files bigger than this are refused before parsing (a rule is a few KB). */
export const MAX_RULE_TEXT = 1_000_000;
const MAX_DOCUMENTS = 500;

function loadError(source: string, reason: string, doc?: Record<string, unknown>): { ok: false; error: RuleLoadError } {
  const id = doc?.['id'];
  const title = doc?.['title'];
  return {
    ok: false,
    error: {
      source,
      reason,
      ...(typeof id === 'string' ? { ruleId: id } : {}),
      ...(typeof title === 'string' ? { title } : {}),
    },
  };
}

/** One parsed YAML document: a detection rule or a correlation rule. */
export function compileDocument(doc: unknown, source: string): DocumentLoadResult {
  if (!isMap(doc)) return loadError(source, 'a rule must be a YAML map');
  const action = doc['action'];
  if (action !== undefined) {
    return loadError(source, `Sigma collection action '${String(action)}' (global/reset/repeat) is not supported`, doc);
  }
  const isCorrelation = doc['correlation'] !== undefined;
  if (isCorrelation && doc['detection'] !== undefined) {
    return loadError(source, 'a document cannot hold both detection and correlation', doc);
  }
  const meta = parseMetadata(isCorrelation && doc['level'] === undefined ? { ...doc, level: 'high' } : doc, source);
  if (!meta.ok) return loadError(source, meta.reason, doc);
  if (isCorrelation) {
    const parsed = parseCorrelation(doc, meta.value);
    return parsed.ok ? parsed : loadError(source, parsed.reason, doc);
  }
  if (doc['detection'] === undefined) return loadError(source, 'detection is required', doc);
  if (doc['logsource'] === undefined) return loadError(source, 'logsource is required', doc);
  const route = routeOf(doc['logsource']);
  if (!route.ok) return loadError(source, route.reason, doc);
  const detection = compileDetection(doc['detection']);
  if (!detection.ok) return loadError(source, detection.reason, doc);
  const escalations = parseEscalations(doc['escalate']);
  if (!escalations.ok) return loadError(source, escalations.reason, doc);
  const { metadata, name, fields, related, date, modified } = meta.value;
  const placeholders = placeholdersOf(doc['detection']);
  const warnings = [
    ...meta.value.warnings,
    ...(placeholders.length > 0
      ? [`expand placeholders ${placeholders.join(', ')} have no values in vmsentry: items using them match nothing`]
      : []),
  ];
  return {
    ok: true,
    rule: {
      metadata,
      logsource: route.logsource,
      route: route.route,
      evaluate: detection.evaluate,
      anchors: detection.anchors,
      escalations: escalations.value,
      fields,
      related,
      ...(name !== undefined ? { name } : {}),
      ...(date !== undefined ? { date } : {}),
      ...(modified !== undefined ? { modified } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  };
}

let yamlModule: typeof Yaml | undefined;

/** The YAML parser, loaded on first use: a cold start from rules.compiled.json never pays for loading it. */
function yaml(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}

/** One YAML document of a rule file as plain data, or why it could not be read. */
export type ParsedDocument = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The documents of a rule file as plain data (empty documents left out). A file-level problem (too large, too many
 * documents, unreadable YAML) is one failed document. Never throws.
 */
export function parseRuleDocuments(yamlText: string): ParsedDocument[] {
  if (typeof yamlText !== 'string') return [{ ok: false, reason: 'rule text must be a string' }];
  if (yamlText.length > MAX_RULE_TEXT)
    return [{ ok: false, reason: `rule file larger than ${MAX_RULE_TEXT} characters` }];
  try {
    const documents = yaml().parseAllDocuments(yamlText, { uniqueKeys: true });
    if (!Array.isArray(documents)) return [];
    if (documents.length > MAX_DOCUMENTS) return [{ ok: false, reason: `more than ${MAX_DOCUMENTS} YAML documents` }];
    const out: ParsedDocument[] = [];
    for (const document of documents) {
      const problem = document.errors[0];
      if (problem) {
        out.push({ ok: false, reason: `invalid YAML: ${problem.message.split('\n')[0]}` });
        continue;
      }
      const value: unknown = document.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) continue; // empty document (e.g. trailing ---)
      out.push({ ok: true, value });
    }
    return out;
  } catch (cause) {
    return [{ ok: false, reason: `invalid YAML: ${cause instanceof Error ? cause.message : String(cause)}` }];
  }
}

/**
 * Compile the parsed documents of one rule file: rules, correlation rules (references resolved against rule names in
 * the same file) and errors.
 */
export function compileParsedDocuments(documents: readonly ParsedDocument[], source: string): DocumentLoadResult[] {
  const results = documents.map((document) => {
    if (!document.ok) return loadError(source, document.reason);
    try {
      return compileDocument(document.value, source);
    } catch (cause) {
      // compileDocument is total over YAML data; hand-edited compiled JSON must not fail the whole directory.
      return loadError(source, `cannot compile rule: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  });
  const names = new Map<string, string>();
  for (const result of results)
    if (result.ok && 'rule' in result && result.rule.name) names.set(result.rule.name, result.rule.metadata.id);
  return results.map((result) =>
    result.ok && 'correlation' in result
      ? { ok: true, correlation: resolveReferences(result.correlation, names) }
      : result,
  );
}

/**
 * Every document of a rule file: rules, correlation rules (references resolved against rule names in the same
 * file) and errors. Never throws: bad YAML and bad rules become RuleLoadErrors.
 */
export function compileRuleFile(yamlText: string, source: string): DocumentLoadResult[] {
  return compileParsedDocuments(parseRuleDocuments(yamlText), source);
}

/** Replace rule names by ids where known; unknown references stay (they may be ids). */
export function resolveReferences(
  correlation: CompiledCorrelation,
  idsByName: ReadonlyMap<string, string>,
): CompiledCorrelation {
  return { ...correlation, ruleIds: correlation.references.map((ref) => idsByName.get(ref) ?? ref) };
}

/**
 * Detection rules of one YAML text (several documents allowed). Correlation documents are compiled and checked
 * (their errors are reported) but returned only by compileRuleFile / loadRuleDirectory.
 */
export function compileRuleText(yamlText: string, source: string): RuleLoadResult[] {
  const out: RuleLoadResult[] = [];
  for (const result of compileRuleFile(yamlText, source)) {
    if (!result.ok) out.push(result);
    else if ('rule' in result) out.push({ ok: true, rule: result.rule });
  }
  return out;
}
