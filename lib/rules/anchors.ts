import type { Anchor, Anchors } from './types';

/** Shortest literal the prefilter will index: shorter ones would make nearly every event a candidate. */
export const MIN_ANCHOR_LENGTH = 3;

export function anchorOf(field: string, literal: string): Anchors {
  return literal.length >= MIN_ANCHOR_LENGTH ? [{ field, literal }] : null;
}

/** OR of alternatives: any alternative may match, so the union is necessary; unknown if any is unknown. */
export function anyOf(alternatives: readonly Anchors[]): Anchors {
  const out: Anchor[] = [];
  for (const anchors of alternatives) {
    if (anchors === null) return null;
    out.push(...anchors);
  }
  if (out.length === 0) return null;
  const seen = new Set<string>();
  return out.filter((anchor) => {
    const key = `${anchor.field}\u0000${anchor.literal}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function selectivity(anchors: readonly Anchor[]): number {
  const shortest = Math.min(...anchors.map((anchor) => anchor.literal.length));
  return shortest * 100 - anchors.length;
}

/** AND of parts: each part is necessary, so the most selective known one is. */
export function allOf(parts: readonly Anchors[]): Anchors {
  let best: Anchors = null;
  for (const anchors of parts) {
    if (anchors === null || anchors.length === 0) continue;
    if (best === null || selectivity(anchors) > selectivity(best)) best = anchors;
  }
  return best;
}
