import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { itemToEntry } from '../allowlist/item';
import { type AllowlistPartitionReader, type AllowlistStore, AllowlistUnavailableError } from '../allowlist/store';
import { type AllowlistEntry, GLOBAL_HOST } from '../model';
import { mapBounded } from '../pipeline/concurrency';

export interface MalformedAllowlistItem {
  readonly host: string;
  readonly entryId?: string;
  readonly reason: string;
}

export interface DynamoDbAllowlistOptions {
  /** Queries in flight at once. */
  readonly concurrency?: number;
  /** Pages read per partition before giving up (fail closed): bounds the cost of a runaway partition. */
  readonly maxPagesPerPartition?: number;
  /** Items per Query page (DynamoDB's 1 MB page applies anyway); tests use it to exercise pagination. */
  readonly pageSize?: number;
  /** Called for every item that fails validation; it is skipped (never suppresses). Wire to the warning metric. */
  readonly onMalformed?: (item: MalformedAllowlistItem) => void;
}

/**
 * Allowlist entries from the ALLOWLIST_TABLE: one Query per partition (a host key, or "*"), paginated. BatchGetItem
 * cannot read a whole partition, and a host may have many entries. Any failure is an AllowlistUnavailableError (the
 * pipeline then fails closed).
 */
export class DynamoDbAllowlistStore implements AllowlistStore, AllowlistPartitionReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbAllowlistOptions = {},
  ) {}

  async entriesFor(hostKeys: readonly string[]): Promise<AllowlistEntry[]> {
    const partitions = [...new Set([...hostKeys.map((key) => key.toLowerCase()), GLOBAL_HOST])];
    const read = await this.readPartitions(partitions);
    return [...read.values()].flat();
  }

  async readPartitions(partitions: readonly string[]): Promise<ReadonlyMap<string, readonly AllowlistEntry[]>> {
    const unique = [...new Set(partitions)];
    const results = await mapBounded(unique, this.options.concurrency ?? 8, (partition) =>
      this.readPartition(partition),
    );
    const out = new Map<string, readonly AllowlistEntry[]>();
    for (const [index, result] of results.entries()) {
      const partition = unique[index] as string;
      if (result.status === 'rejected') {
        throw new AllowlistUnavailableError(`allowlist partition "${partition}" could not be read`, {
          cause: result.reason,
        });
      }
      out.set(partition, result.value);
    }
    return out;
  }

  private async readPartition(partition: string): Promise<AllowlistEntry[]> {
    const entries: AllowlistEntry[] = [];
    const maxPages = this.options.maxPagesPerPartition ?? 20;
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      const response: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#host = :host',
          ExpressionAttributeNames: { '#host': 'host' },
          ExpressionAttributeValues: { ':host': partition },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
        }),
      );
      for (const item of response.Items ?? []) {
        const result = itemToEntry(item);
        if (result.ok) entries.push(result.entry);
        else this.options.onMalformed?.(describe(item, partition, result.reason));
      }
      startKey = response.LastEvaluatedKey;
      if (!startKey) return entries;
    }
    throw new Error(`more than ${maxPages} pages of entries under one host`);
  }
}

function describe(item: Record<string, unknown>, partition: string, reason: string): MalformedAllowlistItem {
  const entryId = item['entryId'];
  return typeof entryId === 'string'
    ? { host: partition, entryId: entryId.slice(0, 128), reason }
    : { host: partition, reason };
}
