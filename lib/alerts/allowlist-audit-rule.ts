import type { RuleMetadata } from '../model';

/**
 * The built-in rule behind allowlist audit alerts. An allowlist entry is a standing exception to detection, so every
 * change to one is itself a detection (ATT&CK T1562.001, impair defenses). Its alerts bypass the allowlist: an entry
 * must never be able to hide the audit of entries.
 */
export const ALLOWLIST_AUDIT_RULE: RuleMetadata = {
  id: '5b0f3c2e-8d1a-4e7b-9c56-2f4a9e1d7b30',
  title: 'Allowlist entry created/changed/deleted',
  description:
    'An entry of the vmsentry allowlist was created, changed or deleted. Allowlist entries suppress detections for a ' +
    'host and rule; a broad or long-lived entry can blind the pipeline to virtual instances started to evade ' +
    'monitoring. Confirm the change was requested and is as narrow as the sanctioned activity.',
  severity: 'medium',
  techniques: ['T1562.001'],
  tags: ['attack.defense-evasion', 'attack.t1562.001'],
  references: ['https://attack.mitre.org/techniques/T1562/001/'],
  falsepositives: ['Planned exceptions for sanctioned hypervisor or container use, made through the change process'],
  dedupFields: [],
  dedupWindowSeconds: 0,
  response:
    'Confirm with the owner that the change was requested and reviewed.\n' +
    'Check that the entry is scoped to one host and one rule, matches what ran exactly, and expires.\n' +
    'If nobody owns the change: delete the entry, review the writer in CloudTrail (DynamoDB data events) and rotate its credentials.\n' +
    'Re-scan the affected host for the alerts the entry suppressed (vmsentry scan without --allowlist).',
};

export function isAllowlistAudit(ruleId: string): boolean {
  return ruleId === ALLOWLIST_AUDIT_RULE.id;
}
