import type { AuditRecord, AuditValue } from './audit-record';
import { decodeUntrusted, untrustedBytes } from './audit-values';

/** The argument vector of an execve as the EXECVE record(s) of one event tell it. */
export interface ExecveArgs {
  readonly args: string[];
  /** True when argc promises arguments that did not arrive (or argc itself is missing or a chunk is lost). */
  readonly partial: boolean;
}

interface ArgumentParts {
  whole?: AuditValue;
  chunks?: Map<number, AuditValue>;
}

const WHOLE = /^a(\d{1,9})$/;
const CHUNK = /^a(\d{1,9})\[(\d{1,9})\]$/;

/**
 * Arguments from every EXECVE record of one event, in order. The kernel writes `argc=N a0=.. a1=..`, continues in
 * further EXECVE records when the buffer fills, and splits a long argument into `aI_len=L aI[0]=.. aI[1]=..` chunks.
 * Only indices below argc count (extra aN are ignored); missing ones make the result partial. The loop never runs
 * to argc itself, so a hostile `argc=4294967295` costs nothing.
 */
export function execveArgs(records: readonly AuditRecord[]): ExecveArgs {
  let argc: number | undefined;
  const parts = new Map<number, ArgumentParts>();
  for (const record of records) {
    for (const [key, value] of record.fields) {
      if (key === 'argc') {
        if (argc === undefined && /^\d{1,10}$/.test(value.text)) argc = Number(value.text);
        continue;
      }
      collectPart(parts, key, value);
    }
  }
  const indices = [...parts.keys()].filter((index) => argc === undefined || index < argc).sort((a, b) => a - b);
  let partial = argc === undefined || indices.length < argc;
  const args: string[] = [];
  for (const index of indices) {
    const argument = assemble(parts.get(index));
    if (argument.partial) partial = true;
    args.push(argument.text);
  }
  return { args, partial };
}

function collectPart(parts: Map<number, ArgumentParts>, key: string, value: AuditValue): void {
  const whole = WHOLE.exec(key);
  if (whole) {
    const entry = partsAt(parts, Number(whole[1]));
    entry.whole ??= value;
    return;
  }
  const chunk = CHUNK.exec(key);
  if (chunk) {
    const entry = partsAt(parts, Number(chunk[1]));
    entry.chunks ??= new Map();
    if (!entry.chunks.has(Number(chunk[2]))) entry.chunks.set(Number(chunk[2]), value);
  }
}

function partsAt(parts: Map<number, ArgumentParts>, index: number): ArgumentParts {
  let entry = parts.get(index);
  if (!entry) {
    entry = {};
    parts.set(index, entry);
  }
  return entry;
}

/** One argument from its whole value or its chunks, joined as bytes so a UTF-8 sequence cut in two survives. */
function assemble(parts: ArgumentParts | undefined): { text: string; partial: boolean } {
  if (parts?.whole) return { text: decodeUntrusted(parts.whole) ?? '', partial: false };
  const chunks = parts?.chunks;
  if (!chunks) return { text: '', partial: true };
  const order = [...chunks.keys()].sort((a, b) => a - b);
  const contiguous = order.every((chunkIndex, position) => chunkIndex === position);
  const bytes = Buffer.concat(order.map((chunkIndex) => untrustedBytes(chunks.get(chunkIndex)!)));
  return { text: bytes.toString('utf8'), partial: !contiguous };
}
