import { buildAlert } from '../../lib/alerts/build';
import type { Alert, Detection, NormalizedEvent, RuleMetadata } from '../../lib/model';

/** A Sysmon-style VirtualBox headless start on a Windows EC2 instance, shipped by the CloudWatch agent. */
export function vmEvent(overrides: Partial<NormalizedEvent['fields']> = {}): NormalizedEvent {
  return {
    category: 'process_creation',
    platform: 'windows',
    time: '2026-11-20T14:03:12.000Z',
    timeMs: Date.parse('2026-11-20T14:03:12.000Z'),
    host: {
      hostname: 'WKS-0142.corp.example.com',
      instanceId: 'i-0abc123def4567890',
      accountId: '111122223333',
      region: 'eu-west-1',
      logStream: 'i-0abc123def4567890',
    },
    provenance: {
      envelope: 'cloudwatch',
      index: 3,
      logGroup: '/vmsentry/windows/sysmon',
      logStream: 'i-0abc123def4567890',
      eventId: '38211232932870000000000000000000000000000000000000000003',
      format: 'sysmon-windows',
      recordId: '88412',
    },
    fields: {
      Image: 'C:\\Users\\alice\\AppData\\Local\\Temp\\vb\\VBoxHeadless.exe',
      CommandLine: '"C:\\Users\\alice\\AppData\\Local\\Temp\\vb\\VBoxHeadless.exe" --startvm "build-agent" --vrde off',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      ParentCommandLine: 'cmd.exe /c start.bat',
      User: 'CORP\\alice',
      ProcessId: 4312,
      Hashes: 'SHA256=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
      ...overrides,
    },
    raw: { EventID: 1, Computer: 'WKS-0142.corp.example.com', RuleName: '-' },
  };
}

export const VM_RULE: RuleMetadata = {
  id: '0f7d2b6a-3c41-4f0e-9a55-6b1e2d3c4f50',
  title: 'VirtualBox VM started headless from a user-writable path',
  description:
    'VBoxHeadless runs a virtual machine without a window. Started from a temporary or user profile path it matches ' +
    'portable VirtualBox used to run a hidden VM that host monitoring cannot see into (T1564.006).',
  severity: 'high',
  techniques: ['T1564.006'],
  tags: ['attack.defense-evasion', 'attack.t1564.006'],
  references: ['https://attack.mitre.org/techniques/T1564/006/'],
  falsepositives: ['Developers running local build VMs from portable installs'],
  dedupFields: ['Image'],
  dedupWindowSeconds: 3600,
};

export function detectionOf(event: NormalizedEvent = vmEvent(), rule: RuleMetadata = VM_RULE): Detection {
  return {
    rule,
    severity: rule.severity,
    event,
    context: ['correlated with "VirtualBox driver installed" 4 min earlier'],
  };
}

export function vmAlert(event: NormalizedEvent = vmEvent(), rule: RuleMetadata = VM_RULE): Alert {
  return buildAlert({
    detection: detectionOf(event, rule),
    dedup: {
      key: `${rule.id}|wks-0142.corp.example.com|${event.fields.Image ?? ''}`,
      count: 3,
      firstSeen: '2026-11-20T13:58:40.000Z',
      lastSeen: '2026-11-20T14:03:12.000Z',
      windowSeconds: 3600,
    },
    allowlist: 'checked',
  });
}

/** A privileged pod with the host root mounted, from the EKS audit log. */
export function containerAlert(): Alert {
  const event: NormalizedEvent = {
    category: 'container_launch',
    platform: 'kubernetes',
    time: '2026-11-20T09:12:44.120Z',
    timeMs: Date.parse('2026-11-20T09:12:44.120Z'),
    host: { cluster: 'prod-eks', accountId: '111122223333', region: 'eu-west-1' },
    provenance: {
      envelope: 'cloudwatch',
      index: 0,
      logGroup: '/aws/eks/prod-eks/cluster',
      logStream: 'kube-apiserver-audit-1a2b3c',
      format: 'k8s-audit',
    },
    fields: {
      ContainerRuntime: 'kubernetes',
      ContainerImage: 'docker.io/library/alpine:3.20',
      PodName: 'debug-root',
      Namespace: 'default',
      Privileged: true,
      HostPID: true,
      HostPathMounts: ['/'],
      Actor: 'arn:aws:iam::111122223333:role/dev-admin',
      SourceIp: '203.0.113.7',
      ApiOperation: 'create',
      ApiResource: 'pods',
    },
  };
  const rule: RuleMetadata = {
    ...VM_RULE,
    id: '7c1e9a40-2b6d-4c3f-8e15-0d9a7b6c5e41',
    title: 'Privileged pod with host PID and host root mount',
    severity: 'critical',
    response: '1. Delete the pod.\n2. Rotate the credentials of the actor.',
  };
  return buildAlert({
    detection: { rule, severity: 'critical', event },
    dedup: { key: 'k', count: 1, firstSeen: event.time, lastSeen: event.time, windowSeconds: 900 },
    allowlist: 'unfiltered',
  });
}
