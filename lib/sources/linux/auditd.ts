import type { NormalizedEvent } from '../../model';
import { failure } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { processEventOf } from './audit-event';
import { fileEventOf } from './audit-file-event';
import { type AuditGroup, addRecord, GROUPED_TYPES, groupKind, newGroup } from './audit-group';
import { moduleEventOf } from './audit-module-event';
import { looksLikeAuditRecord, parseAuditRecord } from './audit-record';

/** Pending groups kept per batch; beyond it the oldest is emitted as it stands (marked partial if incomplete). */
const MAX_PENDING_GROUPS = 1024;
/** Ids of groups already emitted or discarded, so their late records (EOE, PATH) do not open a new group. */
const MAX_SETTLED_IDS = 8192;

/**
 * Linux auditd raw records. The records of one kernel event (SYSCALL, EXECVE, KERN_MODULE, CWD, PATH, PROCTITLE,
 * EOE) share a `msg=audit(ts:serial)` id and may interleave with other events' records; they are grouped within the
 * batch and one event is emitted when the group completes: at EOE, at PROCTITLE (the kernel writes it last, before
 * EOE) once SYSCALL and, for an execve, EXECVE are in, or at flush() for whatever is left. The SYSCALL decides what
 * the group is (groupKind): an execve is a process_creation, init_module/finit_module a driver_load, any other
 * successful call that named files a file event (eventOfGroup).
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

    const kind = group.syscall ? groupKind(group.syscall) : undefined;
    if (record.type === 'SYSCALL' && group.syscall === record && kind === 'none') {
      // Nothing we read (a failed call, a call that named no file): forget the group now, not at flush.
      this.pending.delete(key);
      this.remember(key);
    } else if (record.type === 'PROCTITLE' && kind !== undefined && kind !== 'none') {
      const complete = (kind !== 'exec' && kind !== 'unknown') || group.execve.length > 0;
      if (complete) this.settle(group, events);
    }
    return ok(events);
  }

  flush(): readonly ParseOutcome[] {
    const outcomes: ParseOutcome[] = [];
    for (const group of this.pending.values()) {
      const event = eventOfGroup(group);
      if (event) outcomes.push(ok([event]));
    }
    this.pending.clear();
    this.settled.clear();
    return outcomes;
  }

  private settle(group: AuditGroup, events: NormalizedEvent[]): void {
    this.pending.delete(group.key);
    this.remember(group.key);
    const event = eventOfGroup(group);
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

/**
 * The event of a group, by what its SYSCALL says. Without a SYSCALL (a group split across batches), EXECVE records
 * still make it a process start and a KERN_MODULE record a module load; PATH records alone cannot say what happened.
 */
function eventOfGroup(group: AuditGroup): NormalizedEvent | undefined {
  const kind = group.syscall ? groupKind(group.syscall) : undefined;
  if (kind === 'module-load' || (kind === undefined && group.execve.length === 0 && group.kernModule)) {
    return moduleEventOf(group);
  }
  if (kind === 'file') return fileEventOf(group);
  return processEventOf(group);
}

export const auditdParser: ParserFactory = {
  format: 'auditd',
  description:
    'Linux auditd raw records (SYSCALL/EXECVE/KERN_MODULE/PROCTITLE/CWD/PATH grouped per event: process starts, file and device watches, module loads), incl. ENRICHED format',
  create: () => new AuditdParser(),
};
