/**
 * Every telemetry format vmsentry parses. The name is what `--format NAME` and the log-group source hints accept.
 */
export const FORMATS = [
  'sysmon-windows', // Sysmon, every event id (Windows Event XML, CloudWatch text; Winlogbeat/NXLog/Azure JSON)
  'windows-security-4688', // Security 4688 process creation
  'windows-system-7045', // System 7045 service installation
  'powershell-4104', // PowerShell script block logging
  'windows-event', // any other Windows event of any channel (log_event; 4697, 4103, 400/600/800 by table)
  'auditd', // Linux auditd raw records (SYSCALL/EXECVE/PROCTITLE/CWD)
  'sysmon-linux', // Sysmon for Linux, every event id (XML, possibly inside syslog)
  'eslogger', // macOS Endpoint Security exec events
  'k8s-audit', // Kubernetes audit events (EKS control plane)
  'cloudtrail', // AWS CloudTrail records (ECS/EKS control planes)
  'falco', // Falco JSON alerts
  'crowdstrike-fdr', // CrowdStrike Falcon Data Replicator ProcessRollup2
  'mde', // Microsoft Defender for Endpoint DeviceProcessEvents
  'sentinelone', // SentinelOne Deep Visibility process events
  'ecs', // Elastic Common Schema process events
  'ocsf', // OCSF Process Activity (Security Lake)
  'normalized', // vmsentry's own NormalizedEvent JSON (samples, re-scans)
] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormatName(value: unknown): value is FormatName {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}
