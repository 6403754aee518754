import type { AuditValue } from './audit-record';

/**
 * The kernel writes untrusted strings (comm, exe, cwd, EXECVE arguments, proctitle ...) quoted when they are plain
 * printable ASCII and as unquoted hex otherwise (spaces, quotes, control or non-ASCII bytes).
 */
const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/** Bytes of a hex-encoded value, or undefined when it is not valid hex. */
export function hexBytes(text: string): Buffer | undefined {
  return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/**
 * The string an untrusted field stands for: quoted values verbatim, hex decoded as UTF-8 (invalid sequences become
 * U+FFFD), and anything else (`(null)`, `(none)`, malformed hex) kept as written rather than guessed at.
 */
export function decodeUntrusted(value: AuditValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.quoted) return value.text;
  if (value.text === '(null)' || value.text === '(none)') return undefined;
  return hexBytes(value.text)?.toString('utf8') ?? value.text;
}

/** Raw bytes of an untrusted field (for arguments split into chunks, which must be joined before UTF-8 decoding). */
export function untrustedBytes(value: AuditValue): Buffer {
  if (value.quoted) return Buffer.from(value.text, 'utf8');
  return hexBytes(value.text) ?? Buffer.from(value.text, 'utf8');
}

/** A PROCTITLE value: the argument vector separated by NULs (the kernel keeps at most 128 bytes of it). */
export function proctitleArgs(value: AuditValue | undefined): string[] | undefined {
  const decoded = decodeUntrusted(value);
  if (decoded === undefined) return undefined;
  const args = decoded.split('\0');
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  return args.length > 0 ? args : undefined;
}
