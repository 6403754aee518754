import { createHash } from 'node:crypto';
import { ALL_RULES, type AllowlistEntry, type AllowlistPin, GLOBAL_HOST, PIN_SOURCES, type PinSource } from '../model';
import { isSafeFieldName } from './field';
import { normalizeHost, partitionOf } from './host';

/**
 * The allowlist entry as stored in DynamoDB (ALLOWLIST_TABLE) and written in `vmsentry scan --allowlist FILE`.
 * Item attributes: host (partition: lowercased identity, an FQDN's short name, or "*"), entryId (sort key), fqdn
 * (the full name when the entry names an FQDN), rule, match (map field -> glob), matchAny (list of match fields),
 * broad (true), pin (map source -> logStream | agentId, value), reason, owner, createdAt, expiresAt.
 * Everything read back is validated strictly by validateEntry, the one validation the pipeline, `allowlist import`,
 * `allowlist add` and `scan --allowlist` share: a malformed item is reported, never used.
 */

export const LIMITS = {
  host: 253,
  rule: 128,
  reason: 1024,
  owner: 256,
  glob: 256,
  matchFields: 16,
  entryId: 128,
  pin: 256,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const HOST_CHARS = /^[a-z0-9*][a-z0-9._:@/-]*$/;
const RULE_CHARS = /^[A-Za-z0-9*][A-Za-z0-9._:-]*$/;

export type EntryResult =
  | { readonly ok: true; readonly entry: AllowlistEntry }
  | { readonly ok: false; readonly reason: string };

/**
 * Stable id: hash of the rule, the match map (keys sorted) and, when present, matchAny and the pin, so writing the
 * same exception twice is idempotent. Entries without matchAny or pin keep the ids they always had.
 */
export function entryIdFor(entry: Pick<AllowlistEntry, 'rule' | 'match' | 'matchAny' | 'pin'>): string {
  const match = Object.entries(entry.match ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: unknown[] = [entry.rule.trim().toLowerCase(), match];
  if (entry.matchAny && entry.matchAny.length > 0) parts.push({ matchAny: [...entry.matchAny].sort() });
  if (entry.pin) parts.push({ pin: [entry.pin.source, entry.pin.value.toLowerCase()] });
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
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
  if (entry.matchAny && entry.matchAny.length > 0) item['matchAny'] = [...entry.matchAny];
  if (entry.broad !== undefined) item['broad'] = entry.broad;
  if (entry.pin) item['pin'] = { source: entry.pin.source, value: entry.pin.value };
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
  const { rule, match, matchAny, broad, pin, reason, owner, createdAt, expiresAt } = record;
  return { rule, match, matchAny, broad, pin, reason, owner, createdAt, expiresAt };
}

/**
 * A prototype key ("__proto__", "constructor", "prototype") anywhere in a raw DynamoDB item (AttributeValue shape:
 * {S}, {M: {...}}, {L: [...]}), or undefined. Run it on the item as it arrived, before unmarshalling: the SDK drops
 * a "__proto__" map key on read, so `match: {"__proto__": ...}` would otherwise read as no match at all (match-all).
 * Iterative and linear in the item's size.
 */
export function attributeKeyProblem(rawItem: unknown): string | undefined {
  const pending: unknown[] = [rawItem];
  let isItem = true;
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const element of value) pending.push(element);
      continue;
    }
    const record = value as Record<string, unknown>;
    // The item and every M value are maps from attribute names; elsewhere keys are type tags (S, N, M, L, ...).
    const maps = isItem ? [record] : Object.hasOwn(record, 'M') ? [record['M']] : [];
    isItem = false;
    if (Object.hasOwn(record, 'L')) pending.push(record['L']);
    for (const map of maps) {
      if (map === null || typeof map !== 'object') continue;
      for (const key of Object.keys(map)) {
        if (FORBIDDEN_KEYS.has(key)) return `forbidden attribute or map key "${key}"`;
        pending.push((map as Record<string, unknown>)[key]);
      }
    }
  }
  return undefined;
}

/**
 * Validate the logical fields of an entry (shared by DynamoDB items and allowlist files). Returns the entry with the
 * host lowercased.
 */
export function validateEntry(fields: Record<string, unknown>): EntryResult {
  const { host, rule, match, matchAny, broad, pin, reason, owner, createdAt, expiresAt, id } = fields;
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
  const anyResult = validateMatchAny(matchAny, matchResult.match);
  if (!anyResult.ok) return anyResult;
  if (broad !== undefined && typeof broad !== 'boolean') return fail('broad is not true or false');
  const pinResult = validatePin(pin);
  if (!pinResult.ok) return pinResult;
  if (createdAt !== undefined && !isEpochSeconds(createdAt)) return fail('createdAt is not epoch seconds');
  if (expiresAt !== undefined && !isEpochSeconds(expiresAt)) return fail('expiresAt is not epoch seconds');
  // Broad entries silence a rule fleet-wide or every rule on a host: only on purpose, and never forever.
  if (normalizedHost === GLOBAL_HOST || ruleScope === ALL_RULES) {
    if (broad !== true) return fail('host "*" or rule "*" is broad: the entry must say broad: true (and expire)');
    if (expiresAt === undefined) return fail('a broad entry (host "*" or rule "*") needs an expiresAt');
  }
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
  if (anyResult.matchAny) entry.matchAny = anyResult.matchAny;
  if (typeof broad === 'boolean') entry.broad = broad;
  if (pinResult.pin) entry.pin = pinResult.pin;
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
  // An empty map is refused rather than read as "no condition": a map whose only key was dropped (a prototype key the
  // SDK discards) must not become a match-all entry. Omit match to match every event of the rule.
  if (keys.length === 0) return fail('match is an empty map: omit it, or name a field');
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
  return { ok: true, match: { ...safe } };
}

function validateMatchAny(
  matchAny: unknown,
  match: Readonly<Record<string, string>> | undefined,
): { ok: true; matchAny: string[] | undefined } | { ok: false; reason: string } {
  if (matchAny === undefined) return { ok: true, matchAny: undefined };
  if (!Array.isArray(matchAny) || matchAny.length === 0) return fail('matchAny is not a non-empty list of field names');
  if (matchAny.length > LIMITS.matchFields) return fail(`matchAny has more than ${LIMITS.matchFields} fields`);
  const fields: string[] = [];
  for (const field of matchAny) {
    if (typeof field !== 'string' || match === undefined || !Object.hasOwn(match, field)) {
      return fail(`matchAny names "${String(field).slice(0, 64)}", which is not a field of match`);
    }
    if (!fields.includes(field)) fields.push(field);
  }
  return { ok: true, matchAny: fields };
}

function validatePin(pin: unknown): { ok: true; pin: AllowlistPin | undefined } | { ok: false; reason: string } {
  if (pin === undefined) return { ok: true, pin: undefined };
  if (!isPlainObject(pin)) return fail('pin is not a map {source, value}');
  const { source, value } = pin;
  if (typeof source !== 'string' || !PIN_SOURCES.includes(source as PinSource)) {
    return fail(`pin.source is not one of ${PIN_SOURCES.join(', ')}`);
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > LIMITS.pin) {
    return fail(`pin.value is not a non-empty string of at most ${LIMITS.pin} characters`);
  }
  if (Object.keys(pin).some((key) => key !== 'source' && key !== 'value')) return fail('pin has unknown attributes');
  return { ok: true, pin: { source: source as PinSource, value: value.trim() } };
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
