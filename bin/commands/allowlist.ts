/**
 * `vmsentry allowlist add | list | remove | expire | import | export | lint`: manage the per-host allowlist table.
 * This file parses flags and prints. The policy (validateEntry, policyViolation, lintEntries) lives in lib/allowlist,
 * and the table access in the DynamoDB adapter (lib/adapters/dynamodb-allowlist-store.ts). Every write is validated
 * first and conditional, so an entry is never silently overwritten. --print-only prints the `aws dynamodb put-item`
 * command instead, for teams that manage entries themselves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, InvalidArgumentError } from 'commander';
import { DynamoDbAllowlistStore } from '../../lib/adapters/dynamodb-allowlist-store';
import {
  BROAD_MAX_DAYS,
  DEFAULT_MAX_DAYS,
  entryIdFor,
  entryToItem,
  type LintFinding,
  lintEntries,
  newEntry,
  parseAllowlistFile,
  parseExpiry,
  partitionOf,
  policyViolation,
  toDynamoJson,
} from '../../lib/allowlist';
import type { AllowlistEntry, AllowlistPin } from '../../lib/model';
import { formatTable } from '../../lib/scan/table';
import { type AwsOptions, addAwsOptions, createAwsClients, withAwsErrors } from '../aws-clients';
import { envNames, fromEnv } from '../cli-env';
import { type CliIo, describeError, EXIT, errorLine, processIo, UsageError, writeLine } from '../cli-io';
import { localAwsOptions, resolveLocalTarget } from '../local/target';
import { collect } from '../rule-sources';
import { tableLayout } from '../table-layout';

export { BROAD_MAX_DAYS, DEFAULT_MAX_DAYS };

export interface AllowlistCommonOptions extends AwsOptions {
  readonly table?: string;
  readonly json?: boolean;
  /** Target the served local instance (`vmsentry local --serve`) instead of a deployment. */
  readonly local?: boolean;
}

