import { prop, str } from '../common';

/** Most segments a dotted path may have: keeps the split-point search small (2^(n-1) candidates at worst). */
const MAX_SEGMENTS = 6;
/** Parsers ask for a fixed set of names; the bound only guards against a caller passing data as names. */
const MAX_CACHED_NAMES = 1_024;

/** A dotted name compiled once: `keys[start][end]` is segments start through end (inclusive) joined by dots. */
type CompiledName = readonly (readonly string[])[];

const compiled = new Map<string, CompiledName>();

function compile(name: string): CompiledName | undefined {
  const cached = compiled.get(name);
  if (cached) return cached;
  const segments = name.split('.');
  if (segments.length > MAX_SEGMENTS) return undefined;
  const keys = segments.map((_, start) =>
    segments.map((__, index) => (index < start ? '' : segments.slice(start, index + 1).join('.'))),
  );
  if (compiled.size < MAX_CACHED_NAMES) compiled.set(name, keys);
  return keys;
}

/**
 * A field by its dotted name, whichever way the exporter laid it out: nested (`{process:{pid:1}}`), flattened
 * (`{"process.pid":1}`) or half of each (`{process:{"parent.pid":1}}`). Own properties only, never throws.
 */
export function dotted(value: unknown, name: string): unknown {
  const keys = compile(name);
  return keys === undefined ? undefined : lookup(value, keys, 0);
}

function lookup(value: unknown, keys: CompiledName, start: number): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const row = keys[start] ?? [];
  // Longest key first: a flattened key is the more specific spelling.
  for (let end = row.length - 1; end >= start; end--) {
    const found = prop(value, row[end] ?? '');
    if (found === undefined) continue;
    if (end === row.length - 1) return found;
    const deeper = lookup(found, keys, end + 1);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

/** A dotted field as a non-empty string. */
export function dottedStr(value: unknown, name: string): string | undefined {
  return str(dotted(value, name));
}

/** True when a string field, or any string of an array field, equals one of the wanted values (case-insensitive). */
export function includesAny(value: unknown, wanted: readonly string[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    if (typeof item === 'string' && wanted.includes(item.toLowerCase())) return true;
  }
  return false;
}
