import { responseSteps } from '../alerts/response-steps';
import { parseExpiry } from '../allowlist/expiry';
import { newEntry } from '../allowlist/new-entry';
import { DEFAULT_MAX_DAYS } from '../allowlist/policy';
import { MAX_PAGE_SIZE } from '../history/query';
import {
  type AlertHistoryStore,
  HistoryNotFoundError,
  type HistoryQuery,
  HistoryTransitionError,
  HistoryUnavailableError,
  TRIAGE_STATES,
  type TriageState,
} from '../history/store';
import { parseTime } from '../hunt/time';
import { type AllowlistEntry, type AllowlistPin, isSeverity } from '../model';
import type { CatalogueRule } from './catalogue';
import type { ConsoleRequest, ConsoleResponse } from './contract';
import type { HealthReader } from './health';

/** The allowlist as the console uses it (DynamoDbAllowlistStore fits; local mode passes the same adapter). */
export interface ConsoleAllowlistStore {
  list(host?: string): Promise<{
    readonly entries: readonly AllowlistEntry[];
    readonly malformed: readonly { readonly host: string; readonly entryId?: string; readonly reason: string }[];
  }>;
  put(entry: AllowlistEntry): Promise<'written' | 'exists'>;
  expire(host: string, entryId: string, nowSeconds: number): Promise<boolean>;
}

export interface ConsoleDeps {
  readonly history: AlertHistoryStore;
  readonly allowlist: ConsoleAllowlistStore;
  readonly rules: readonly CatalogueRule[];
  readonly health: HealthReader;
  readonly nowMs?: () => number;
  /** The longest an entry may last (the CLI's --max-days default). */
  readonly maxAllowlistDays?: number;
  /** Called for every 5xx with its cause, so the composition root can log it; the response says only "internal". */
  readonly onError?: (error: unknown, request: ConsoleRequest) => void;
}

/** Bodies are small forms; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_PARAM_LENGTH = 512;
const MAX_CURSOR_LENGTH = 2048;
/** Rules whose last firing is looked up at once (one indexed query each). */
const LAST_FIRED_CONCURRENCY = 8;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

/** A request the console refuses, with the status and a message the page shows as it is. */
export class ConsoleRequestError extends Error {
  override readonly name = 'ConsoleRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (request: ConsoleRequest, deps: ConsoleDeps, params: readonly string[]) => Promise<unknown>;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
  /** Status of a successful response. */
  readonly status?: number;
}

/** Ids and hosts in paths: no slashes, bounded (the patterns are anchored and linear). */
const SEGMENT = '([^/]{1,256})';

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/me$/, handler: async (request) => ({ email: request.user.email }) },
  { method: 'GET', pattern: /^\/api\/alerts$/, handler: listAlerts },
  { method: 'GET', pattern: new RegExp(`^/api/alerts/${SEGMENT}$`), handler: showAlert },
  { method: 'POST', pattern: new RegExp(`^/api/alerts/${SEGMENT}/ack$`), handler: triage('acknowledged') },
  { method: 'POST', pattern: new RegExp(`^/api/alerts/${SEGMENT}/close$`), handler: triage('closed') },
  { method: 'POST', pattern: new RegExp(`^/api/alerts/${SEGMENT}/reopen$`), handler: triage('new') },
  { method: 'GET', pattern: /^\/api\/allowlist$/, handler: listAllowlist },
  { method: 'POST', pattern: /^\/api\/allowlist$/, handler: addAllowlistEntry, status: 201 },
  { method: 'POST', pattern: /^\/api\/allowlist\/expire$/, handler: expireAllowlistEntry },
  { method: 'GET', pattern: /^\/api\/rules$/, handler: listRules },
  { method: 'GET', pattern: /^\/api\/health$/, handler: async (_r, deps) => deps.health.read(now(deps)) },
];