/** What a command needs from the outside: the table client and the clock (tests pass dynalite and a fixed time). */
export interface AllowlistDeps {
  readonly doc?: DynamoDBDocumentClient;
  readonly nowMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// ─── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────────

function tableOf(options: AllowlistCommonOptions, env: Readonly<Record<string, string | undefined>>): string {
  const table = options.table ?? fromEnv('allowlistTable', env);
  if (!table) throw new UsageError(`no allowlist table: pass --table NAME or set ${envNames('allowlistTable')}`);
  return table;
}

/** The table, through the DynamoDB adapter: the CLI's only path to it. */
function storeOf(options: AllowlistCommonOptions, deps: AllowlistDeps): DynamoDbAllowlistStore {
  const table = tableOf(options, deps.env ?? process.env);
  return new DynamoDbAllowlistStore(deps.doc ?? createAwsClients(options, deps.env ?? process.env).doc, table);
}

/** --expires: ISO 8601 or a duration from now ("30d", "12h"). */
export function expiryOf(value: string, nowMs: number): number {
  const parsed = parseExpiry(value, nowMs);
  if (!parsed.ok) throw new UsageError(`--expires: ${parsed.reason}`);
  return parsed.seconds;
}

function parseMatch(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const match: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--match ${pair}: expected FIELD=GLOB (for example Image=*\\\\VBoxManage.exe)`);
    match[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return match;
}

function positiveDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days <= 0 || days > 3650)
    throw new InvalidArgumentError('a whole number of days (1-3650)');
  return days;
}

/** The `aws dynamodb put-item` command line for an item (single quotes escaped for POSIX shells). */
export function putItemCommand(table: string, item: Record<string, unknown>, endpoint?: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const at = endpoint === undefined ? '' : ` --endpoint-url ${quote(endpoint)}`;
  return `aws dynamodb put-item${at} --table-name ${quote(table)} --condition-expression 'attribute_not_exists(entryId)' --item ${quote(JSON.stringify(toDynamoJson(item)))}`;
}

/**
 * `--local`: the served local instance's allowlist table and DynamoDB (resolveLocalTarget; exit 2 with one line
 * when nothing is served). Applied before a command runs, so every subcommand targets it the same way.
 */
export async function withLocal<T extends AllowlistCommonOptions>(
  options: T,
  deps: AllowlistDeps = {},
): Promise<{ options: T; deps: AllowlistDeps }> {
  if (!options.local) return { options, deps };
  if (options.table !== undefined) throw new UsageError('--local and --table name two tables: pass one');
  const target = await resolveLocalTarget({ env: deps.env ?? process.env });
  return {
    options: { ...localAwsOptions(options, target), table: target.state.tables.allowlist },
    deps: { ...deps, env: target.env },
  };
}

function entryJson(entry: AllowlistEntry): Record<string, unknown> {
  return {
    host: entry.host,
    rule: entry.rule,
    ...(entry.match ? { match: entry.match } : {}),
    ...(entry.matchAny ? { matchAny: entry.matchAny } : {}),
    ...(entry.broad !== undefined ? { broad: entry.broad } : {}),
    ...(entry.pin ? { pin: entry.pin } : {}),
    reason: entry.reason,
    owner: entry.owner,
    ...(entry.createdAt !== undefined ? { createdAt: new Date(entry.createdAt * 1000).toISOString() } : {}),
    ...(entry.expiresAt !== undefined ? { expiresAt: new Date(entry.expiresAt * 1000).toISOString() } : {}),
    id: entry.id ?? entryIdFor(entry),
  };
}

// ─── commands ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface AddOptions extends AllowlistCommonOptions {
  readonly host: string;
  readonly rule: string;
  readonly match: string[];
  readonly reason?: string;
  readonly owner?: string;
  readonly expires?: string;
  readonly maxDays: number;
  readonly allowBroad?: boolean;
  readonly printOnly?: boolean;
  /** Fields of --match whose list values need not all match (--match-any). */
  readonly matchAny?: string[];
  readonly pinLogStream?: string;
  readonly pinAgentId?: string;
  /** false with --no-pin: write an instance-id entry unpinned. */
  readonly pin?: boolean;
}

/** The pin the flags ask for; undefined leaves the default (instance-id hosts pinned to their log stream). */
function pinOf(options: AddOptions): AllowlistPin | false | undefined {
  if (options.pinLogStream !== undefined && options.pinAgentId !== undefined) {
    throw new UsageError('one pin per entry: --pin-log-stream or --pin-agent-id');
  }
  if (options.pinLogStream !== undefined) return { source: 'logStream', value: options.pinLogStream };
  if (options.pinAgentId !== undefined) return { source: 'agentId', value: options.pinAgentId };
  return options.pin === false ? false : undefined;
}

export async function runAdd(options: AddOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const table = tableOf(options, env);
  const nowMs = deps.nowMs ?? Date.now();
  if (!options.reason) throw new UsageError('--reason is required: say why this is expected');
  if (!options.owner) throw new UsageError('--owner is required: who answers for this exception');
  if (!options.expires) throw new UsageError('--expires is required (ISO date or a duration such as 30d)');
  const nowSeconds = Math.floor(nowMs / 1000);
  const match = parseMatch(options.match);
  const pin = pinOf(options);
  const validated = newEntry(
    {
      host: options.host,
      rule: options.rule,
      ...(match ? { match } : {}),
      ...(options.matchAny ? { matchAny: options.matchAny } : {}),
      ...(pin !== undefined ? { pin } : {}),
      reason: options.reason,
      owner: options.owner,
      expiresAt: expiryOf(options.expires, nowMs),
    },
    { maxDays: options.maxDays, allowBroad: Boolean(options.allowBroad), nowSeconds },
  );
  if (!validated.ok) throw new UsageError(validated.reason);
  const entry = validated.entry;
  for (const warning of validated.warnings) errorLine(io, `warning: ${warning.message}`);
  if (options.printOnly) {
    const item = entryToItem(entry);
    await writeLine(io.stdout, putItemCommand(table, item, options.endpoint));
    await writeLine(io.stdout, JSON.stringify(item));
    return EXIT.ok;
  }
  const store = storeOf(options, deps);
  const outcome = await withAwsErrors(options, () => store.put(entry));
  if (outcome === 'exists') {
    errorLine(io, `an entry with this host, rule and match already exists (id ${entry.id}): expire or remove it first`);
    return 1;
  }
  errorLine(io, pinNote(entry));
  await writeLine(io.stdout, options.json ? JSON.stringify(entryJson(entry)) : `added ${entry.host} ${entry.id}`);
  return EXIT.ok;
}

function pinNote(entry: AllowlistEntry): string {
  if (entry.pin) return `pinned to ${entry.pin.source === 'logStream' ? 'log stream' : 'agent id'} ${entry.pin.value}`;
  return `unpinned: any record that claims host ${entry.host} is covered (--pin-log-stream or --pin-agent-id pins it)`;
}

export interface ListOptions extends AllowlistCommonOptions {
  readonly host?: string;
}

export async function runList(options: ListOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const nowSeconds = Math.floor((deps.nowMs ?? Date.now()) / 1000);
  const store = storeOf(options, deps);
  const read = await withAwsErrors(options, () => store.list(options.host));
  for (const bad of read.malformed)
    errorLine(io, `malformed item ${bad.host}/${bad.entryId ?? '?'}: ${bad.reason} (ignored by the pipeline)`);
  const expired = (entry: AllowlistEntry) => entry.expiresAt !== undefined && entry.expiresAt <= nowSeconds;
  if (options.json) {
    for (const entry of read.entries)
      await writeLine(io.stdout, JSON.stringify({ ...entryJson(entry), expired: expired(entry) }));
    return EXIT.ok;
  }
  if (read.entries.length === 0) {
    await writeLine(io.stdout, 'no entries');
    return EXIT.ok;
  }
  const rows = read.entries.map((entry) => [
    entry.host,
    entry.rule,
    Object.entries(entry.match ?? {})
      .map(([field, glob]) => `${entry.matchAny?.includes(field) ? 'any:' : ''}${field}=${glob}`)
      .join(' '),
    entry.pin ? `${entry.pin.source}=${entry.pin.value}` : '',
    entry.owner,
    entry.expiresAt === undefined
      ? 'never'
      : `${new Date(entry.expiresAt * 1000).toISOString()}${expired(entry) ? ' (EXPIRED)' : ''}`,
    entry.id ?? '',
    entry.reason,
  ]);
  await writeLine(
    io.stdout,
    formatTable(['host', 'rule', 'match', 'pin', 'owner', 'expires', 'id', 'reason'], rows, {
      maxCellWidth: 48,
      // Host, rule, expiry and id are what `allowlist remove/expire` take: never cut; match, pin, owner, reason give way.
      ...tableLayout(io, { keys: [0, 1, 5, 6] }),
    }),
  );
  return EXIT.ok;
}

export interface EntryRefOptions extends AllowlistCommonOptions {
  readonly host: string;
  readonly id: string;
}

export async function runRemove(options: EntryRefOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const store = storeOf(options, deps);
  const host = partitionOf(options.host);
  if (!(await withAwsErrors(options, () => store.remove(options.host, options.id)))) {
    errorLine(io, `no entry ${options.id} under host ${host}`);
    return 1;
  }
  await writeLine(io.stdout, `removed ${host} ${options.id}`);
  return EXIT.ok;
}

export async function runExpire(options: EntryRefOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const store = storeOf(options, deps);
  const nowSeconds = Math.floor((deps.nowMs ?? Date.now()) / 1000);
  const host = partitionOf(options.host);
  if (!(await withAwsErrors(options, () => store.expire(options.host, options.id, nowSeconds)))) {
    errorLine(io, `no entry ${options.id} under host ${host}`);
    return 1;
  }
  await writeLine(io.stdout, `expired ${host} ${options.id} (kept for audit; DynamoDB TTL deletes it later)`);
  return EXIT.ok;
}

export interface ImportOptions extends AllowlistCommonOptions {
  readonly maxDays: number;
  readonly allowBroad?: boolean;
  readonly skipInvalid?: boolean;
  readonly printOnly?: boolean;
}

function readText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? describeError(cause)}`, {
      cause,
    });
  }
}

