/**
 * `vmsentry rules list | test | lint`: what the rule pack contains, whether every rule still does what its samples
 * say, and whether its metadata is complete enough for alerts and allowlists.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CompiledCorrelation, CompiledRule } from '../../lib/rules';
import { listRuleFiles } from '../../lib/rules';
import {
  duplicateIds,
  formatTable,
  type LintProblem,
  lintRuleText,
  parseRuleSamples,
  runCorrelationSamples,
  runRuleSamples,
  type SampleResult,
} from '../../lib/scan';
import { type CliIo, EXIT, errorLine, processIo, writeLine } from '../cli-io';
import { collect, describeLoadError, loadRuleSources, ruleDirectories } from '../rule-sources';

interface RulesOptions {
  readonly rules: string[];
  readonly builtin: boolean;
  readonly json?: boolean;
}

function addRuleOptions(command: Command): Command {
  return command
    .option('--rules <dir>', 'also use the Sigma rules in this directory (repeatable)', collect, [])
    .option('--no-builtin', 'leave out the built-in rule pack (only --rules)');
}

export function register(program: Command): void {
  const rules = program.command('rules').description('list, test and lint detection rules');
  addRuleOptions(rules.command('list').description('list the rules'))
    .option('--json', 'one JSON object per rule instead of a table')
    .action(async (options: RulesOptions) => {
      process.exitCode = await listRules(options, processIo);
    });
  addRuleOptions(rules.command('test').description("run every rule's sample events; exit 1 on any failure")).action(
    async (options: RulesOptions) => {
      process.exitCode = await testRules(options, processIo);
    },
  );
  addRuleOptions(
    rules.command('lint').description('check Sigma validity, required metadata and unique ids; exit 1 on problems'),
  ).action(async (options: RulesOptions) => {
    process.exitCode = await lintRules(options, processIo);
  });
}

interface RuleRow {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly kind: 'detection' | 'correlation';
  readonly tags: readonly string[];
  readonly logsource: Readonly<Record<string, string>>;
  readonly file: string;
}

function rowOf(item: CompiledRule | CompiledCorrelation): RuleRow {
  const base = {
    id: item.metadata.id,
    title: item.metadata.title,
    level: item.metadata.severity,
    tags: item.metadata.tags,
    file: item.metadata.source ?? '',
  };
  if ('evaluate' in item) {
    const logsource: Record<string, string> = {};
    for (const key of ['category', 'product', 'service'] as const) {
      const value = item.logsource[key];
      if (value !== undefined) logsource[key] = value;
    }
    return { ...base, kind: 'detection', logsource };
  }
  return { ...base, kind: 'correlation', logsource: { correlation: item.type } };
}

export async function listRules(options: RulesOptions, io: CliIo): Promise<number> {
  const loaded = loadRuleSources(ruleDirectories(options));
  for (const error of loaded.errors) errorLine(io, `rule not loaded: ${describeLoadError(error)}`);
  const rows = [...loaded.rules, ...loaded.correlations].map(rowOf);
  if (options.json) {
    for (const row of rows) await writeLine(io.stdout, JSON.stringify(row));
  } else {
    const table = formatTable(
      ['ID', 'LEVEL', 'TITLE', 'LOGSOURCE', 'TAGS', 'FILE'],
      rows.map((row) => [
        row.id,
        row.level,
        row.title,
        Object.values(row.logsource).join('/'),
        row.tags.filter((tag) => /^attack\.t\d/i.test(tag)).join(','),
        row.file,
      ]),
      { maxCellWidth: 80 },
    );
    await writeLine(io.stdout, table);
  }
  errorLine(io, `${loaded.rules.length} detection rule(s), ${loaded.correlations.length} correlation rule(s)`);
  return EXIT.ok;
}

function samplesFileOf(source: string): string {
  return source.replace(/\.ya?ml$/i, '.samples.yml');
}

export async function testRules(options: RulesOptions, io: CliIo): Promise<number> {
  const loaded = loadRuleSources(ruleDirectories(options));
  let failed = 0;
  let passed = 0;
  const missing: string[] = [];
  for (const error of loaded.errors) {
    failed++;
    errorLine(io, `FAIL rule not loaded: ${describeLoadError(error)}`);
  }
  const report = async (results: readonly SampleResult[]): Promise<void> => {
    for (const result of results) {
      if (result.pass) passed++;
      else failed++;
      await writeLine(
        io.stdout,
        `${result.pass ? 'pass' : 'FAIL'}  ${result.ruleTitle} - ${result.kind}: ${result.name} (${result.detail})`,
      );
    }
  };
  const items: (CompiledRule | CompiledCorrelation)[] = [...loaded.rules, ...loaded.correlations];
  for (const item of items) {
    const file = samplesFileOf(item.metadata.source ?? '');
    if (!item.metadata.source || !existsSync(file)) {
      missing.push(`${item.metadata.title} (${item.metadata.source ?? '?'})`);
      continue;
    }
    const isRule = 'evaluate' in item;
    const parsed = parseRuleSamples(readFileSync(file, 'utf8'), isRule ? 'events' : 'sequences');
    if (!parsed.ok) {
      failed++;
      await writeLine(io.stdout, `FAIL  ${item.metadata.title} - samples file ${file} is invalid: ${parsed.reason}`);
      continue;
    }
    if (isRule && parsed.samples.kind === 'events') await report(runRuleSamples(item, parsed.samples));
    else if (!isRule && parsed.samples.kind === 'sequences') {
      await report(await runCorrelationSamples(item, loaded.rules, parsed.samples));
    }
  }
  for (const rule of missing) errorLine(io, `no samples: ${rule}`);
  errorLine(io, `${passed} passed, ${failed} failed, ${missing.length} rule(s) without samples`);
  return failed > 0 ? EXIT.internal : EXIT.ok;
}

export async function lintRules(options: RulesOptions, io: CliIo): Promise<number> {
  const directories = ruleDirectories(options);
  const problems: LintProblem[] = [];
  let files = 0;
  for (const dir of directories) {
    for (const file of listRuleFiles(dir)) {
      files++;
      const source = file.startsWith(`${process.cwd()}/`) ? file.slice(process.cwd().length + 1) : file;
      problems.push(...lintRuleText(readFileSync(file, 'utf8'), source));
    }
  }
  // Sigma validity is the compiler's verdict; duplicate ids are checked across every directory.
  const loaded = loadRuleSources(directories);
  for (const error of loaded.errors) {
    if (error.reason.startsWith('duplicate rule id')) continue;
    problems.push({
      source: error.source,
      ...(error.ruleId !== undefined ? { ruleId: error.ruleId } : {}),
      problem: `not valid Sigma: ${error.reason}`,
    });
  }
  const all = [...loaded.rules, ...loaded.correlations].map((item) => ({
    id: item.metadata.id,
    source: item.metadata.source ?? '',
  }));
  const rejected = loaded.errors.filter(
    (error) => error.reason.startsWith('duplicate rule id') && error.ruleId !== undefined,
  );
  problems.push(
    ...duplicateIds([...all, ...rejected.map((error) => ({ id: error.ruleId as string, source: error.source }))]),
  );
  for (const problem of problems) {
    const which = problem.ruleId ? ` [${problem.ruleId}]` : '';
    await writeLine(io.stdout, `${problem.source}${which}: ${problem.problem}`);
  }
  errorLine(io, `${files} file(s), ${all.length} rule(s) checked, ${problems.length} problem(s)`);
  return problems.length > 0 ? EXIT.internal : EXIT.ok;
}