/**
 * The console's API: one pure router over the same ports the CLI and the pipeline use, served by the console Lambda
 * behind API Gateway (identity from the verified JWT) and by the local console server. Every input is bounded and
 * checked; failures become 4xx with a message the page can show, or 503 when a store is down.
 */
export async function handleConsoleRequest(request: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  const path = request.path.length > 2048 ? '' : request.path.replace(/\/+$/, '');
  let methodMismatch = false;
  for (const route of ROUTES) {
    const matched = route.pattern.exec(path);
    if (!matched) continue;
    if (route.method !== request.method.toUpperCase()) {
      methodMismatch = true;
      continue;
    }
    try {
      const params = matched.slice(1).map(decodeSegment);
      return json(route.status ?? 200, await route.handler(request, deps, params));
    } catch (error) {
      return errorResponse(error, request, deps);
    }
  }
  return methodMismatch ? json(405, { error: 'method not allowed' }) : json(404, { error: 'not found' });
}

function json(status: number, body: unknown): ConsoleResponse {
  return { status, headers: SECURITY_HEADERS, body: JSON.stringify(body) };
}

function errorResponse(error: unknown, request: ConsoleRequest, deps: ConsoleDeps): ConsoleResponse {
  if (error instanceof ConsoleRequestError) return json(error.status, { error: error.message });
  if (error instanceof HistoryNotFoundError) return json(404, { error: error.message });
  if (error instanceof HistoryTransitionError) return json(409, { error: error.message });
  if (error instanceof RangeError) return json(400, { error: error.message });
  deps.onError?.(error, request);
  if (error instanceof HistoryUnavailableError || isUnavailable(error)) {
    return json(503, { error: 'a store is unavailable; try again shortly' });
  }
  return json(500, { error: 'internal error' });
}

/** Store adapters throw *UnavailableError (history, allowlist) when DynamoDB cannot be reached. */
function isUnavailable(error: unknown): boolean {
  return error instanceof Error && /UnavailableError$/.test(error.name);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ConsoleRequestError(400, 'the path is not valid URL encoding');
  }
}

function now(deps: ConsoleDeps): number {
  return (deps.nowMs ?? Date.now)();
}

function param(request: ConsoleRequest, name: string, max = MAX_PARAM_LENGTH): string | undefined {
  const value = request.query[name];
  if (value === undefined || value === '') return undefined;
  if (value.length > max) throw new ConsoleRequestError(400, `${name} is longer than ${max} characters`);
  return value;
}

function timeParam(request: ConsoleRequest, name: string, nowMs: number): string | undefined {
  const value = param(request, name, 64);
  if (value === undefined) return undefined;
  const parsed = parseTime(value, nowMs);
  if (!parsed.ok) throw new ConsoleRequestError(400, `${name}: ${parsed.reason}`);
  return new Date(parsed.ms).toISOString();
}

