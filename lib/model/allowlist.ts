/**
 * One allowlist entry: the same logical fields in the DynamoDB table and in `vmsentry scan --allowlist FILE`.
 * Modeled on Falco exceptions: it matches nothing unless every part of it matches.
 */
export interface AllowlistEntry {
  /** Host identity (hostname, short name, instance id, agent id, cluster), or "*" for the audited global scope. */
  readonly host: string;
  /** Rule id, a tag such as "attack.t1564.006", or "*" for all rules. */
  readonly rule: string;
  /**
   * Field name -> glob (`*`, `?`; case-insensitive). Every listed field must match; a field with several values (a
   * list such as HostPathMounts) matches only when every value matches, unless the field is named in `matchAny`.
   */
  readonly match?: Readonly<Record<string, string>>;
  /**
   * Explicit opt-in, per field of `match`: one matching value is enough for these list fields. Lint and the audit
   * alert flag it, because the event may carry other values the entry never mentions.
   */
  readonly matchAny?: readonly string[];
  /** Host "*" or rule "*" is accepted only with this flag set to true and an expiresAt. */
  readonly broad?: boolean;
  /** The identity the log source proves; a pinned entry suppresses only events carrying the same proof. */
  readonly pin?: AllowlistPin;
  readonly reason: string;
  readonly owner: string;
  /** Epoch seconds. */
  readonly createdAt?: number;
  /** Epoch seconds; an expired entry is ignored even if DynamoDB TTL has not deleted it yet. */
  readonly expiresAt?: number;
  /** Stable id of the entry (DynamoDB sort key). */
  readonly id?: string;
}

/**
 * What an envelope can prove about the sender, as opposed to what the record body claims:
 * - `logStream`: the CloudWatch Logs stream the delivery came through (the CloudWatch agent names it after the
 *   instance id by default);
 * - `agentId`: the EDR sensor id of a record that arrived through the EDR feed (written by the EDR vendor, not by the
 *   monitored host).
 */
export type PinSource = 'logStream' | 'agentId';
export const PIN_SOURCES: readonly PinSource[] = ['logStream', 'agentId'];

export interface AllowlistPin {
  readonly source: PinSource;
  readonly value: string;
}

export const GLOBAL_HOST = '*';
export const ALL_RULES = '*';
