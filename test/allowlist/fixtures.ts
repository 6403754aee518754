import type { Detection, EventFields, HostIdentity, NormalizedEvent, RuleMetadata, Severity } from '../../lib/model';

/** A Windows process-creation event as the Sysmon parser produces it. */
export function processEvent(
  overrides: { host?: HostIdentity; fields?: EventFields; timeMs?: number; index?: number; eventId?: string } = {},
): NormalizedEvent {
  const timeMs = overrides.timeMs ?? Date.UTC(2026, 10, 27, 12, 0, 0);
  return {
    category: 'process_creation',
    platform: 'windows',
    time: new Date(timeMs).toISOString(),
    timeMs,
    host: overrides.host ?? { hostname: 'ws01.corp.example.com' },
    provenance: {
      envelope: 'cloudwatch',
      index: overrides.index ?? 0,
      logGroup: '/windows/sysmon',
      logStream: 'i-0123456789abcdef0',
      eventId: overrides.eventId ?? `event-${overrides.index ?? 0}`,
      format: 'sysmon-windows',
    },
    fields: overrides.fields ?? {
      Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
      CommandLine: '"C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe" startvm dev --type headless',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      User: 'CORP\\alice',
    },
  };
}

export function rule(overrides: Partial<RuleMetadata> = {}): RuleMetadata {
  return {
    id: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
    title: 'VirtualBox VM Started from the Command Line',
    description: 'A VirtualBox VM was started from the command line.',
    severity: 'medium',
    techniques: ['T1564.006'],
    tags: ['attack.defense-evasion', 'attack.t1564.006'],
    references: [],
    falsepositives: ['Lab hosts'],
    dedupFields: [],
    ...overrides,
  };
}

export function detection(
  event: NormalizedEvent = processEvent(),
  metadata: RuleMetadata = rule(),
  severity?: Severity,
): Detection {
  return { rule: metadata, severity: severity ?? metadata.severity, event };
}