async function listAlerts(request: ConsoleRequest, deps: ConsoleDeps): Promise<unknown> {
  const nowMs = now(deps);
  const severity = param(request, 'severity');
  if (severity !== undefined && !isSeverity(severity)) {
    throw new ConsoleRequestError(400, `severity must be one of informational, low, medium, high, critical`);
  }
  const state = param(request, 'state');
  if (state !== undefined && !(TRIAGE_STATES as readonly string[]).includes(state)) {
    throw new ConsoleRequestError(400, `state must be one of ${TRIAGE_STATES.join(', ')}`);
  }
  const limitText = param(request, 'limit', 6);
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)) {
    throw new ConsoleRequestError(400, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const host = param(request, 'host');
  const ruleId = param(request, 'rule');
  const since = timeParam(request, 'since', nowMs);
  const until = timeParam(request, 'until', nowMs);
  const cursor = param(request, 'cursor', MAX_CURSOR_LENGTH);
  const query: HistoryQuery = {
    ...(host ? { host } : {}),
    ...(ruleId ? { ruleId } : {}),
    ...(severity && isSeverity(severity) ? { minSeverity: severity } : {}),
    ...(state ? { state: state as TriageState } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(limit ? { limit } : {}),
    ...(cursor ? { cursor } : {}),
  };
  return deps.history.list(query);
}

async function showAlert(_request: ConsoleRequest, deps: ConsoleDeps, [id]: readonly string[]): Promise<unknown> {
  const record = await deps.history.get(id as string);
  if (!record) throw new HistoryNotFoundError(id as string);
  return { ...record, responseSteps: responseSteps(record.alert) };
}

function triage(state: TriageState): Handler {
  return async (request, deps, [id]) => {
    const body = readBody(request);
    const reason = optionalString(body, 'reason', 500);
    return deps.history.setState(
      id as string,
      { state, by: request.user.email, ...(reason !== undefined ? { reason } : {}) },
      now(deps),
    );
  };
}

async function listAllowlist(request: ConsoleRequest, deps: ConsoleDeps): Promise<unknown> {
  const host = param(request, 'host', 256);
  const withinText = param(request, 'expiringWithinDays', 4);
  const within = withinText === undefined ? undefined : Number(withinText);
  if (within !== undefined && (!Number.isInteger(within) || within < 0 || within > 3650)) {
    throw new ConsoleRequestError(400, 'expiringWithinDays must be a whole number of days');
  }
  const nowSeconds = Math.floor(now(deps) / 1000);
  const listing = await deps.allowlist.list(host?.trim().toLowerCase());
  const entries = listing.entries
    .map((entry) => ({
      ...entry,
      expired: entry.expiresAt !== undefined && entry.expiresAt <= nowSeconds,
      expiresInDays: entry.expiresAt === undefined ? undefined : Math.floor((entry.expiresAt - nowSeconds) / 86_400),
    }))
    .filter(
      (entry) =>
        within === undefined ||
        (!entry.expired && entry.expiresAt !== undefined && entry.expiresAt <= nowSeconds + within * 86_400),
    )
    .sort((a, b) => a.host.localeCompare(b.host) || (a.expiresAt ?? 0) - (b.expiresAt ?? 0));
  return { entries, malformed: listing.malformed };
}

/**
 * Add an entry through the same path as `vmsentry allowlist add` (newEntry: validation, default pin, write policy).
 * The owner is the signed-in user. `replaces` makes an edit: the new entry is written, then the old one expired
 * (entries are keyed by their content, so an edit is a new entry). Broad entries stay a CLI decision.
 */
async function addAllowlistEntry(request: ConsoleRequest, deps: ConsoleDeps): Promise<unknown> {
  const body = readBody(request);
  const nowMs = now(deps);
  const expires = requiredString(body, 'expires', 64);
  const expiresAt = expiryOf(expires, nowMs);
  const match = optionalStringMap(body, 'match');
  const matchAny = optionalStringList(body, 'matchAny');
  const pin = optionalPin(body);
  const result = newEntry(
    {
      host: requiredString(body, 'host', 256),
      rule: requiredString(body, 'rule', 256),
      ...(match ? { match } : {}),
      ...(matchAny ? { matchAny } : {}),
      ...(pin !== undefined ? { pin } : {}),
      reason: requiredString(body, 'reason', 1024),
      owner: request.user.email,
      expiresAt,
    },
    { maxDays: deps.maxAllowlistDays ?? DEFAULT_MAX_DAYS, allowBroad: false, nowSeconds: Math.floor(nowMs / 1000) },
  );
  if (!result.ok) throw new ConsoleRequestError(400, result.reason);
  const outcome = await deps.allowlist.put(result.entry);
  if (outcome === 'exists') {
    throw new ConsoleRequestError(
      409,
      `an entry with this host, rule and match already exists (id ${result.entry.id})`,
    );
  }
  const replaces = optionalString(body, 'replaces', 256);
  let replaced = false;
  if (replaces !== undefined && replaces !== result.entry.id) {
    replaced = await deps.allowlist.expire(result.entry.host, replaces, Math.floor(nowMs / 1000));
  }
  return { entry: result.entry, warnings: result.warnings.map((w) => w.message), replaced };
}

async function expireAllowlistEntry(request: ConsoleRequest, deps: ConsoleDeps): Promise<unknown> {
  const body = readBody(request);
  const host = requiredString(body, 'host', 256).trim().toLowerCase();
  const id = requiredString(body, 'id', 256);
  const expired = await deps.allowlist.expire(host, id, Math.floor(now(deps) / 1000));
  if (!expired) throw new ConsoleRequestError(404, `no entry ${id} for host ${host}`);
  return { expired: true, host, id };
}

async function listRules(_request: ConsoleRequest, deps: ConsoleDeps): Promise<unknown> {
  const lastFired = new Map<string, string>();
  const queue = [...deps.rules];
  const worker = async (): Promise<void> => {
    for (let rule = queue.shift(); rule; rule = queue.shift()) {
      const page = await deps.history.list({ ruleId: rule.id, limit: 1 });
      const latest = page.items[0];
      if (latest) lastFired.set(rule.id, latest.lastSeen);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LAST_FIRED_CONCURRENCY, queue.length) }, worker));
  return { rules: deps.rules.map((rule) => ({ ...rule, lastFired: lastFired.get(rule.id) ?? null })) };
}

