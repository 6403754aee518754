import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  compileParsedDocuments,
  MAX_RULE_TEXT,
  type ParsedDocument,
  parseRuleDocuments,
  resolveReferences,
} from './compile';
import { COMPILED_PACK_FILE, type RuleFileText, readCompiledPack, relativeRulePath } from './compiled-pack';
import { withRegexesCheckedAhead } from './regex-safety';
import type { CompiledCorrelation, CompiledRule, RuleLoadError } from './types';

const RULE_FILE = /\.ya?ml$/i;
const SAMPLES_FILE = /\.samples\.ya?ml$/i;

/** Rule files under dir, recursively, sorted; `*.samples.yml` (sample events next to rules) excluded. */
export function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, depth: number): void => {
    if (depth > 20) return;
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      else if (entry.isFile() && RULE_FILE.test(entry.name) && !SAMPLES_FILE.test(entry.name)) out.push(full);
    }
  };
  walk(dir, 0);
  return out;
}

export interface RuleDirectory {
  rules: CompiledRule[];
  correlations: CompiledCorrelation[];
  errors: RuleLoadError[];
  /** Problems that changed nothing loaded, e.g. a stale or corrupt rules.compiled.json that was ignored. */
  warnings?: RuleLoadError[];
}

interface RuleFile extends RuleFileText {
  readonly source: string;
  readonly mtimeMs: number;
}

/**
 * Load every rule file of a directory. Duplicate rule ids, and correlations that reference no loaded rule, are
 * errors; the rest still loads. A fresh `rules.compiled.json` (see scripts/compile-rules.ts) replaces YAML parsing;
 * one that is older than a rule file, corrupt or not for exactly these files is ignored with a warning.
 */
export function loadRuleDirectory(dir: string): RuleDirectory {
  const rules: CompiledRule[] = [];
  const correlations: CompiledCorrelation[] = [];
  const errors: RuleLoadError[] = [];
  const warnings: RuleLoadError[] = [];
  let paths: string[];
  try {
    paths = listRuleFiles(dir);
  } catch (cause) {
    return {
      rules,
      correlations,
      errors: [{ source: dir, reason: `cannot read rule directory: ${String(cause)}` }],
      warnings,
    };
  }
  const files: RuleFile[] = [];
  for (const file of paths) {
    const source = relative(process.cwd(), file) || file;
    try {
      // Size first: a huge file (or a device named *.yml) is refused without being read into memory.
      const stat = statSync(file);
      if (stat.size > MAX_RULE_TEXT) {
        errors.push({ source, reason: `rule file is ${stat.size} bytes, larger than ${MAX_RULE_TEXT}` });
        continue;
      }
      files.push({
        path: relativeRulePath(dir, file),
        source,
        mtimeMs: stat.mtimeMs,
        text: readFileSync(file, 'utf8'),
      });
    } catch (cause) {
      errors.push({ source, reason: `cannot read rule file: ${String(cause)}` });
    }
  }
  const compiled = readCompiledPack(dir, files);
  if (compiled !== 'absent' && !compiled.ok) {
    warnings.push({
      source: relative(process.cwd(), join(dir, COMPILED_PACK_FILE)) || COMPILED_PACK_FILE,
      reason: `precompiled rules ignored, YAML parsed instead: ${compiled.reason}`,
    });
  }
  const precompiled = compiled !== 'absent' && compiled.ok ? compiled.documents : undefined;
  const parsed = files.map((file): ParsedRuleFile => {
    const documents = precompiled?.get(file.path);
    return documents
      ? { source: file.source, documents, regexesCheckedAhead: true }
      : { source: file.source, documents: parseRuleDocuments(file.text) };
  });
  const assembled = assembleRules(parsed, errors);
  return { ...assembled, warnings: [...warnings, ...assembled.warnings] };
}

/** One rule file's parsed documents and the name its rules are reported under. */
export interface ParsedRuleFile {
  readonly source: string;
  readonly documents: readonly ParsedDocument[];
  /** From a pack verified at build time to load like its YAML: regexes compile on first use (regex-safety.ts). */
  readonly regexesCheckedAhead?: boolean;
}

/**
 * Compile parsed rule files into one loaded directory, in order: rule warnings, duplicate ids and correlations that
 * reference no loaded rule are reported, the rest loads. `errors` are the problems found before (files not read).
 * Shared by the YAML directory and the deployed rule pack (rule-pack.ts), so both load exactly alike.
 */
export function assembleRules(
  files: readonly ParsedRuleFile[],
  earlierErrors: readonly RuleLoadError[] = [],
): Required<RuleDirectory> {
  const rules: CompiledRule[] = [];
  const correlations: CompiledCorrelation[] = [];
  const errors: RuleLoadError[] = [...earlierErrors];
  const warnings: RuleLoadError[] = [];
  for (const file of files) {
    const compile = () => compileParsedDocuments(file.documents, file.source);
    for (const result of file.regexesCheckedAhead ? withRegexesCheckedAhead(compile) : compile()) {
      if (!result.ok) errors.push(result.error);
      else if ('rule' in result) {
        rules.push(result.rule);
        for (const reason of result.rule.warnings ?? []) {
          warnings.push({
            source: file.source,
            ruleId: result.rule.metadata.id,
            title: result.rule.metadata.title,
            reason,
          });
        }
      } else correlations.push(result.correlation);
    }
  }
  return {
    rules: uniqueRules(rules, errors),
    correlations: resolveAll(correlations, rules, errors),
    errors,
    warnings,
  };
}

function uniqueRules(rules: readonly CompiledRule[], errors: RuleLoadError[]): CompiledRule[] {
  const seen = new Map<string, CompiledRule>();
  for (const rule of rules) {
    const first = seen.get(rule.metadata.id);
    if (first) {
      errors.push({
        source: rule.metadata.source ?? '?',
        ruleId: rule.metadata.id,
        title: rule.metadata.title,
        reason: `duplicate rule id (also in ${first.metadata.source ?? '?'})`,
      });
    } else {
      seen.set(rule.metadata.id, rule);
    }
  }
  return [...seen.values()];
}

/** Resolve correlation references across files; a reference to nothing loaded is an error. */
export function resolveAll(
  correlations: readonly CompiledCorrelation[],
  rules: readonly CompiledRule[],
  errors: RuleLoadError[],
): CompiledCorrelation[] {
  const idsByName = new Map<string, string>();
  for (const rule of rules) if (rule.name) idsByName.set(rule.name, rule.metadata.id);
  const ids = new Set(rules.map((rule) => rule.metadata.id));
  const out: CompiledCorrelation[] = [];
  for (const correlation of correlations) {
    const resolved = resolveReferences(correlation, idsByName);
    const missing = resolved.ruleIds.filter((id) => !ids.has(id));
    if (missing.length > 0) {
      errors.push({
        source: correlation.metadata.source ?? '?',
        ruleId: correlation.metadata.id,
        title: correlation.metadata.title,
        reason: `correlation references unknown rules (chained correlations are not supported): ${missing.join(', ')}`,
      });
    } else {
      out.push(resolved);
    }
  }
  return out;
}
