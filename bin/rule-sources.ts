/** The rule directories a command runs: the built-in pack at the repository root plus any `--rules DIR`. */
import { statSync } from 'node:fs';
import { type CompiledCorrelation, type CompiledRule, loadRuleDirectory, type RuleLoadError } from '../lib/rules';
import { UsageError } from './cli-io';
import { packagePath } from './paths';

export const BUILTIN_RULES_DIR = packagePath('rules');

export interface LoadedRuleSources {
  readonly rules: CompiledRule[];
  readonly correlations: CompiledCorrelation[];
  readonly errors: RuleLoadError[];
  /** Rules that loaded but may not work as written (unresolved placeholders, unknown relations). */
  readonly warnings: RuleLoadError[];
  readonly directories: readonly string[];
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export function ruleDirectories(options: { builtin?: boolean; rules?: readonly string[] }): string[] {
  const dirs = [...(options.builtin === false ? [] : [BUILTIN_RULES_DIR]), ...(options.rules ?? [])];
  for (const dir of options.rules ?? []) {
    let isDirectory = false;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch (cause) {
      throw new UsageError(
        `--rules ${dir}: cannot read it (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
        {
          cause,
        },
      );
    }
    if (!isDirectory) throw new UsageError(`--rules ${dir}: not a directory`);
  }
  if (dirs.length === 0) throw new UsageError('no rules to run: --no-builtin needs at least one --rules DIR');
  return dirs;
}

/** Load every directory; a rule id already loaded from an earlier directory is an error and skipped. */
export function loadRuleSources(directories: readonly string[]): LoadedRuleSources {
  const rules: CompiledRule[] = [];
  const correlations: CompiledCorrelation[] = [];
  const errors: RuleLoadError[] = [];
  const warnings: RuleLoadError[] = [];
  const seen = new Map<string, string>();
  for (const dir of directories) {
    const loaded = loadRuleDirectory(dir);
    errors.push(...loaded.errors);
    warnings.push(...(loaded.warnings ?? []));
    for (const item of [...loaded.rules, ...loaded.correlations]) {
      const source = item.metadata.source ?? dir;
      const first = seen.get(item.metadata.id);
      if (first !== undefined) {
        errors.push({
          source,
          ruleId: item.metadata.id,
          title: item.metadata.title,
          reason: `duplicate rule id (also in ${first})`,
        });
        continue;
      }
      seen.set(item.metadata.id, source);
      if ('evaluate' in item) rules.push(item);
      else correlations.push(item);
    }
  }
  return { rules, correlations, errors, warnings, directories };
}

export function describeLoadError(error: RuleLoadError): string {
  const which = error.ruleId ? ` [${error.title ?? ''}${error.title ? ' ' : ''}${error.ruleId}]` : '';
  return `${error.source}${which}: ${error.reason}`;
}
