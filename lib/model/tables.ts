/**
 * DynamoDB table shapes, as plain data: the CDK stack, the adapters, local mode and the integration tests all create
 * or read the tables from these definitions, so they cannot drift apart.
 */
export interface TableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  readonly sortKey?: { readonly name: string; readonly type: 'S' };
  /** Attribute DynamoDB TTL deletes on (epoch seconds). Deletion lags: readers check expiry themselves. */
  readonly ttlAttribute?: string;
  /** Stream view for tables whose changes are audited. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** Global secondary indexes (projection ALL). */
  readonly indexes?: readonly IndexDefinition[];
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  readonly sortKey: { readonly name: string; readonly type: 'S' };
}

/**
 * Sparse index of dedup windows owed a follow-up ("seen N more times"): only items whose count grew past what their
 * alert said carry `followUpShard` (constant "due") and `followUpAt` (window end, zero-padded epoch ms). The
 * scheduled sweeper queries `followUpAt <= now`; sending the follow-up removes both attributes, so the index holds
 * only what is still owed.
 */
export const FOLLOW_UP_INDEX: IndexDefinition = {
  name: 'followUps',
  partitionKey: { name: 'followUpShard', type: 'S' },
  sortKey: { name: 'followUpAt', type: 'S' },
};

/**
 * Allowlist: one item per entry. `host` is a lowercased host identity (hostname, short name, instance id, agent id,
 * cluster) or "*" for the global scope; `entryId` distinguishes entries of one host.
 * Other attributes: rule, match (map of field -> glob), reason, owner, createdAt, expiresAt (epoch seconds).
 */
export const ALLOWLIST_TABLE: TableDefinition = {
  partitionKey: { name: 'host', type: 'S' },
  sortKey: { name: 'entryId', type: 'S' },
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/**
 * Pipeline state: dedup records (`pk` = "dedup#<key>", `sk` = "window") and correlation state
 * (`pk` = "corr#<rule>#<group>", `sk` = "<timeMs>#<eventId>"). `ttl` bounds every item. The follow-up index lists
 * dedup windows owed a follow-up.
 */
export const STATE_TABLE: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'ttl',
  indexes: [FOLLOW_UP_INDEX],
};
