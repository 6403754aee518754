import type { CorrelationHit, CorrelationStore } from './correlation-store';

interface Group {
  hits: CorrelationHit[];
  keys: Set<string>;
  expiresAtMs: number;
}

/**
 * CorrelationStore in process memory, for scans and tests. Hits are kept in time order and expire `ttlSeconds` after
 * the newest event time of their group (event time, not wall clock, so replayed logs correlate like live ones).
 */
export class InMemoryCorrelationStore implements CorrelationStore {
  private readonly groups = new Map<string, Group>();

  async append(
    correlationId: string,
    groupKey: string,
    hits: readonly CorrelationHit[],
    ttlSeconds: number,
  ): Promise<void> {
    const key = `${correlationId}\u0000${groupKey}`;
    const group = this.groups.get(key) ?? { hits: [], keys: new Set<string>(), expiresAtMs: 0 };
    for (const hit of hits) {
      if (group.keys.has(hit.eventKey)) continue;
      group.keys.add(hit.eventKey);
      group.hits.push({ ...hit });
      group.expiresAtMs = Math.max(group.expiresAtMs, hit.timeMs + ttlSeconds * 1000);
    }
    // Drop what the TTL says is gone, so a long scan does not grow without bound.
    const horizon = group.expiresAtMs - ttlSeconds * 1000 * 2;
    if (group.hits.some((hit) => hit.timeMs < horizon)) {
      group.hits = group.hits.filter((hit) => hit.timeMs >= horizon);
      group.keys = new Set(group.hits.map((hit) => hit.eventKey));
    }
    group.hits.sort((a, b) => a.timeMs - b.timeMs);
    this.groups.set(key, group);
  }

  async since(correlationId: string, groupKey: string, sinceMs: number): Promise<CorrelationHit[]> {
    const group = this.groups.get(`${correlationId}\u0000${groupKey}`);
    return group ? group.hits.filter((hit) => hit.timeMs >= sinceMs).map((hit) => ({ ...hit })) : [];
  }
}
