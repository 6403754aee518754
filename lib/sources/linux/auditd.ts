import type { NormalizedEvent } from '../../model';
import { failure } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { processEventOf } from './audit-event';
import { type AuditGroup, addRecord, execKind, GROUPED_TYPES, newGroup } from './audit-group';
import { looksLikeAuditRecord, parseAuditRecord } from './audit-record';

/** Pending groups kept per batch; beyond it the oldest is emitted as it stands (marked partial if incomplete). */
const MAX_PENDING_GROUPS = 1024;
/** Ids of groups already emitted or discarded, so their late records (EOE, PATH) do not open a new group. */
const MAX_SETTLED_IDS = 8192;

/**
 * Linux auditd raw records. The records of one execve (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE) share a
 * `msg=audit(ts:serial)` id and may interleave with other events' records; they are grouped within the batch and
 * one process_creation event is emitted when the group completes: at EOE, at PROCTITLE once SYSCALL and EXECVE are
 * in, or at flush() for whatever is left.
 */
class AuditdParser implements RecordParser {
  readonly format = 'auditd' as const;
  private readonly pending = new Map<string, AuditGroup>();
  private readonly settled = new Set<string>();

  sniff(input: RecordInput): boolean {
    return looksLikeAuditRecord(input.text);
  }

  parse(input: RecordInput): ParseOutcome {
    const parsed = parseAuditRecord(input.text);
    if (!parsed.ok) return failure(input, 'auditd', parsed.code, parsed.reason);
    const record = parsed.record;
    if (record.type !== 'EOE' && !GROUPED_TYPES.has(record.type)) return NOTHING;

    const key = `${input.context.logStream ?? input.position.logStream ?? ''}|${record.node ?? ''}|${record.eventId}`;
    if (this.settled.has(key)) return NOTHING;

    const events: NormalizedEvent[] = [];
    let group = this.pending.get(key);
    if (record.type === 'EOE') {
      if (group) this.settle(group, events);
      return ok(events);
    }
    if (!group) {
      if (this.pending.size >= MAX_PENDING_GROUPS) this.evictOldest(events);
      group = newGroup(key, record, input);
      this.pending.set(key, group);
    }
    addRecord(group, record);

    if (record.type === 'SYSCALL' && group.syscall === record && execKind(record) === 'not-exec') {
      // Not an execve: forget the group now instead of holding its records until flush.
      this.pending.delete(key);
      this.remember(key);
    } else if (record.type === 'PROCTITLE' && group.syscall && group.execve.length > 0) {
      this.settle(group, events);
    }
    return ok(events);
  }

  flush(): readonly ParseOutcome[] {
    const outcomes: ParseOutcome[] = [];
    for (const group of this.pending.values()) {
      const event = processEventOf(group);
      if (event) outcomes.push(ok([event]));
    }
    this.pending.clear();
    this.settled.clear();
    return outcomes;
  }

  private settle(group: AuditGroup, events: NormalizedEvent[]): void {
    this.pending.delete(group.key);
    this.remember(group.key);
    const event = processEventOf(group);
    if (event) events.push(event);
  }

  private evictOldest(events: NormalizedEvent[]): void {
    const oldest = this.pending.values().next();
    if (!oldest.done) this.settle(oldest.value, events);
  }

  private remember(key: string): void {
    if (this.settled.size >= MAX_SETTLED_IDS) {
      const oldest = this.settled.values().next();
      if (!oldest.done) this.settled.delete(oldest.value);
    }
    this.settled.add(key);
  }
}

export const auditdParser: ParserFactory = {
  format: 'auditd',
  description: 'Linux auditd raw records (SYSCALL/EXECVE/PROCTITLE/CWD/PATH grouped per event), incl. ENRICHED format',
  create: () => new AuditdParser(),
};
