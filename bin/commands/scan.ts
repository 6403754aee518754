/**
 * `vmsentry scan`: files or stdin through the parsers, the rule pack (plus --rules), correlation, and an allowlist
 * file; one JSON alert per line on stdout (or a table), the summary on stderr. The logic is lib/scan; this is I/O.
 */
import { statSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { alertToOcsf } from '../../lib/export/ocsf-finding';
import { atLeast, FORMATS, type FormatName, isFormatName, SEVERITIES, type Severity } from '../../lib/model';
import { Correlator, correlationOnlyRuleIds, InMemoryCorrelationStore, RuleSet } from '../../lib/rules';
// Direct modules, not the lib/scan barrel: scan must not load the sample and lint machinery (zod) at start-up.
import type { ScanRecord } from '../../lib/scan/record';
import { ALERT_TABLE_KEYS, ALERT_TABLE_SEVERITY, formatAlertTable, formatSummary } from '../../lib/scan/report';
import { Scanner } from '../../lib/scan/scanner';
import { BatchParser, type ParsedBatch } from '../../lib/sources';
import { readAllowlistFile } from '../allowlist-file';
import {
  type CliIo,
  describeError,
  EXIT,
  errorLine,
  FAIL_ON_HELP,
  FINDINGS_EXIT,
  parseSeverityArg,
  processIo,
  UsageError,
  writeLine,
} from '../cli-io';
import { BinaryInputError, DocumentTooLargeError, type InputSource, InvalidGzipError, readRecords } from '../input';
import { expandInputPaths, INCLUDE_HELP } from '../input-paths';
import { byteProgress } from '../progress';
import { collect, describeLoadError, loadRuleSources, ruleDirectories } from '../rule-sources';
import { tableLayout } from '../table-layout';

export type ScanOutput = 'ndjson' | 'table' | 'ocsf';
const OUTPUTS: readonly ScanOutput[] = ['ndjson', 'table', 'ocsf'];

export interface ScanCommandOptions {
  readonly inputFormat?: FormatName;
  /** Deprecated spelling of inputFormat (one release). */
  readonly format?: FormatName;
  readonly output?: ScanOutput;
  readonly failOn?: Severity;
  readonly rules: string[];
  /** --include globs for directory arguments. */
  readonly include?: string[];
  readonly builtin: boolean;
  readonly strict?: boolean;
  readonly allowlist?: string;
  readonly minSeverity: Severity;
  readonly table?: boolean;
}

function parseFormat(value: string): FormatName {
  if (!isFormatName(value)) throw new InvalidArgumentError(`unknown format; one of: ${FORMATS.join(', ')}`);
  return value;
}

function parseOutput(value: string): ScanOutput {
  const output = OUTPUTS.find((one) => one === value.toLowerCase());
  if (!output) throw new InvalidArgumentError(`one of: ${OUTPUTS.join(', ')}`);
  return output;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('detect T1564.006 activity in log files, directories or stdin; prints one JSON alert per line')
    .argument('<paths...>', 'files or directories (read recursively) to scan, or - for stdin; plain or gzip')
    .addOption(
      new Option('--input-format <name>', 'read every record as this format instead of recognising each one').argParser(
        parseFormat,
      ),
    )
    .addOption(
      new Option('--format <name>', 'deprecated: the old name of --input-format').argParser(parseFormat).hideHelp(),
    )
    .addOption(
      new Option(
        '--output <kind>',
        `what stdout gets: ${OUTPUTS.join('|')} (vmsentry.alert.v1 JSON lines, a table, OCSF Detection Findings)`,
      )
        .argParser(parseOutput)
        .default('ndjson'),
    )
    .addOption(new Option('--fail-on <level>', FAIL_ON_HELP).argParser(parseSeverityArg))
    .option('--include <glob>', INCLUDE_HELP, collect, [])
    .option('--rules <dir>', 'also run the Sigma rules in this directory (repeatable)', collect, [])
    .option('--no-builtin', 'do not run the built-in rule pack (only --rules)')
    .option('--strict', 'exit 2 when any rule cannot be loaded')
    .option(
      '--allowlist <file>',
      'JSON-lines allowlist, validated as the pipeline validates items (host, rule, match, matchAny, broad, pin, reason, owner, expiresAt)',
    )
    .addOption(
      new Option('--min-severity <level>', `lowest severity printed (${SEVERITIES.join('|')})`)
        .argParser(parseSeverityArg)
        .default('low'),
    )
    .option('--table', 'same as --output table')
    .addHelpText(
      'after',
      '\nExit codes: 0 the scan ran (with or without alerts), 1 an alert at or above --fail-on (or an internal error),' +
        ' 2 usage error or unreadable input (binary data, gzip that does not inflate, an input in which no record' +
        ' at all was recognised, or a directory with no file to read).',
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      process.exitCode = await runScan(paths, options, processIo);
    });
}

function sourcesOf(
  paths: readonly string[],
  include: readonly string[],
): { sources: InputSource[]; totalBytes: number } {
  let totalBytes = 0;
  const sources: InputSource[] = [];
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  for (const path of expandInputPaths(paths, { include })) {
    if (path === '-') {
      sources.push({ kind: 'stdin' });
      continue;
    }
    // expandInputPaths has just seen it; a file removed since is reported when it is read.
    totalBytes += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    sources.push({ kind: 'file', path });
  }
  return { sources, totalBytes };
}

