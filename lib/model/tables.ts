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

/** The history's listing indexes: newest lastSeen first within one partition (lib/adapters/dynamodb-history-store.ts). */
export const HISTORY_BY_TIME_INDEX: IndexDefinition = {
  name: 'byTime',
  partitionKey: { name: 'timeShard', type: 'S' },
  sortKey: { name: 'lastSeen', type: 'S' },
};
export const HISTORY_BY_HOST_INDEX: IndexDefinition = {
  name: 'byHost',
  partitionKey: { name: 'hostKey', type: 'S' },
  sortKey: { name: 'lastSeen', type: 'S' },
};
export const HISTORY_BY_RULE_INDEX: IndexDefinition = {
  name: 'byRule',
  partitionKey: { name: 'ruleId', type: 'S' },
  sortKey: { name: 'lastSeen', type: 'S' },
};

/**
 * Alert history: one item per published alert (`id` = the alert's deterministic id), its triage state, and the
 * bounded alert JSON. `ttl` (epoch seconds) is refreshed on every write to retention after it. Indexes list by time
 * (one constant partition: alerts are deduplicated, far below one index partition's write rate), by lowercased host
 * and by rule. See docs/alert-history.md.
 */
export const HISTORY_TABLE: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  ttlAttribute: 'ttl',
  indexes: [HISTORY_BY_TIME_INDEX, HISTORY_BY_HOST_INDEX, HISTORY_BY_RULE_INDEX],
};
