import type { Alert } from '../model';
import { truncate, truncationMarker } from './text';

/** How much of an alert's content is kept; stricter levels are tried when a message would not fit SNS. */
export interface ContentLimits {
  /** Characters per string anywhere in the alert (the raw record aside). */
  readonly string: number;
  /** Characters of all strings together: once spent, later strings keep only their truncation marker. */
  readonly total: number;
  /** Items per array. */
  readonly arrayItems: number;
  /** Keys per object (an event's fields, its host identity ...). */
  readonly objectKeys: number;
  /** Values (objects, arrays, scalars) kept in total: bounds a deeply nested or very wide record by construction. */
  readonly nodes: number;
  /** Characters of the raw record's JSON; 0 drops it. */
  readonly raw: number;
  /** Characters of CommandLine-like values in human-readable renderings. */
  readonly commandLine: number;
  /** Characters of ScriptBlockText in human-readable renderings. */
  readonly script: number;
}

/** From most to least generous. The last level fits SNS whatever the content (fixed key, item and length caps). */
export const CONTENT_LEVELS: readonly ContentLimits[] = [
  {
    string: 8192,
    total: 64_000,
    arrayItems: 100,
    objectKeys: 200,
    nodes: 4000,
    raw: 8192,
    commandLine: 2048,
    script: 4096,
  },
  {
    string: 2048,
    total: 24_000,
    arrayItems: 25,
    objectKeys: 100,
    nodes: 1500,
    raw: 2048,
    commandLine: 1024,
    script: 1024,
  },
  { string: 512, total: 8_000, arrayItems: 10, objectKeys: 60, nodes: 600, raw: 0, commandLine: 512, script: 512 },
  { string: 128, total: 3_000, arrayItems: 5, objectKeys: 30, nodes: 300, raw: 0, commandLine: 256, script: 256 },
];

/** The raw record when its JSON is over the limit: a visible excerpt instead of a silently broken object. */
export interface RawExcerpt {
  readonly _truncated: true;
  /** Characters of the JSON text before excerpting (a lower bound when single values were already huge). */
  readonly _chars: number;
  readonly _excerpt: string;
}

/**
 * A copy of the alert with every string, array and object bounded; `truncated` lists the JSON paths that were cut
 * (`event.fields.CommandLine`, `event.raw`), so consumers know which evidence is partial.
 */
export function boundAlert(alert: Alert, limits: ContentLimits): { alert: Alert; truncated: string[] } {
  const truncated: string[] = [];
  const { event, context, falsepositives, description, response, ...core } = alert;
  const { raw, host, provenance, ...eventRest } = event;
  // Identity and routing (id, rule, severity, host, dedup, provenance) are small and fixed in shape: only the
  // per-string and per-array caps apply, never the shared budget, so they stay valid however big the evidence is.
  const fixed: Walk = { limits, truncated, remaining: Number.POSITIVE_INFINITY, nodesLeft: Number.POSITIVE_INFINITY };
  const boundedCore = boundValue(core, '', fixed) as Omit<Alert, 'event' | 'context' | 'falsepositives'>;
  const boundedHost = boundValue(host, 'event.host', fixed) as Alert['event']['host'];
  const boundedProvenance = boundValue(provenance, 'event.provenance', fixed) as Alert['event']['provenance'];
  // Then the evidence, sharing one budget: what ran first, then the explanations.
  const walk: Walk = { limits, truncated, remaining: limits.total, nodesLeft: limits.nodes };
  const boundedEvent = boundValue(eventRest, 'event', walk) as Omit<Alert['event'], 'raw' | 'host' | 'provenance'>;
  const explanations = {
    description: String(boundValue(description, 'description', walk)),
    ...(response === undefined ? {} : { response: String(boundValue(response, 'response', walk)) }),
    context: asStrings(boundValue(context, 'context', walk)),
    falsepositives: asStrings(boundValue(falsepositives, 'falsepositives', walk)),
  };
  const boundedRaw = raw === undefined ? undefined : boundRaw(raw, limits.raw, truncated);
  const eventOut = inOrderOf(event, {
    ...boundedEvent,
    host: boundedHost,
    provenance: boundedProvenance,
    ...(boundedRaw === undefined ? {} : { raw: boundedRaw }),
  });
  const out = inOrderOf(alert, { ...boundedCore, ...explanations, event: eventOut });
  return { alert: out as unknown as Alert, truncated };
}

/** A bounded list stays a list even when the budget replaced it by a marker. */
function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The bounded parts with the keys in the original's order, so the JSON reads like the alert it came from. */
function inOrderOf(original: object, parts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(original)) if (Object.hasOwn(parts, key)) out[key] = parts[key];
  return out;
}

function boundRaw(
  raw: Readonly<Record<string, unknown>>,
  max: number,
  truncated: string[],
): Readonly<Record<string, unknown>> | undefined {
  const json = cappedJson(raw, Math.max(max, 1) + 1);
  // Kept as it is only when it is plain JSON, shallow and small: then serializing it again cannot fail or overflow.
  if (json.complete && json.text.length <= max) return raw;
  truncated.push('event.raw');
  if (max <= 0) return undefined;
  const excerpt: RawExcerpt = { _truncated: true, _chars: json.text.length, _excerpt: truncate(json.text, max) };
  return excerpt as unknown as Readonly<Record<string, unknown>>;
}

