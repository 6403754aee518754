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

import type { AllowlistPin } from './allowlist';
import type { NormalizedEvent } from './event';
import type { FormatName } from './formats';

const INSTANCE_ID = /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** True for an IPv4 address: it has dots but no short name. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/**
 * The first label of a dotted DNS name, or undefined when the name has none: a single label, an IPv4 address
 * (10.1.2.3 is not the host "10"), an IPv6 address or a name with an empty first label.
 */
export function shortNameOf(hostname: string): string | undefined {
  const name = hostname.trim();
  if (!name.includes('.') || isIpv4(name) || name.includes(':') || name.startsWith('.')) return undefined;
  return name.split('.')[0];
}

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
  if (host.hostname) add(shortNameOf(host.hostname));
  add(host.instanceId);
  add(host.agentId);
  add(host.cluster);
  if (host.logStream && (INSTANCE_ID.test(host.logStream) || !host.hostname)) add(host.logStream);
  return [...keys];
}

export function isInstanceId(value: string): boolean {
  return INSTANCE_ID.test(value);
}

/** Formats whose records arrive through the EDR feed, written by the EDR vendor's platform, not by the host. */
const EDR_FORMATS: ReadonlySet<FormatName> = new Set(['crowdstrike-fdr', 'mde', 'sentinelone', 'ecs', 'ocsf']);

/**
 * The identity the envelope proves for this event, if any. Only the delivery counts, never a claim in the record:
 * - a CloudWatch Logs delivery proves its log stream (provenance.logStream, set by the envelope decoder);
 * - the EDR feed (S3 objects or SQS bodies) in an EDR format proves the sensor's agent id: that feed is written by
 *   the EDR platform, which binds the id to the sensor. The same record shape written to a log group proves only the
 *   log stream it came through.
 * Local files, stdin and inline records prove nothing.
 */
export function provenIdentity(event: NormalizedEvent): AllowlistPin | undefined {
  const { provenance } = event;
  if (provenance.envelope === 'cloudwatch') {
    const stream = provenance.logStream?.trim();
    return stream ? { source: 'logStream', value: stream } : undefined;
  }
  if ((provenance.envelope === 's3' || provenance.envelope === 'sqs') && EDR_FORMATS.has(provenance.format)) {
    const agent = event.host.agentId?.trim().toLowerCase();
    return agent ? { source: 'agentId', value: agent } : undefined;
  }
  return undefined;
}
