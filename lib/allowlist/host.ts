import { GLOBAL_HOST, isIpv4 } from '../model';

/** Lowercased, trimmed host identity. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase();
}

/** True for a dotted DNS name (not an IPv4 address). */
export function isFqdn(host: string): boolean {
  return host.includes('.') && !isIpv4(host) && !host.startsWith('.') && !host.endsWith('.');
}

/**
 * The DynamoDB partition an entry for this host is stored under. An FQDN is stored under its short name (first
 * label), with the full name kept on the item, so both an event that carries only the short name and one that carries
 * the FQDN find it: host keys of an FQDN event include its short name too.
 */
export function partitionOf(host: string): string {
  const normalized = normalizeHost(host);
  if (normalized === GLOBAL_HOST || !isFqdn(normalized)) return normalized;
  return normalized.split('.')[0] as string;
}

/**
 * Does an entry's host scope cover one of the event's host keys? Equal identities match; a short name matches an
 * FQDN whose first label it is, in both directions; two different FQDNs never match.
 */
export function hostScopeCovers(entryHost: string, eventKeys: readonly string[]): boolean {
  const scope = normalizeHost(entryHost);
  if (scope === GLOBAL_HOST) return true;
  for (const key of eventKeys) {
    if (key === scope) return true;
    // The entry names an FQDN and the event only knows the short name.
    if (isFqdn(scope) && !isFqdn(key) && partitionOf(scope) === key && !eventKeys.some(isFqdn)) return true;
  }
  return false;
}
