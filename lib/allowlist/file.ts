import type { AllowlistEntry } from '../model';
import { checkEntry } from './check';

export interface AllowlistFileError {
  /** 1-based line number. */
  readonly line: number;
  readonly reason: string;
}

/** A kept entry that will probably not do what its author meant (an unknown field name, a broad scope). */
export interface AllowlistFileWarning {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export interface AllowlistFile {
  readonly entries: AllowlistEntry[];
  readonly errors: AllowlistFileError[];
  readonly warnings: AllowlistFileWarning[];
  /** 1-based line number of each entry, in the order of entries. */
  readonly lines: number[];
}

/**
 * Parse the JSON-lines allowlist of `vmsentry scan --allowlist FILE` and `vmsentry allowlist import`: one entry per
 * line with the same logical fields as the DynamoDB item (host, rule, match, matchAny, broad, pin, reason, owner,
 * createdAt, expiresAt, optional id), checked by checkEntry, the check the pipeline uses. Blank lines and lines
 * starting with "#" are skipped. expiresAt/createdAt may also be ISO 8601 strings. A bad line is reported, never used.
 */
export function parseAllowlistFile(text: string): AllowlistFile {
  const entries: AllowlistEntry[] = [];
  const errors: AllowlistFileError[] = [];
  const warnings: AllowlistFileWarning[] = [];
  const entryLines: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      errors.push({ line: index + 1, reason: 'not valid JSON' });
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      errors.push({ line: index + 1, reason: 'not a JSON object' });
      return;
    }
    const fields = { ...(parsed as Record<string, unknown>) };
    for (const name of ['createdAt', 'expiresAt'] as const) {
      const value = fields[name];
      if (typeof value === 'string') fields[name] = isoToEpochSeconds(value) ?? value;
    }
    const result = checkEntry(fields);
    if (!result.ok) {
      errors.push({ line: index + 1, reason: result.reason });
      return;
    }
    entries.push(result.entry);
    entryLines.push(index + 1);
    for (const warning of result.warnings) warnings.push({ line: index + 1, message: warning.message });
  });
  return { entries, errors, warnings, lines: entryLines };
}

function isoToEpochSeconds(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