function readBody(request: ConsoleRequest): Record<string, unknown> {
  if (request.body === undefined || request.body === '') return {};
  if (Buffer.byteLength(request.body, 'utf8') > MAX_BODY_BYTES) {
    throw new ConsoleRequestError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body);
  } catch (cause) {
    throw new ConsoleRequestError(400, `the request body is not JSON: ${(cause as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConsoleRequestError(400, 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConsoleRequestError(400, `${name} must be a string`);
  if (value.length > max) throw new ConsoleRequestError(400, `${name} is longer than ${max} characters`);
  return value;
}

function requiredString(body: Record<string, unknown>, name: string, max: number): string {
  const value = optionalString(body, name, max);
  if (value === undefined || value.trim() === '') throw new ConsoleRequestError(400, `${name} is required`);
  return value;
}

function optionalStringMap(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsoleRequestError(400, `${name} must be an object of field name to glob`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 16) throw new ConsoleRequestError(400, `${name} has more than 16 fields`);
  // A null-prototype map: a "__proto__" field name stays a field name (validateEntry then refuses it by name).
  const map: Record<string, string> = Object.create(null);
  for (const [field, glob] of entries) {
    if (typeof glob !== 'string') throw new ConsoleRequestError(400, `${name}.${field.slice(0, 64)} must be a string`);
    map[field] = glob;
  }
  return entries.length > 0 ? map : undefined;
}

function optionalStringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 16 || !value.every((item) => typeof item === 'string')) {
    throw new ConsoleRequestError(400, `${name} must be a list of at most 16 field names`);
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

function optionalPin(body: Record<string, unknown>): AllowlistPin | false | undefined {
  const value = Object.hasOwn(body, 'pin') ? body['pin'] : undefined;
  if (value === undefined || value === null) return undefined;
  if (value === false) return false;
  const pin = value as { source?: unknown; value?: unknown };
  if (
    typeof value === 'object' &&
    (pin.source === 'logStream' || pin.source === 'agentId') &&
    typeof pin.value === 'string' &&
    pin.value.length > 0 &&
    pin.value.length <= 512
  ) {
    return { source: pin.source, value: pin.value };
  }
  throw new ConsoleRequestError(400, 'pin must be false or { source: "logStream" | "agentId", value }');
}

function expiryOf(value: string, nowMs: number): number {
  const parsed = parseExpiry(value, nowMs);
  if (!parsed.ok) throw new ConsoleRequestError(400, `expires: ${parsed.reason}`);
  return parsed.seconds;
}
