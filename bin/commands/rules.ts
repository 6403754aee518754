/**
 * `vmsentry rules list | test | lint`: what the rule pack contains, whether every rule still does what its samples
 * say, and whether its metadata is complete enough for alerts and allowlists.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CompiledCorrelation, CompiledRule } from '../../lib/rules';
import { listRuleFiles } from '../../lib/rules';
import {
  countByClass,
  duplicateIds,
  formatTable,
  isPolicyProblem,
  type LintProblem,
  lintRuleText,
  parseRuleSamples,
  runCorrelationSamples,
  runRuleSamples,
  type SampleResult,
} from '../../lib/scan';
import { type CliIo, EXIT, errorLine, processIo, writeLine } from '../cli-io';
import { BUILTIN_RULES_DIR, collect, describeLoadError, loadRuleSources, ruleDirectories } from '../rule-sources';
import { tableLayout } from '../table-layout';

interface RulesOptions {
  readonly rules: string[];
  readonly builtin: boolean;
  readonly json?: boolean;
  /** lint: hold every directory to the built-in pack's metadata policy. */
  readonly packPolicy?: boolean;
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
    rules
      .command('lint')
      .description(
        'check that every rule loads (and why not), required metadata and unique ids; summarise the reasons; exit 1 on problems',
      )
      .argument(
        '[dirs...]',
        'rule directories to lint instead of the built-in pack (e.g. a SigmaHQ rules/windows tree)',
      )
      .option(
        '--pack-policy',
        "hold these rules to the built-in pack's metadata policy (dedup, ATT&CK tags, false positives, author): problems, not warnings",
      ),
  ).action(async (dirs: string[], options: RulesOptions) => {
    process.exitCode = await lintRules(
      dirs.length > 0 ? { ...options, builtin: false, rules: [...dirs, ...options.rules] } : options,
      processIo,
    );
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
      // Id, level and file are copied whole (rules test --rule ID, an editor); title, logsource and tags give way.
      { maxCellWidth: 80, ...tableLayout(io, { keys: [0, 1, 5], severity: 1 }) },
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

interface LintFinding extends LintProblem {
  readonly level: 'problem' | 'warning';
}

/**
 * Where a rule file is, for the user: relative to the directory they named (a SigmaHQ checkout's
 * `windows/builtin/...`), or to the working directory for the built-in pack.
 */
function displayPathOf(directories: readonly string[]): (source: string) => string {
  const roots = directories
    .filter((dir) => path.resolve(dir) !== BUILTIN_RULES_DIR)
    .map((dir) => path.resolve(dir))
    .sort((a, b) => b.length - a.length);
  return (source) => {
    const absolute = path.resolve(source);
    const root = roots.find((dir) => absolute === dir || absolute.startsWith(`${dir}${path.sep}`));
    return root ? path.relative(root, absolute) || path.basename(absolute) : source;
  };
}

/**
 * Every problem of every rule in one run: rules that do not load (with the loader's reason), metadata gaps, duplicate
 * ids, and load warnings. The built-in pack must meet vmsentry's metadata policy; a third-party rule (SigmaHQ's) only
 * gets warnings for it, since Sigma does not require dedup, ATT&CK tags or false positives. The summary counts the
 * rules that did not load by reason class.
 */
export async function lintRules(options: RulesOptions, io: CliIo): Promise<number> {
  const directories = ruleDirectories(options);
  const display = displayPathOf(directories);
  const findings: LintFinding[] = [];
  let files = 0;
  for (const dir of directories) {
    const own = options.packPolicy === true || path.resolve(dir) === BUILTIN_RULES_DIR;
    for (const file of listRuleFiles(dir)) {
      files++;
      const source = path.relative(process.cwd(), file) || file;
      for (const problem of lintRuleText(readFileSync(file, 'utf8'), source)) {
        // The loader reports unreadable documents as not loaded; a third-party rule's policy gaps are warnings, and
        // vmsentry-only extensions (dedup) are not asked of it at all.
        if (!own && (!isPolicyProblem(problem.problem) || problem.problem.startsWith('dedup.'))) continue;
        findings.push({ ...problem, level: own ? 'problem' : 'warning' });
      }
    }
  }
  const loaded = loadRuleSources(directories);
  const notLoaded = loaded.errors.filter((error) => !error.reason.startsWith('duplicate rule id'));
  for (const error of notLoaded) {
    findings.push({
      source: error.source,
      ...(error.ruleId !== undefined ? { ruleId: error.ruleId } : {}),
      problem: `not loaded: ${error.reason}`,
      level: 'problem',
    });
  }
  for (const warning of loaded.warnings) {
    findings.push({
      source: warning.source,
      ...(warning.ruleId !== undefined ? { ruleId: warning.ruleId } : {}),
      problem: warning.reason,
      level: 'warning',
    });
  }
  const all = [...loaded.rules, ...loaded.correlations].map((item) => ({
    id: item.metadata.id,
    source: item.metadata.source ?? '',
  }));
  const rejected = loaded.errors.filter(
    (error) => error.reason.startsWith('duplicate rule id') && error.ruleId !== undefined,
  );
  for (const problem of duplicateIds([
    ...all,
    ...rejected.map((error) => ({ id: error.ruleId as string, source: error.source })),
  ])) {
    findings.push({ ...problem, level: 'problem' });
  }
  findings.sort((a, b) => display(a.source).localeCompare(display(b.source)));
  for (const finding of findings) {
    const which = finding.ruleId ? ` [${finding.ruleId}]` : '';
    const level = finding.level === 'warning' ? 'warning: ' : '';
    await writeLine(io.stdout, `${display(finding.source)}${which}: ${level}${finding.problem}`);
  }
  const problems = findings.filter((finding) => finding.level === 'problem').length;
  const warnings = findings.length - problems;
  const total = all.length + notLoaded.length;
  const rate = total > 0 ? ` (${((100 * all.length) / total).toFixed(1)} % load)` : '';
  errorLine(
    io,
    `${files} file(s), ${all.length} rule(s) loaded, ${notLoaded.length} not loaded${rate}, ` +
      `${problems} problem(s), ${warnings} warning(s)`,
  );
  if (notLoaded.length > 0) {
    errorLine(io, 'not loaded, by reason:');
    for (const [name, count] of countByClass(notLoaded.map((error) => error.reason))) {
      errorLine(io, `${String(count).padStart(7)}  ${name}`);
    }
  }
  return problems > 0 ? EXIT.internal : EXIT.ok;
}
