import type { AllowlistEntry } from '../model';
import { validateEntry } from './item';

export interface AllowlistFileError {
  /** 1-based line number. */
  readonly line: number;
  readonly reason: string;
}

export interface AllowlistFile {
  readonly entries: AllowlistEntry[];
  readonly errors: AllowlistFileError[];
}

/**
 * Parse the JSON-lines allowlist of `vmsentry scan --allowlist FILE` and `vmsentry allowlist import`: one entry per
 * line with the same logical fields as the DynamoDB item (host, rule, match, matchAny, broad, pin, reason, owner,
 * createdAt, expiresAt, optional id), checked by the same validateEntry the pipeline uses. Blank lines and lines
 * starting with "#" are skipped. expiresAt/createdAt may also be ISO 8601 strings. A bad line is reported, never used.
 */
export function parseAllowlistFile(text: string): AllowlistFile {
  const entries: AllowlistEntry[] = [];
  const errors: AllowlistFileError[] = [];
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
    const result = validateEntry(fields);
    if (result.ok) entries.push(result.entry);
    else errors.push({ line: index + 1, reason: result.reason });
  });
  return { entries, errors };
}

function isoToEpochSeconds(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
