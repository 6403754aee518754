import { type NormalizedEvent, primaryHostName } from '../../model';

/** One 4104 event that is part `number` of `total` of script block `id`, already normalized. */
export interface ScriptBlockPart {
  readonly id: string;
  readonly number: number;
  readonly total: number;
  readonly text: string;
  readonly event: NormalizedEvent;
}

export interface AssemblerLimits {
  /** Script blocks waiting for missing parts. */
  readonly maxPendingGroups: number;
  /** Characters of script text held while waiting. */
  readonly maxPendingChars: number;
}

/** A Lambda batch holds at most a few MB of log text; these bounds keep a hostile batch from holding more. */
export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = { maxPendingGroups: 1024, maxPendingChars: 32 * 1024 * 1024 };

interface PendingGroup {
  readonly total: number;
  /** The part that opened the group: every group has at least this one. */
  readonly seed: ScriptBlockPart;
  readonly parts: Map<number, ScriptBlockPart>;
  chars: number;
}

/**
 * Reassembles script blocks PowerShell split over several 4104 events (same host and ScriptBlockId, parts numbered
 * 1..MessageTotal) into one event. Incomplete blocks are emitted at flush() or when the memory bound is hit
 * (oldest first), with the text that arrived and Partial = true: never dropped.
 */
export class ScriptBlockAssembler {
  /** Insertion-ordered: the first entry is the oldest pending group. */
  private readonly pending = new Map<string, PendingGroup>();
  private pendingChars = 0;

  constructor(private readonly limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS) {}

  /** Add one part; returns the events that are now ready (the completed block and any evicted partial ones). */
  add(part: ScriptBlockPart): NormalizedEvent[] {
    if (part.total <= 1) return [part.event];
    const key = `${primaryHostName(part.event.host)}\u0000${part.id.toLowerCase()}\u0000${part.total}`;
    let group = this.pending.get(key);
    if (!group) {
      group = { total: part.total, seed: part, parts: new Map(), chars: 0 };
      this.pending.set(key, group);
    }
    // A repeated part (re-delivery) adds nothing: the first copy stays.
    if (!group.parts.has(part.number)) {
      group.parts.set(part.number, part);
      group.chars += part.text.length;
      this.pendingChars += part.text.length;
    }
    const ready: NormalizedEvent[] = [];
    if (group.parts.size === group.total) {
      this.remove(key, group);
      ready.push(assemble(group, false));
    }
    while (this.pending.size > this.limits.maxPendingGroups || this.pendingChars > this.limits.maxPendingChars) {
      const oldest = this.pending.entries().next().value;
      if (!oldest) break;
      this.remove(oldest[0], oldest[1]);
      ready.push(assemble(oldest[1], true));
    }
    return ready;
  }

  /** Every group still waiting, as partial events in arrival order. */
  flush(): NormalizedEvent[] {
    const events = [...this.pending.values()].map((group) => assemble(group, true));
    this.pending.clear();
    this.pendingChars = 0;
    return events;
  }

  get pendingGroups(): number {
    return this.pending.size;
  }

  private remove(key: string, group: PendingGroup): void {
    this.pending.delete(key);
    this.pendingChars -= group.chars;
  }
}

/** One event from the parts, in MessageNumber order; the first part's event gives time, host and provenance. */
function assemble(group: PendingGroup, partial: boolean): NormalizedEvent {
  const parts = [...group.parts.values()].sort((a, b) => a.number - b.number);
  const first = parts[0] ?? group.seed;
  let text = '';
  let previous = 0;
  for (const part of parts) {
    // Missing parts leave a line break, so text on either side of a gap is not read as one token.
    if (part.number !== previous + 1 && previous !== 0) text += '\n';
    text += part.text;
    previous = part.number;
  }
  const path = parts.map((part) => part.event.fields.Path).find((value) => value !== undefined);
  const fields = {
    ...first.event.fields,
    ScriptBlockText: text,
    MessageNumber: first.number,
    MessageTotal: group.total,
  };
  if (path !== undefined) fields.Path = path;
  if (partial) fields.Partial = true;
  return { ...first.event, fields };
}
