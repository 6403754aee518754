/**
 * Small readers for hostile JSON shared by the container parsers: capped lists, booleans as sources spell them,
 * capability names, bounded text. They never throw and never walk the prototype chain.
 */

/** Most entries read from any one list (containers, volumes, capabilities, records): hostile arrays stay cheap. */
export const MAX_LIST_ITEMS = 64;

/** Longest free text copied into a field (Falco output, command lines). */
export const MAX_TEXT = 4096;

/** The value's first `max` items when it is an array, else nothing. */
export function listOf(value: unknown, max = MAX_LIST_ITEMS): readonly unknown[] {
  return Array.isArray(value) ? value.slice(0, max) : [];
}

/** true/false, also as the strings some exporters write ("true", "False"). */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

const CAPABILITY = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A Linux capability as the model spells it: upper-case, without the CAP_ prefix ("sys_admin" -> "SYS_ADMIN"). */
export function capabilityName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  return CAPABILITY.test(name) ? name : undefined;
}

/** Text cut to `max` characters, marked when cut. */
export function bounded(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Adds `value` to `into` unless present or the list is full. */
export function addUnique(into: string[], value: string | undefined, max = MAX_LIST_ITEMS): void {
  if (value !== undefined && value !== '' && into.length < max && !into.includes(value)) into.push(value);
}

/** The strings of a list, capped; other items are skipped. */
export function stringsOf(value: unknown, max = MAX_LIST_ITEMS): string[] {
  const out: string[] = [];
  for (const item of listOf(value, max)) if (typeof item === 'string' && item !== '') out.push(item);
  return out;
}

/** The last path segment of an ARN or name ("arn:aws:ecs:r:a:cluster/prod" -> "prod"). */
export function nameFromArn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.slice(value.lastIndexOf('/') + 1).trim();
  return name === '' ? undefined : name;
}
