import { createHash } from 'node:crypto';
import { type Alert, type AllowlistStatus, type Detection, hostKeys, primaryHostName } from '../model';
import { isoTime } from './time';

/**
 * Deterministic alert id: the same dedup key and window start always give the same id, so a retried publish (or a
 * takeover of the claim, which keeps the window) carries the id of the first attempt and consumers can drop the
 * duplicate. The window start, not the earliest event time: a takeover may bring an earlier event.
 */
export function alertIdOf(dedupKey: string, windowStart: string): string {
  return createHash('sha256').update(dedupKey).update('\u0000').update(windowStart).digest('hex').slice(0, 32);
}

/** What an alert says about its detection, independent of pipeline state (no id, dedup or allowlist decision). */
export type DetectionFacts = Omit<Alert, 'id' | 'dedup' | 'allowlist'>;

export function detectionFacts(detection: Detection): DetectionFacts {
  const { rule, event } = detection;
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: detection.severity,
    technique: [...rule.techniques],
    tags: [...rule.tags],
    host: primaryHostName(event.host),
    hostKeys: hostKeys(event.host),
    description: rule.description,
    falsepositives: [...rule.falsepositives],
    context: [...(detection.context ?? [])],
    event,
    input: positionOf(event.provenance),
    ...(rule.response !== undefined ? { response: rule.response } : {}),
  };
}

/**
 * One detection, its dedup state and the allowlist decision, as the alert every renderer and consumer reads.
 * `windowStartMs` is the dedup window's start (the id's input); alerts outside the dedup protocol (the allowlist
 * audit) have no window and use their first-seen time.
 */
export function buildAlert(input: {
  detection: Detection;
  dedup: Alert['dedup'];
  allowlist: AllowlistStatus;
  windowStartMs?: number;
}): Alert {
  const { detection, dedup, allowlist, windowStartMs } = input;
  const windowStart = windowStartMs !== undefined ? isoTime(windowStartMs) : dedup.firstSeen;
  // Key order is the published JSON's: the rule's response note, when it has one, comes last.
  const { response, ...facts } = detectionFacts(detection);
  return {
    id: alertIdOf(dedup.key, windowStart),
    ...facts,
    dedup: { ...dedup },
    allowlist,
    ...(response !== undefined ? { response } : {}),
  };
}

/** The record position part of the provenance (the format and record id stay on the event). */
function positionOf(provenance: Detection['event']['provenance']): Alert['input'] {
  const { format: _format, recordId: _recordId, ...position } = provenance;
  return position;
}
