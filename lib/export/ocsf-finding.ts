import type { Alert, Severity } from '../model';
import { toOcsf } from './ocsf';
import { compact } from './ocsf-fields';
import { OCSF_VERSION } from './ocsf-objects';

const DETECTION_FINDING = 2004;
const CREATE = 1;

/** Sigma levels on the OCSF severity scale. */
const SEVERITY_IDS: Readonly<Record<Severity, { id: number; caption: string }>> = {
  informational: { id: 1, caption: 'Informational' },
  low: { id: 2, caption: 'Low' },
  medium: { id: 3, caption: 'Medium' },
  high: { id: 4, caption: 'High' },
  critical: { id: 5, caption: 'Critical' },
};

/** ATT&CK names for the techniques vmsentry's rules tag; other ids are exported without a name. */
const TECHNIQUE_NAMES: ReadonlyMap<string, string> = new Map([
  ['T1564', 'Hide Artifacts'],
  ['T1564.006', 'Run Virtual Instance'],
  ['T1610', 'Deploy Container'],
  ['T1611', 'Escape to Host'],
  ['T1059.001', 'PowerShell'],
  ['T1543.003', 'Windows Service'],
]);

/** Sigma `attack.<tactic>` tags as ATT&CK tactics. */
const TACTICS: ReadonlyMap<string, { uid: string; name: string }> = new Map([
  ['attack.defense_evasion', { uid: 'TA0005', name: 'Defense Evasion' }],
  ['attack.execution', { uid: 'TA0002', name: 'Execution' }],
  ['attack.persistence', { uid: 'TA0003', name: 'Persistence' }],
  ['attack.privilege_escalation', { uid: 'TA0004', name: 'Privilege Escalation' }],
]);

/** The attributes of the triggering event's OCSF record that the Evidence Artifacts object also has. */
const EVIDENCE_ATTRIBUTES = ['actor', 'api', 'container', 'process', 'src_endpoint'] as const;

function named(uid: string): Record<string, unknown> {
  const name = TECHNIQUE_NAMES.get(uid);
  return name === undefined ? { uid } : { uid, name };
}

/** One OCSF attack per technique (a sub-technique also names its parent), each with the tactics the tags name. */
function attacksOf(techniques: readonly string[], tags: readonly string[]): Record<string, unknown>[] | undefined {
  const tactics = tags.flatMap((tag) => TACTICS.get(tag.toLowerCase()) ?? []);
  const attacks = techniques.map((id) => {
    const parent = id.split('.')[0] ?? id;
    return compact({
      technique: named(parent),
      sub_technique: parent === id ? undefined : named(id),
      tactics: tactics.length > 0 ? tactics : undefined,
    }) as Record<string, unknown>;
  });
  return attacks.length > 0 ? attacks : undefined;
}

function timeOf(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A vmsentry alert as an OCSF Detection Finding (2004, Create): the rule as analytic, ATT&CK techniques as attacks,
 * the dedup window as first/last seen and count, and the triggering event's process / container / API call as
 * evidence. The triggering event is referenced in `finding_info.related_events`; alert context that OCSF has no
 * attribute for (host keys, allowlist status, false positives, dedup key) is under `unmapped.vmsentry`.
 */
export function alertToOcsf(alert: Alert): Record<string, unknown> {
  const event = toOcsf(alert.event);
  const severity = SEVERITY_IDS[alert.severity];
  const evidence = compact(Object.fromEntries(EVIDENCE_ATTRIBUTES.map((name) => [name, event[name]])));
  const eventMetadata = event.metadata as Record<string, unknown> | undefined;
  return compact({
    class_uid: DETECTION_FINDING,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: CREATE,
    activity_name: 'Create',
    type_uid: DETECTION_FINDING * 100 + CREATE,
    type_name: 'Detection Finding: Create',
    time: alert.event.timeMs,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: 1,
    status: 'New',
    is_alert: true,
    count: alert.dedup.count,
    message: alert.title,
    metadata: compact({
      version: OCSF_VERSION,
      product: { name: 'vmsentry', vendor_name: 'vmsentry' },
      uid: alert.id,
      correlation_uid: alert.dedup.key,
      profiles: eventMetadata?.profiles,
    }),
    device: event.device,
    cloud: event.cloud,
    finding_info: compact({
      uid: alert.id,
      title: alert.title,
      desc: alert.description,
      analytic: { uid: alert.ruleId, name: alert.title, type_id: 1, type: 'Rule' },
      attacks: attacksOf(alert.technique, alert.tags),
      first_seen_time: timeOf(alert.dedup.firstSeen),
      last_seen_time: timeOf(alert.dedup.lastSeen),
      types: alert.tags.length > 0 ? [...alert.tags] : undefined,
      related_events: [
        compact({
          uid: eventMetadata?.uid ?? `${alert.event.provenance.format}:${alert.event.timeMs}`,
          type_uid: event.type_uid,
          type_name: event.type_name,
        }),
      ],
    }),
    remediation: alert.response === undefined ? undefined : { desc: alert.response },
    evidences: evidence === undefined ? undefined : [evidence],
    resources: event.resources,
    unmapped: {
      vmsentry: compact({
        host: alert.host,
        hostKeys: alert.hostKeys,
        context: alert.context.length > 0 ? alert.context : undefined,
        falsepositives: alert.falsepositives.length > 0 ? alert.falsepositives : undefined,
        allowlist: alert.allowlist,
        dedup: alert.dedup,
        input: alert.input,
      }),
      event: event.unmapped,
    },
  }) as Record<string, unknown>;
}
