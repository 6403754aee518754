import { createHash } from 'node:crypto';
import { ALL_RULES, type AllowlistEntry, GLOBAL_HOST } from '../model';
import { isSafeFieldName } from './field';
import { normalizeHost, partitionOf } from './host';

/**
 * The allowlist entry as stored in DynamoDB (ALLOWLIST_TABLE) and written in `vmsentry scan --allowlist FILE`.
 * Item attributes: host (partition: lowercased identity, an FQDN's short name, or "*"), entryId (sort key), fqdn
 * (the full name when the entry names an FQDN), rule, match (map field -> glob), reason, owner, createdAt, expiresAt.
 * Everything read back is validated strictly: a malformed item is reported, never used.
 */

export const LIMITS = {
  host: 253,
  rule: 128,
  reason: 1024,
  owner: 256,
  glob: 256,
  matchFields: 16,
  entryId: 128,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const HOST_CHARS = /^[a-z0-9*][a-z0-9._:@/-]*$/;
const RULE_CHARS = /^[A-Za-z0-9*][A-Za-z0-9._:-]*$/;

export type EntryResult =
  | { readonly ok: true; readonly entry: AllowlistEntry }
  | { readonly ok: false; readonly reason: string };

/** Stable id: hash of the rule and the match map (keys sorted), so writing the same exception twice is idempotent. */
export function entryIdFor(entry: Pick<AllowlistEntry, 'rule' | 'match'>): string {
  const match = Object.entries(entry.match ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([entry.rule.trim().toLowerCase(), match]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** The plain DynamoDB item (DocumentClient shape) for an entry. */
export function entryToItem(entry: AllowlistEntry): Record<string, unknown> {
  const host = normalizeHost(entry.host);
  const partition = partitionOf(host);
  const item: Record<string, unknown> = {
    host: partition,
    entryId: entry.id ?? entryIdFor(entry),
    rule: entry.rule.trim(),
    reason: entry.reason,
    owner: entry.owner,
  };
  if (partition !== host) item['fqdn'] = host;
  if (entry.match && Object.keys(entry.match).length > 0) item['match'] = { ...entry.match };
  if (entry.createdAt !== undefined) item['createdAt'] = entry.createdAt;
  if (entry.expiresAt !== undefined) item['expiresAt'] = entry.expiresAt;
  return item;
}

/** Strictly validate a DynamoDB item (DocumentClient shape) and turn it into an entry. */
export function itemToEntry(item: unknown): EntryResult {
  if (!isPlainObject(item)) return fail('item is not an object');
  const forbidden = Object.keys(item).find((key) => FORBIDDEN_KEYS.has(key));
  if (forbidden) return fail(`forbidden attribute name "${forbidden}"`);
  const partition = item['host'];
  if (typeof partition !== 'string' || partition === '') return fail('host (partition key) is missing');
  const fqdn = item['fqdn'];
  if (fqdn !== undefined && (typeof fqdn !== 'string' || partitionOf(fqdn) !== partition)) {
    return fail('fqdn does not belong to the host partition');
  }
  const entryId = item['entryId'];
  if (typeof entryId !== 'string' || entryId === '' || entryId.length > LIMITS.entryId) {
    return fail('entryId (sort key) is missing or too long');
  }
  return validateEntry({ ...pick(item), host: typeof fqdn === 'string' ? fqdn : partition, id: entryId });
}

function pick(record: Record<string, unknown>): Record<string, unknown> {
  const { rule, match, reason, owner, createdAt, expiresAt } = record;
  return { rule, match, reason, owner, createdAt, expiresAt };
}

/**
 * Validate the logical fields of an entry (shared by DynamoDB items and allowlist files). Returns the entry with the
 * host lowercased.
 */
export function validateEntry(fields: Record<string, unknown>): EntryResult {
  const { host, rule, match, reason, owner, createdAt, expiresAt, id } = fields;
  if (typeof host !== 'string' || host.trim() === '') return fail('host is required');
  const normalizedHost = normalizeHost(host);
  if (normalizedHost.length > LIMITS.host || !HOST_CHARS.test(normalizedHost))
    return fail('host is not a host identity');
  if (normalizedHost.includes('*') && normalizedHost !== GLOBAL_HOST) return fail('host may be "*" but not a pattern');
  if (typeof rule !== 'string' || rule.trim() === '') return fail('rule is required (rule id, tag or "*")');
  const ruleScope = rule.trim();
  if (ruleScope.length > LIMITS.rule || !RULE_CHARS.test(ruleScope)) return fail('rule is not a rule id or tag');
  if (ruleScope.includes('*') && ruleScope !== ALL_RULES) return fail('rule may be "*" but not a pattern');
  if (typeof reason !== 'string' || reason.trim() === '') return fail('reason is required');
  if (reason.length > LIMITS.reason) return fail(`reason is longer than ${LIMITS.reason} characters`);
  if (typeof owner !== 'string' || owner.trim() === '') return fail('owner is required');
  if (owner.length > LIMITS.owner) return fail(`owner is longer than ${LIMITS.owner} characters`);
  const matchResult = validateMatch(match);
  if (!matchResult.ok) return matchResult;
  if (createdAt !== undefined && !isEpochSeconds(createdAt)) return fail('createdAt is not epoch seconds');
  if (expiresAt !== undefined && !isEpochSeconds(expiresAt)) return fail('expiresAt is not epoch seconds');
  if (id !== undefined && (typeof id !== 'string' || id === '' || id.length > LIMITS.entryId)) {
    return fail('id is not a short string');
  }
  const entry: { -readonly [K in keyof AllowlistEntry]: AllowlistEntry[K] } = {
    host: normalizedHost,
    rule: ruleScope,
    reason,
    owner,
  };
  if (matchResult.match) entry.match = matchResult.match;
  if (typeof createdAt === 'number') entry.createdAt = createdAt;
  if (typeof expiresAt === 'number') entry.expiresAt = expiresAt;
  if (typeof id === 'string') entry.id = id;
  return { ok: true, entry };
}

function validateMatch(
  match: unknown,
): { ok: true; match: Record<string, string> | undefined } | { ok: false; reason: string } {
  if (match === undefined) return { ok: true, match: undefined };
  if (!isPlainObject(match)) return fail('match is not a map of field -> glob');
  const keys = Object.keys(match);
  if (keys.length > LIMITS.matchFields) return fail(`match has more than ${LIMITS.matchFields} fields`);
  // A null-prototype copy: field names come from users and must never reach Object.prototype.
  const safe: Record<string, string> = Object.create(null);
  for (const key of keys) {
    if (!isSafeFieldName(key)) return fail(`match field "${key.slice(0, 64)}" is not a known-safe field name`);
    const glob = match[key];
    if (typeof glob !== 'string') return fail(`match.${key} is not a string glob`);
    if (glob.length > LIMITS.glob) return fail(`match.${key} is longer than ${LIMITS.glob} characters`);
    safe[key] = glob;
  }
  return { ok: true, match: keys.length > 0 ? { ...safe } : undefined };
}

function isEpochSeconds(value: unknown): value is number {
  // Up to year ~2286 in seconds; a millisecond value is a mistake worth rejecting.
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e10;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** DynamoDB JSON ({"S": ...}, {"N": ...}, {"M": ...}) for `aws dynamodb put-item --item`. */
export function toDynamoJson(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value !== undefined) out[key] = attributeValue(value);
  }
  return out;
}

function attributeValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeValue) };
  if (typeof value === 'object') return { M: toDynamoJson(value as Record<string, unknown>) };
  throw new TypeError(`cannot express ${typeof value} as a DynamoDB attribute`);
}
