import { ALL_RULES, type AllowlistEntry, type Detection, hostKeys, type RuleMetadata } from '../model';
import { fieldValues, isSafeFieldName } from './field';
import { type CompiledGlob, compileGlob, matchCompiled } from './glob';
import { hostScopeCovers } from './host';

/** An entry with its globs compiled once (entries are cached across invocations, events are many). */
export interface CompiledEntry {
  readonly entry: AllowlistEntry;
  readonly rule: string;
  readonly match: readonly { readonly field: string; readonly glob: CompiledGlob }[];
  /** False when the entry is malformed: such an entry never suppresses anything. */
  readonly usable: boolean;
}

export function compileEntry(entry: AllowlistEntry): CompiledEntry {
  const match = Object.entries(entry.match ?? {}).map(([field, pattern]) => ({ field, glob: compileGlob(pattern) }));
  const usable =
    typeof entry.host === 'string' &&
    entry.host.trim() !== '' &&
    typeof entry.rule === 'string' &&
    entry.rule.trim() !== '' &&
    Object.entries(entry.match ?? {}).every(
      ([field, pattern]) => isSafeFieldName(field) && typeof pattern === 'string',
    );
  return { entry, rule: entry.rule.trim().toLowerCase(), match, usable };
}

/** Does the entry's rule scope name this rule (its id, one of its tags, or "*")? Case-insensitive. */
export function ruleScopeCovers(scope: string, rule: RuleMetadata): boolean {
  if (scope === ALL_RULES) return true;
  if (rule.id.toLowerCase() === scope) return true;
  return rule.tags.some((tag) => tag.toLowerCase() === scope);
}

/** An entry whose expiresAt (epoch seconds) is at or before now is ignored, even if DynamoDB has not deleted it. */
export function isExpired(entry: AllowlistEntry, nowMs: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt * 1000 <= nowMs;
}

/**
 * Does this entry suppress this detection? Every part must match: host scope, rule scope, every field glob (a field
 * with several values matches when any value does; an absent field never matches), and the entry is not expired.
 */
export function entrySuppresses(
  compiled: CompiledEntry,
  detection: Detection,
  nowMs: number,
  keys: readonly string[] = hostKeys(detection.event.host),
): boolean {
  if (!compiled.usable || isExpired(compiled.entry, nowMs)) return false;
  if (!hostScopeCovers(compiled.entry.host, keys)) return false;
  if (!ruleScopeCovers(compiled.rule, detection.rule)) return false;
  return compiled.match.every(({ field, glob }) =>
    fieldValues(detection.event, field).some((value) => matchCompiled(glob, value)),
  );
}

/** The first entry that suppresses the detection, if any (for the log line that says why). */
export function findSuppressingEntry(
  entries: readonly CompiledEntry[],
  detection: Detection,
  nowMs: number,
): CompiledEntry | undefined {
  const keys = hostKeys(detection.event.host);
  return entries.find((entry) => entrySuppresses(entry, detection, nowMs, keys));
}
