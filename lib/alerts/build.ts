import { createHash } from 'node:crypto';
import { type Alert, type AllowlistStatus, type Detection, hostKeys, primaryHostName } from '../model';

/**
 * Deterministic alert id: the same dedup key and window start always give the same id, so a retried publish
 * carries the id of the first attempt and consumers can drop the duplicate.
 */
export function alertIdOf(dedupKey: string, firstSeen: string): string {
  return createHash('sha256').update(dedupKey).update('\u0000').update(firstSeen).digest('hex').slice(0, 32);
}

/** One detection, its dedup state and the allowlist decision, as the alert every renderer and consumer reads. */
export function buildAlert(input: { detection: Detection; dedup: Alert['dedup']; allowlist: AllowlistStatus }): Alert {
  const { detection, dedup, allowlist } = input;
  const { rule, event } = detection;
  const base = {
    id: alertIdOf(dedup.key, dedup.firstSeen),
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
    dedup: { ...dedup },
    allowlist,
  };
  return rule.response === undefined ? base : { ...base, response: rule.response };
}

/** The record position part of the provenance (the format and record id stay on the event). */
function positionOf(provenance: Detection['event']['provenance']): Alert['input'] {
  const { format: _format, recordId: _recordId, ...position } = provenance;
  return position;
}
