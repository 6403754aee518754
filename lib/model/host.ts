/**
 * Host identity. The allowlist is keyed by host, so every identity a source gives us is kept: the hostname as the
 * source spells it and the aliases other systems use for the same machine (or cluster).
 */
export interface HostIdentity {
  /** Hostname as the source knows it (short or FQDN). Absent when the source carries none (eslogger, auditd without node=). */
  readonly hostname?: string;
  readonly instanceId?: string;
  /** EDR agent / sensor id (CrowdStrike aid, MDE DeviceId, SentinelOne agent uuid). */
  readonly agentId?: string;
  /** Kubernetes / EKS / ECS cluster name. */
  readonly cluster?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** CloudWatch log stream: the CloudWatch agent names it after the instance id by default; the fallback identity. */
  readonly logStream?: string;
}

const INSTANCE_ID = /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** The one name alerts show and dedup keys use: the best identity available, lowercased. */
export function primaryHostName(host: HostIdentity): string {
  const name = host.hostname ?? host.instanceId ?? host.agentId ?? host.cluster ?? host.logStream ?? 'unknown-host';
  return name.toLowerCase();
}

/**
 * Every key the allowlist may be written under for this host, lowercased and de-duplicated:
 * hostname, its short name (an FQDN also matches an entry for its first label), instance id, agent id, cluster,
 * and the log stream when it looks like an instance id.
 */
export function hostKeys(host: HostIdentity): string[] {
  const keys = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value && value.trim() !== '') keys.add(value.trim().toLowerCase());
  };
  add(host.hostname);
  if (host.hostname?.includes('.')) add(host.hostname.split('.')[0]);
  add(host.instanceId);
  add(host.agentId);
  add(host.cluster);
  if (host.logStream && (INSTANCE_ID.test(host.logStream) || !host.hostname)) add(host.logStream);
  return [...keys];
}

export function isInstanceId(value: string): boolean {
  return INSTANCE_ID.test(value);
}