export async function runImport(
  file: string,
  options: ImportOptions,
  io: CliIo,
  deps: AllowlistDeps = {},
): Promise<number> {
  const table = tableOf(options, deps.env ?? process.env);
  const nowMs = deps.nowMs ?? Date.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const parsed = parseAllowlistFile(readText(file));
  const problems = parsed.errors.map((error) => `${file}:${error.line}: ${error.reason}`);
  const policy = { maxDays: options.maxDays, allowBroad: Boolean(options.allowBroad), nowSeconds };
  const accepted: AllowlistEntry[] = [];
  parsed.entries.forEach((entry, index) => {
    const violation = policyViolation(entry, policy);
    if (violation) problems.push(`${file}:${parsed.lines[index]}: ${violation}`);
    else accepted.push({ ...entry, createdAt: entry.createdAt ?? nowSeconds, id: entry.id ?? entryIdFor(entry) });
  });
  for (const problem of problems) errorLine(io, problem);
  for (const warning of parsed.warnings) errorLine(io, `${file}:${warning.line}: warning: ${warning.message}`);
  if (problems.length > 0 && !options.skipInvalid) {
    errorLine(
      io,
      `${problems.length} invalid entr${problems.length === 1 ? 'y' : 'ies'}: nothing written (--skip-invalid writes the valid ones)`,
    );
    return EXIT.usage;
  }
  if (options.printOnly) {
    for (const entry of accepted) {
      const item = entryToItem(entry);
      await writeLine(io.stdout, putItemCommand(table, item, options.endpoint));
      await writeLine(io.stdout, JSON.stringify(item));
    }
    return EXIT.ok;
  }
  const store = storeOf(options, deps);
  let written = 0;
  let existing = 0;
  for (const entry of accepted) {
    const outcome = await withAwsErrors(options, () => store.put(entry));
    if (outcome === 'written') written++;
    else {
      existing++;
      errorLine(io, `exists, not overwritten: ${entry.host} ${entry.id} (expire or remove it to replace it)`);
    }
  }
  await writeLine(io.stdout, `imported ${written}, already present ${existing}, invalid skipped ${problems.length}`);
  return EXIT.ok;
}

