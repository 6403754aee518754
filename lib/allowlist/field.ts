import type { NormalizedEvent } from '../model';
import { getField } from '../rules/field-resolution';

/** Names an allowlist entry may match on: Sigma field names or dotted paths into the raw record. */
const SAFE_FIELD = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
export const MAX_FIELD_NAME_LENGTH = 128;

export function isSafeFieldName(name: string): boolean {
  return (
    name.length <= MAX_FIELD_NAME_LENGTH &&
    SAFE_FIELD.test(name) &&
    !name.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment))
  );
}

/**
 * The values of a field as strings, resolved exactly as rules resolve them (normalized field, Sigma aliases, raw
 * record by key or dotted path). Arrays give one value per element; numbers and booleans are stringified.
 */
export function fieldValues(event: NormalizedEvent, name: string): string[] {
  return stringsOf(getField(event, name));
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' && Number.isFinite(value)) return [String(value)];
  if (typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((element) => (Array.isArray(element) ? [] : stringsOf(element)));
  return [];
}
