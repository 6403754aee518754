import { ALL_RULES, type AllowlistEntry, GLOBAL_HOST } from '../model';
import { fieldNameWarning } from './field-names';
import { validateEntry } from './item';

/**
 * The one allowlist entry check: `scan --allowlist`, `allowlist add/import/lint` and the pipeline's compile step all
 * call it, so an entry gets the same verdict and the same words everywhere. Errors (validateEntry) refuse the entry;
 * warnings keep it but say why it may not do what its author meant.
 */
export type EntryWarningKind = 'unknown-field' | 'broad';

export interface EntryWarning {
  readonly kind: EntryWarningKind;
  readonly message: string;
}

export type CheckedEntry =
  | { readonly ok: true; readonly entry: AllowlistEntry; readonly warnings: readonly EntryWarning[] }
  | { readonly ok: false; readonly reason: string };

export function checkEntry(fields: Record<string, unknown>): CheckedEntry {
  const result = validateEntry(fields);
  return result.ok ? { ok: true, entry: result.entry, warnings: entryWarnings(result.entry) } : result;
}

/** Warnings for an entry that already passed validateEntry. Linear in its size (at most 16 bounded field names). */
export function entryWarnings(entry: AllowlistEntry): EntryWarning[] {
  const warnings: EntryWarning[] = [];
  // A broad entry is valid when it says broad: true and expires, but it must never suppress silently.
  if (entry.host === GLOBAL_HOST || entry.rule === ALL_RULES) {
    const scope =
      entry.host === GLOBAL_HOST && entry.rule === ALL_RULES
        ? 'every rule on every host'
        : entry.host === GLOBAL_HOST
          ? `rule ${entry.rule} on every host`
          : `every rule on host ${entry.host}`;
    warnings.push({ kind: 'broad', message: `broad entry: it suppresses ${scope}` });
  }
  for (const field of Object.keys(entry.match ?? {})) {
    const message = fieldNameWarning(field);
    if (message) warnings.push({ kind: 'unknown-field', message });
  }
  return warnings;
}