/** Containers nested deeper than this in a raw record are cut: the excerpt says so instead of overflowing the stack. */
export const MAX_RAW_DEPTH = 64;
const TOO_DEEP = '"…[truncated: nested too deep]"';

type Frame =
  | { readonly kind: 'array'; readonly value: readonly unknown[]; next: number }
  | {
      readonly kind: 'object';
      readonly value: Record<string, unknown>;
      readonly keys: string[];
      next: number;
      wrote: boolean;
    };

/**
 * JSON text of the raw record, written without recursion and stopped once it passes `cap` characters: the work is
 * bounded by `cap` and the record's width, never by its depth or bulk, so a record nested 100,000 deep or many
 * megabytes long costs no more than a small one. `complete` is true only when the whole record was written as plain
 * JSON (no cut, no value JSON cannot hold): its length is then exact, otherwise a lower bound.
 */
function cappedJson(root: unknown, cap: number): { text: string; complete: boolean } {
  let out = '';
  let complete = true;
  const stack: Frame[] = [];
  const write = (value: unknown): void => {
    if (value === null) out += 'null';
    else if (typeof value === 'string') {
      if (value.length > cap) complete = false;
      out += JSON.stringify(value.length > cap ? value.slice(0, cap) : value);
    } else if (typeof value === 'number') out += Number.isFinite(value) ? String(value) : 'null';
    else if (typeof value === 'boolean') out += String(value);
    else if (typeof value === 'object' && stack.length >= MAX_RAW_DEPTH) {
      complete = false;
      out += TOO_DEEP;
    } else if (Array.isArray(value)) {
      out += '[';
      stack.push({ kind: 'array', value, next: 0 });
    } else if (typeof value === 'object') {
      out += '{';
      const object = value as Record<string, unknown>;
      stack.push({ kind: 'object', value: object, keys: Object.keys(object), next: 0, wrote: false });
    } else {
      // BigInt, functions, symbols: not JSON (JSON.stringify would throw or drop them). Shown, never kept as is.
      complete = false;
      out += JSON.stringify(String(value));
    }
  };
  write(root);
  while (stack.length > 0 && out.length <= cap) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.kind === 'array') {
      if (frame.next >= frame.value.length) {
        out += ']';
        stack.pop();
        continue;
      }
      if (frame.next > 0) out += ',';
      write(frame.value[frame.next++] ?? null);
      continue;
    }
    if (frame.next >= frame.keys.length) {
      out += '}';
      stack.pop();
      continue;
    }
    const key = frame.keys[frame.next++] as string;
    const item = frame.value[key];
    if (item === undefined) continue;
    if (frame.wrote) out += ',';
    frame.wrote = true;
    out += `${JSON.stringify(key.length > cap ? key.slice(0, cap) : key)}:`;
    write(item);
  }
  return { text: out, complete: complete && stack.length === 0 };
}

interface Walk {
  readonly limits: ContentLimits;
  readonly truncated: string[];
  remaining: number;
  nodesLeft: number;
}

const NODES_MARKER = '…[truncated: too many values]';
const DEPTH_MARKER = '…[truncated: nested too deep]';
/** Nesting kept in the structured parts of an alert (fields, host, context): recursion stays shallow by construction. */
export const MAX_FIELD_DEPTH = 32;

function boundValue(value: unknown, path: string, walk: Walk, depth = 0): unknown {
  const { limits, truncated } = walk;
  if (walk.nodesLeft <= 0) {
    truncated.push(path);
    return NODES_MARKER;
  }
  walk.nodesLeft -= 1;
  if (typeof value === 'string') {
    const allowed = Math.max(0, Math.min(limits.string, walk.remaining));
    if (value.length <= allowed) {
      walk.remaining -= value.length;
      return value;
    }
    walk.remaining -= allowed;
    truncated.push(path);
    return truncate(value, allowed);
  }
  if (value !== null && typeof value === 'object' && depth >= MAX_FIELD_DEPTH) {
    truncated.push(path);
    return DEPTH_MARKER;
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.arrayItems).map((item, i) => boundValue(item, `${path}[${i}]`, walk, depth + 1));
    if (value.length > limits.arrayItems) {
      truncated.push(path);
      kept.push(truncationMarker(value.length - limits.arrayItems).trim());
    }
    return kept;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, limits.objectKeys)) {
      const safeKey = key.length <= 128 ? key : truncate(key, 128);
      // defineProperty: a hostile "__proto__" key stays an own data property.
      Object.defineProperty(out, safeKey, {
        value: boundValue(item, path === '' ? key : `${path}.${key}`, walk, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (entries.length > limits.objectKeys) truncated.push(path);
    return out;
  }
  // Values JSON cannot hold (BigInt, symbols, functions) become text, so serializing the alert cannot throw.
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') return String(value);
  return value;
}