export interface ExportOptions extends AllowlistCommonOptions {
  readonly output?: string;
  readonly host?: string;
}

export async function runExport(options: ExportOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const store = storeOf(options, deps);
  const read = await withAwsErrors(options, () => store.list(options.host));
  for (const bad of read.malformed)
    errorLine(io, `malformed item ${bad.host}/${bad.entryId ?? '?'}: ${bad.reason} (not exported)`);
  const lines = read.entries.map((entry) => JSON.stringify(entryJson(entry)));
  if (options.output) {
    try {
      writeFileSync(options.output, lines.map((line) => `${line}\n`).join(''));
    } catch (cause) {
      throw new UsageError(
        `cannot write ${options.output}: ${(cause as NodeJS.ErrnoException).code ?? describeError(cause)}`,
        { cause },
      );
    }
    errorLine(io, `exported ${lines.length} entr${lines.length === 1 ? 'y' : 'ies'} to ${options.output}`);
  } else {
    for (const line of lines) await writeLine(io.stdout, line);
  }
  return EXIT.ok;
}

export interface LintOptions extends AllowlistCommonOptions {
  readonly file?: string;
  readonly maxDays: number;
}

export async function runLint(options: LintOptions, io: CliIo, deps: AllowlistDeps = {}): Promise<number> {
  const nowSeconds = Math.floor((deps.nowMs ?? Date.now()) / 1000);
  let entries: AllowlistEntry[];
  const extra: LintFinding[] = [];
  if (options.file) {
    const parsed = parseAllowlistFile(readText(options.file));
    entries = parsed.entries;
    for (const error of parsed.errors)
      extra.push({ kind: 'malformed', host: '?', id: `line ${error.line}`, detail: error.reason });
  } else {
    const store = storeOf(options, deps);
    const read = await withAwsErrors(options, () => store.list());
    entries = read.entries;
    for (const bad of read.malformed)
      extra.push({ kind: 'malformed', host: bad.host, id: bad.entryId ?? '?', detail: bad.reason });
  }
  const findings = [...extra, ...lintEntries(entries, nowSeconds, options.maxDays)];
  if (options.json) {
    for (const finding of findings) await writeLine(io.stdout, JSON.stringify(finding));
  } else if (findings.length > 0) {
    await writeLine(
      io.stdout,
      formatTable(
        ['finding', 'host', 'id', 'detail'],
        findings.map((f) => [f.kind, f.host, f.id, f.detail]),
        { maxCellWidth: 90, ...tableLayout(io, { keys: [0, 1, 2] }) },
      ),
    );
  }
  errorLine(io, `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} checked, ${findings.length} finding(s)`);
  return findings.length > 0 ? 1 : EXIT.ok;
}

// ─── registration ─────────────────────────────────────────────────────────────────────────────────────────────────

const EXIT_HELP =
  '\nExit codes: 0 ok, 1 findings or a conflicting/missing entry, 2 usage, input, credentials or endpoint error.';

