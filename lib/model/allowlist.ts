/**
 * One allowlist entry: the same logical fields in the DynamoDB table and in `vmsentry scan --allowlist FILE`.
 * Modeled on Falco exceptions: it matches nothing unless every part of it matches.
 */
export interface AllowlistEntry {
  /** Host identity (hostname, short name, instance id, agent id, cluster), or "*" for the audited global scope. */
  readonly host: string;
  /** Rule id, a tag such as "attack.t1564.006", or "*" for all rules. */
  readonly rule: string;
  /** Field name -> glob (`*`, `?`; case-insensitive). Every listed field must match. */
  readonly match?: Readonly<Record<string, string>>;
  readonly reason: string;
  readonly owner: string;
  /** Epoch seconds. */
  readonly createdAt?: number;
  /** Epoch seconds; an expired entry is ignored even if DynamoDB TTL has not deleted it yet. */
  readonly expiresAt?: number;
  /** Stable id of the entry (DynamoDB sort key). */
  readonly id?: string;
}

export const GLOBAL_HOST = '*';
export const ALL_RULES = '*';
