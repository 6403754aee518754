import { readFileSync } from 'node:fs';
import { parseAllowlistFile } from '../lib/allowlist/file';
import type { AllowlistEntry } from '../lib/model';
import { type CliIo, describeError, errorLine, UsageError } from './cli-io';

/**
 * A JSON-lines allowlist file (`scan --allowlist`, `hunt --allowlist`), checked as every other path checks entries:
 * refused lines and warnings (unknown or mis-cased match fields, broad entries) on stderr with file:line.
 */
export function readAllowlistFile(file: string, io: CliIo): AllowlistEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(
      `cannot read allowlist ${file}: ${(cause as NodeJS.ErrnoException).code ?? describeError(cause)}`,
      { cause },
    );
  }
  const parsed = parseAllowlistFile(text);
  for (const error of parsed.errors) errorLine(io, `allowlist ${file}:${error.line}: ${error.reason} (entry ignored)`);
  for (const warning of parsed.warnings)
    errorLine(io, `allowlist ${file}:${warning.line}: warning: ${warning.message}`);
  return parsed.entries;
}