function common(command: Command): Command {
  return addAwsOptions(
    command
      .option('--table <name>', `allowlist table (default: ${envNames('allowlistTable')})`)
      .option('--local', 'the served local instance (`npx vmsentry local --serve`) instead of a deployment'),
  ).addHelpText('after', EXIT_HELP);
}

function run<T extends AllowlistCommonOptions>(
  given: T,
  action: (options: T, deps: AllowlistDeps) => Promise<number>,
): Promise<void> {
  return withLocal(given)
    .then(({ options, deps }) => action(options, deps))
    .then((code) => {
      process.exitCode = code;
    });
}

export function register(program: Command): void {
  const allowlist = program.command('allowlist').description('manage per-host allowlist entries (DynamoDB)');
  common(allowlist.command('add').description('add an entry (validated; never overwrites an existing one)'))
    .requiredOption('--host <host>', 'host identity (hostname, FQDN, instance id) or "*" with --allow-broad')
    .requiredOption('--rule <rule>', 'rule id, tag (attack.t1564.006) or "*" with --allow-broad')
    .option('--match <field=glob>', 'field glob the event must match (repeatable)', collect, [])
    .option('--reason <text>', 'why this is expected (required)')
    .option('--owner <who>', 'who answers for it (required)')
    .option('--expires <when>', 'ISO date or duration such as 30d (required)')
    .option('--max-days <n>', 'longest expiry allowed', positiveDays, DEFAULT_MAX_DAYS)
    .option('--match-any <field>', 'a --match list field where one matching value is enough (repeatable)', collect, [])
    .option('--pin-log-stream <name>', 'suppress only events delivered through this CloudWatch log stream')
    .option('--pin-agent-id <id>', 'suppress only EDR-feed events of this sensor (agent id)')
    .option('--no-pin', 'do not pin an instance-id host to its log stream (the default)')
    .option('--allow-broad', `allow host "*" or rule "*" (expiry at most ${BROAD_MAX_DAYS} days)`)
    .option('--print-only', 'print the aws dynamodb put-item command and the item JSON; write nothing')
    .option('--json', 'print the entry as JSON')
    .action((options: AddOptions) => run(options, (o, deps) => runAdd(o, processIo, deps)));
  common(allowlist.command('list').description('list entries (expired ones marked)'))
    .option('--host <host>', 'only this host')
    .option('--json', 'JSON lines')
    .action((options: ListOptions) => run(options, (o, deps) => runList(o, processIo, deps)));
  common(allowlist.command('remove').description('delete one entry'))
    .requiredOption('--host <host>', 'host of the entry')
    .requiredOption('--id <entryId>', 'entry id (see list)')
    .action((options: EntryRefOptions) => run(options, (o, deps) => runRemove(o, processIo, deps)));
  common(allowlist.command('expire').description('end an entry now, keeping the item for audit'))
    .requiredOption('--host <host>', 'host of the entry')
    .requiredOption('--id <entryId>', 'entry id (see list)')
    .action((options: EntryRefOptions) => run(options, (o, deps) => runExpire(o, processIo, deps)));
  common(allowlist.command('import').description('write every entry of a JSON-lines file (all validated first)'))
    .argument('<file>', 'JSON-lines allowlist (the format of scan --allowlist), or - for stdin')
    .option('--max-days <n>', 'longest expiry allowed', positiveDays, DEFAULT_MAX_DAYS)
    .option('--allow-broad', `allow host "*" or rule "*" entries (expiry at most ${BROAD_MAX_DAYS} days)`)
    .option('--skip-invalid', 'write the valid entries even when some are invalid')
    .option('--print-only', 'print aws dynamodb put-item commands; write nothing')
    .action((file: string, options: ImportOptions) => run(options, (o, deps) => runImport(file, o, processIo, deps)));
  common(allowlist.command('export').description('print every entry as JSON lines (the scan --allowlist format)'))
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--host <host>', 'only this host')
    .action((options: ExportOptions) => run(options, (o, deps) => runExport(o, processIo, deps)));
  common(
    allowlist
      .command('lint')
      .description('find expired, broad, any-value, unpinned, never-matching, duplicate and malformed entries'),
  )
    .option('--file <file>', 'lint a JSON-lines file instead of the table')
    .option('--max-days <n>', 'expiry beyond this is a finding', positiveDays, DEFAULT_MAX_DAYS)
    .option('--json', 'JSON lines')
    .action((options: LintOptions) => run(options, (o, deps) => runLint(o, processIo, deps)));
}
