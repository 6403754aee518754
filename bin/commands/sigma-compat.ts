/**
 * `vmsentry sigma-compat PATH` (also `npm run sigma-compat -- PATH`): a user's SigmaHQ checkout's rules, unchanged,
 * on its own regression events. Reads regression_data/rules/windows/<category>/<rule>/info.yml and the case's .json
 * events, turns them into one-record-per-line Event XML, scans them with every rule of PATH/rules*, and reports per
 * category how many cases fired their own rule. Exit 1 below --min percent. The logic is lib/scan/sigma-compat.ts.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { RuleSet } from '../../lib/rules';
import { formatTable, Scanner } from '../../lib/scan';
import {
  type CaseResult,
  compatReport,
  parseCaseInfo,
  type RegressionCase,
  ruleIndexOf,
  runCase,
} from '../../lib/scan/sigma-compat';
import { type CliIo, EXIT, errorLine, processIo, UsageError, writeLine } from '../cli-io';
import { loadRuleSources } from '../rule-sources';
import { tableLayout } from '../table-layout';

export interface SigmaCompatOptions {
  readonly min: number;
  readonly json?: boolean;
  readonly xmlOut?: string;
}

function parsePercent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
}

export function register(program: Command): void {
  program
    .command('sigma-compat')
    .description(
      "run a SigmaHQ checkout's rules on its regression_data events; report per category; exit 1 below --min",
    )
    .argument('<path>', 'a SigmaHQ checkout (with rules*/ and regression_data/rules/windows/)')
    .option('--min <percent>', 'lowest hit rate that passes', parsePercent, 98)
    .option('--json', 'print the report as one JSON object')
    .option('--xml-out <dir>', 'also write the Event XML each case became, one file per case')
    .action(async (checkout: string, options: SigmaCompatOptions) => {
      process.exitCode = await sigmaCompat(checkout, options, processIo);
    });
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Case folders (those holding an info.yml) under root, depth-first, sorted; bounded depth. */
function findCases(root: string): RegressionCase[] {
  const cases: RegressionCase[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 8) return;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    if (entries.some((entry) => entry.isFile() && entry.name === 'info.yml')) {
      const eventFiles = entries
        .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.json'))
        .map((entry) => {
          const file = path.join(dir, entry.name);
          return { path: path.relative(root, file), text: readFileSync(file, 'utf8') };
        });
      cases.push({
        category: path.relative(root, path.dirname(dir)) || '.',
        name: path.basename(dir),
        info: parseCaseInfo(readFileSync(path.join(dir, 'info.yml'), 'utf8')),
        eventFiles,
      });
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) walk(path.join(dir, entry.name), depth + 1);
  };
  walk(root, 0);
  return cases;
}

function writeXml(dir: string, results: readonly CaseResult[]): void {
  for (const result of results) {
    if (result.xml.length === 0) continue;
    const folder = path.join(dir, result.category);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${result.name}.xml`), `${result.xml.join('\n')}\n`);
  }
}

export async function sigmaCompat(checkout: string, options: SigmaCompatOptions, io: CliIo): Promise<number> {
  const regression = path.join(checkout, 'regression_data', 'rules', 'windows');
  if (!isDirectory(regression)) throw new UsageError(`${checkout}: no regression_data/rules/windows/ in it`);
  const ruleDirs = readdirSync(checkout)
    .filter((name) => /^rules/.test(name) && isDirectory(path.join(checkout, name)))
    .sort()
    .map((name) => path.join(checkout, name));
  if (ruleDirs.length === 0) throw new UsageError(`${checkout}: no rules*/ directory in it`);
  const loaded = loadRuleSources(ruleDirs);
  const index = ruleIndexOf(loaded.rules, loaded.errors);
  // The scan core as `vmsentry scan --no-builtin --rules PATH/rules*` runs it: every rule, every severity.
  const scanner = new Scanner({ ruleSet: RuleSet.from(loaded.rules), minSeverity: 'informational', nowMs: Date.now() });
  const results: CaseResult[] = [];
  for (const kase of findCases(regression)) results.push(await runCase(kase, index, scanner));
  if (options.xmlOut) writeXml(options.xmlOut, results);
  const report = compatReport(results);
  const passed = report.total.cases > 0 && report.total.percent >= options.min;
  if (options.json) {
    const misses = report.misses.map(({ xml, ...miss }) => miss);
    await writeLine(io.stdout, JSON.stringify({ ...report, misses, min: options.min, passed }));
  } else {
    const table = [...report.rows, report.total].map((row) => [
      row.category,
      row.events,
      row.cases,
      row.fired,
      `${row.percent.toFixed(1)} %`,
    ]);
    await writeLine(
      io.stdout,
      formatTable(
        ['CATEGORY', 'EVENTS', 'RULES', 'FIRED OWN RULE', '%'],
        table,
        tableLayout(io, { keys: [1, 2, 3, 4] }),
      ),
    );
    if (report.misses.length > 0) {
      await writeLine(io.stdout, '\nmisses:');
      for (const miss of report.misses) {
        const which = miss.ruleId ? ` [${miss.ruleId}]` : '';
        await writeLine(io.stdout, `${miss.category}/${miss.name}${which}: ${miss.reason ?? 'did not fire'}`);
      }
    }
  }
  errorLine(
    io,
    `${report.total.fired} of ${report.total.cases} regression case(s) fired their own rule ` +
      `(${report.total.percent.toFixed(1)} %, minimum ${options.min} %): ${passed ? 'pass' : 'FAIL'}; ` +
      `${loaded.rules.length} rule(s) loaded from ${ruleDirs.map((dir) => path.basename(dir)).join(', ')}, ` +
      `${loaded.errors.length} not loaded`,
  );
  return passed ? EXIT.ok : EXIT.internal;
}
