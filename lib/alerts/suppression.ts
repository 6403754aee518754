import { entryToItem, LIMITS, toDynamoJson, validateEntry } from '../allowlist';
import { type Alert, type AllowlistEntry, provenIdentity } from '../model';
import { inertJson, oneLine, shellQuote } from './text';

/** How long a suggested exception lives: long enough for a sanctioned project, short enough to be re-reviewed. */
export const SUGGESTED_EXPIRY_DAYS = 30;

/** Fields that name what ran, most specific first: an exception scoped to one of them stays narrow. */
const DISTINCTIVE_FIELDS = ['Image', 'ContainerImage', 'ImagePath', 'ServiceName', 'Path'] as const;

/** The exact allowlist entry that would suppress this alert, ready to paste. */
export interface Suppression {
  /** The logical entry (the shape of `vmsentry allowlist add` and allowlist files). */
  readonly entry: AllowlistEntry;
  /** `vmsentry allowlist add --host ... --rule ... --match F=glob --reason ... --owner ... --expires 30d`. */
  readonly cli: string;
  /** The entry as one JSON line: the format of `vmsentry allowlist import` and `vmsentry scan --allowlist`. */
  readonly json: string;
  /** `aws dynamodb put-item` with the item in DynamoDB JSON. */
  readonly putItem: string;
  /** Why this entry could be broader than the alert, when it is. */
  readonly note?: string;
}

export interface SuppressionOptions {
  /** Allowlist table name for the put-item form; a placeholder is printed when unknown. */
  readonly allowlistTable?: string;
  /** Epoch ms the 30-day expiry is counted from. */
  readonly nowMs: number;
  /**
   * Local mode's DynamoDB (`vmsentry local`): the CLI form becomes `npx vmsentry allowlist add --local ...` (the repo's
   * CLI, against the served local instance) and the put-item form names this endpoint, so neither reaches a real table.
   */
  readonly localDynamoEndpoint?: string;
}

const TABLE_PLACEHOLDER = 'ALLOWLIST_TABLE_NAME';

/**
 * Host-and-rule scoped exception matching what ran (Image, else ContainerImage, ...), expiring in 30 days, pinned to
 * the identity the alert's envelope proves (its CloudWatch log stream or EDR agent id) so a record that only claims
 * this host is not covered. Only single-valued fields are used and matchAny is never set: every value must match.
 * The entry passes validateEntry (the pipeline's own check). Undefined when no host key of the alert is a valid
 * allowlist host (the entry could not be written).
 */
export function suggestSuppression(alert: Alert, options: SuppressionOptions): Suppression | undefined {
  const host = [alert.host, ...alert.hostKeys].find((key) => validateEntry({ ...placeholder(), host: key }).ok);
  if (host === undefined) return undefined;
  const distinctive = distinctiveMatch(alert);
  const createdAt = Math.floor(options.nowMs / 1000);
  const pin = provenIdentity(alert.event);
  const candidate: AllowlistEntry = {
    host,
    rule: alert.ruleId,
    ...(distinctive ? { match: { [distinctive.field]: distinctive.glob } } : {}),
    ...(pin ? { pin } : {}),
    reason: `Expected activity: replace with why (alert ${alert.id})`,
    owner: 'REPLACE_WITH_YOUR_NAME',
    createdAt,
    expiresAt: createdAt + SUGGESTED_EXPIRY_DAYS * 86_400,
  };
  const checked = validateEntry({ ...candidate });
  if (!checked.ok) return undefined;
  const entry = checked.entry;
  const table = options.allowlistTable ?? TABLE_PLACEHOLDER;
  const note = distinctive
    ? distinctive.prefix
      ? `the ${distinctive.field} value is longer than ${LIMITS.glob} characters: the entry matches its prefix`
      : undefined
    : `no field names what ran: this entry suppresses every alert of this rule on ${host}`;
  return {
    entry,
    cli: cliAdd(entry, options.localDynamoEndpoint === undefined ? { table: options.allowlistTable } : { local: true }),
    json: inertJson(entry),
    putItem: [
      'aws dynamodb put-item',
      ...(options.localDynamoEndpoint === undefined
        ? []
        : [`--endpoint-url ${shellQuote(options.localDynamoEndpoint)}`]),
      `--table-name ${shellQuote(table)}`,
      `--item ${shellQuote(inertJson(toDynamoJson(entryToItem(entry))))}`,
    ].join(' '),
    ...(note ? { note } : {}),
  };
}

/**
 * The `vmsentry allowlist add` flags for the entry (bin/commands/allowlist.ts); every value shell-quoted. In local
 * mode it is `npx vmsentry ... --local`: a checkout has no `vmsentry` on PATH, and --local finds the served tables.
 */
function cliAdd(entry: AllowlistEntry, target: { table?: string | undefined; local?: true }): string {
  const words = [
    target.local ? 'npx vmsentry allowlist add --local' : 'vmsentry allowlist add',
    ...(target.table ? [`--table ${shellQuote(target.table)}`] : []),
    `--host ${shellQuote(entry.host)}`,
    `--rule ${shellQuote(entry.rule)}`,
    ...Object.entries(entry.match ?? {}).map(
      ([field, glob]) => `--match ${shellQuote(visibleArgument(`${field}=${glob}`))}`,
    ),
    ...(entry.pin
      ? [
          `${entry.pin.source === 'logStream' ? '--pin-log-stream' : '--pin-agent-id'} ${shellQuote(visibleArgument(entry.pin.value))}`,
        ]
      : []),
    `--reason ${shellQuote(entry.reason)}`,
    `--owner ${shellQuote(entry.owner)}`,
    `--expires ${SUGGESTED_EXPIRY_DAYS}d`,
  ];
  return words.join(' ');
}

/**
 * A shell argument shown to a person: control and bidi characters would hide what is pasted, so a value carrying
 * them is not offered as an argument (the JSON forms escape them instead).
 */
function visibleArgument(text: string): string {
  return oneLine(text) === text ? text : 'UNPRINTABLE-VALUE-USE-THE-JSON-FORM';
}

function placeholder(): Record<string, unknown> {
  return { rule: 'placeholder', reason: 'x', owner: 'x' };
}

function distinctiveMatch(alert: Alert): { field: string; glob: string; prefix: boolean } | undefined {
  const fields = alert.event.fields as Readonly<Record<string, unknown>>;
  for (const field of DISTINCTIVE_FIELDS) {
    const value = fields[field];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const glob = literalGlob(value);
    if (glob.length <= LIMITS.glob) return { field, glob, prefix: false };
    return { field, glob: `${literalPrefix(value, LIMITS.glob - 1)}*`, prefix: true };
  }
  return undefined;
}

/**
 * The value as a glob that matches only itself: `*` and `?` are escaped, and a backslash is doubled only where it
 * would otherwise escape (before `*`, `?` or `\`), so Windows paths stay readable.
 */
export function literalGlob(value: string, followedBy = ''): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const next = i + 1 < value.length ? value[i + 1] : followedBy;
    if (c === '*' || c === '?') out += `\\${c}`;
    else if (c === '\\' && (next === '*' || next === '?' || next === '\\')) out += '\\\\';
    else out += c;
  }
  return out;
}

/** The longest literal glob of a prefix of `value` that fits `max` characters. */
function literalPrefix(value: string, max: number): string {
  let glob = '';
  for (let end = 1; end <= value.length; end++) {
    // The star appended after the prefix must stay a star: a backslash right before it is escaped.
    const next = literalGlob(value.slice(0, end), '*');
    if (next.length > max) break;
    glob = next;
  }
  return glob;
}