/** The scan itself; returns the exit code. Usage problems throw UsageError. */
export async function runScan(paths: readonly string[], options: ScanCommandOptions, io: CliIo): Promise<number> {
  const { sources, totalBytes } = sourcesOf(paths, options.include ?? []);
  const loaded = loadRuleSources(ruleDirectories(options));
  for (const error of loaded.errors) errorLine(io, `rule not loaded: ${describeLoadError(error)}`);
  if (options.strict && loaded.errors.length > 0) {
    errorLine(io, `--strict: ${loaded.errors.length} rule(s) could not be loaded`);
    return EXIT.usage;
  }
  if (loaded.rules.length === 0) throw new UsageError('no rule could be loaded');
  const allowlist = options.allowlist ? readAllowlistFile(options.allowlist, io) : [];

  const scanner = new Scanner({
    ruleSet: RuleSet.from(loaded.rules),
    ...(loaded.correlations.length > 0
      ? { correlator: new Correlator(loaded.correlations, new InMemoryCorrelationStore()) }
      : {}),
    correlationOnly: correlationOnlyRuleIds(loaded.correlations),
    allowlist,
    minSeverity: options.minSeverity,
    nowMs: Date.now(),
  });
  const output: ScanOutput = options.table ? 'table' : (options.output ?? 'ndjson');
  const inputFormat = options.inputFormat ?? options.format;
  if (options.format !== undefined && options.inputFormat === undefined) {
    errorLine(io, 'vmsentry: --format is deprecated: use --input-format (it names the input, not the output)');
  }
  const failOn = options.failOn;
  let failing = 0;
  const progress = byteProgress(totalBytes, io.stderr);
  const tableRows: ScanRecord[] = [];
  let unreadable = 0;
  try {
    const emit = async (records: readonly ScanRecord[]): Promise<void> => {
      for (const record of records) {
        if (failOn !== undefined && atLeast(record.severity, failOn)) failing++;
        if (output === 'table') tableRows.push(record);
        else await writeLine(io.stdout, JSON.stringify(output === 'ocsf' ? alertToOcsf(record) : record));
      }
    };
    for (const source of sources) {
      // One parser per input: groups (auditd events, split script blocks) survive chunk boundaries.
      // Files on the operator's own disk: vmsentry's normalized event JSON (saved scans, rule samples) is accepted.
      const parser = new BatchParser({ ...(inputFormat ? { format: inputFormat } : {}), acceptNormalized: true });
      const counts = { records: 0, unknown: 0 };
      const scan = async (batch: ParsedBatch): Promise<void> => {
        counts.records += batch.records;
        counts.unknown += batch.unknown;
        await emit(await scanner.scan(batch));
      };
      const problem = await readSource(source, progress, parser, scan);
      await scan(parser.finish());
      const reason = problem ?? nothingRecognised(counts);
      if (reason === undefined) continue;
      // The other inputs are still scanned; the exit code says this one was not.
      errorLine(io, `vmsentry: cannot scan ${nameOf(source)}: ${reason}`);
      unreadable++;
    }
  } catch (cause) {
    const name = (cause as NodeJS.ErrnoException).code;
    if (cause instanceof DocumentTooLargeError || name === 'ENOENT' || name === 'EACCES' || name === 'EISDIR') {
      throw new UsageError(`cannot read input: ${describeError(cause)}`, { cause });
    }
    throw cause;
  } finally {
    progress.stop();
  }
  if (output === 'table') {
    const layout = tableLayout(io, { keys: ALERT_TABLE_KEYS, severity: ALERT_TABLE_SEVERITY });
    await writeLine(io.stdout, tableRows.length > 0 ? formatAlertTable(tableRows, layout) : 'no alerts');
  }
  errorLine(io, formatSummary(scanner.summary()));
  if (unreadable > 0) return EXIT.usage;
  if (failing > 0) {
    errorLine(io, `--fail-on ${failOn}: ${failing} alert(s) at or above it`);
    return FINDINGS_EXIT;
  }
  return EXIT.ok;
}

function nameOf(source: InputSource): string {
  return source.kind === 'file' ? source.path : 'stdin';
}

/** Records were read but not one was recognised: garbage, the wrong --format, or a compression we do not read. */
function nothingRecognised(counts: { records: number; unknown: number }): string | undefined {
  if (counts.records === 0 || counts.unknown < counts.records) return undefined;
  return `no parser recognised any of its ${counts.records} records (is it a log format vmsentry reads, plain or gzip?)`;
}

/**
 * One input through the parser. Binary data and a gzip that does not inflate end this input only (what was read
 * before the damage is kept) and are returned as the reason; other errors are thrown.
 */
async function readSource(
  source: InputSource,
  progress: { advance(bytes: number): void },
  parser: BatchParser,
  scan: (batch: ParsedBatch) => Promise<void>,
): Promise<string | undefined> {
  try {
    for await (const chunk of readRecords(source, { onBytes: (bytes) => progress.advance(bytes) })) {
      parser.addErrors(chunk.errors);
      for (const record of chunk.records) parser.push(record);
      await scan(parser.drain());
    }
  } catch (cause) {
    if (cause instanceof BinaryInputError || cause instanceof InvalidGzipError) return cause.message;
    throw cause;
  }
  return undefined;
}
