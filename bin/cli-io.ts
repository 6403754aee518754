/**
 * Terminal I/O shared by the commands: typed CLI failures with their exit codes, and line output that respects
 * back-pressure (a slow pipe must not make a large scan buffer everything in memory).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import { isSeverity, SEVERITIES, type Severity } from '../lib/model/severity';

/** Exit codes of every command. */
export const EXIT = {
  ok: 0,
  /** An internal error (a bug, or a failure the command could not attribute to its input). */
  internal: 1,
  /** Bad usage or unreadable input: the user can fix it. */
  usage: 2,
} as const;

/** A failure the user can fix (bad flag value, unreadable file): printed without a stack, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where a command writes: stdout for results, stderr for everything a human reads alongside. */
export interface CliIo {
  /** `columns` is the terminal width when stdout is one (tables fit it; see table-layout.ts). */
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Write one line; wait for 'drain' when the stream's buffer is full. */
export async function writeLine(stream: Writable, text: string): Promise<void> {
  if (!stream.write(`${text}\n`)) await once(stream, 'drain');
}

export function errorLine(io: CliIo, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** The message of anything thrown, with its cause's when there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** Exit code of a run that found alerts: `--fail-on SEVERITY` turns findings at or above it into a failing exit. */
export const FINDINGS_EXIT = 1;

/** The `--fail-on` help line every command that reports alerts shares, so scan and hunt say (and do) the same. */
export const FAIL_ON_HELP = 'exit 1 when an alert at or above this severity is reported (for CI jobs)';

/** A severity argument (`--min-severity`, `--fail-on`), case-insensitive. */
export function parseSeverityArg(value: string): Severity {
  const level = value.toLowerCase();
  if (!isSeverity(level)) throw new InvalidArgumentError(`not a severity; one of: ${SEVERITIES.join(', ')}`);
  return level;
}
