import {
  type AttributeValue,
  type QueryCommandOutput,
  QueryCommand as RawQueryCommand,
  ScanCommand as RawScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { partitionOf } from '../allowlist/host';
import { attributeKeyProblem, entryToItem, itemToEntry } from '../allowlist/item';
import { type AllowlistPartitionReader, type AllowlistStore, AllowlistUnavailableError } from '../allowlist/store';
import { type AllowlistEntry, GLOBAL_HOST } from '../model';
import { mapBounded } from '../pipeline/concurrency';
import { isConditionalCheckFailed } from './dynamodb-errors';

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

/** Every valid entry and every refused item of a listing (the CLI's list, export and lint). */
export interface AllowlistListing {
  readonly entries: AllowlistEntry[];
  readonly malformed: MalformedAllowlistItem[];
}

type RawItem = Record<string, AttributeValue>;

/**
 * Allowlist entries from the ALLOWLIST_TABLE: one Query per partition (a host key, or "*"), paginated. BatchGetItem
 * cannot read a whole partition, and a host may have many entries. Any failure is an AllowlistUnavailableError (the
 * pipeline then fails closed). It is also the CLI's only path to the table (put, list, expire, remove).
 *
 * Items are read raw and checked for prototype keys before anything unmarshals them: the SDK's response parser
 * silently drops a "__proto__" map key, which would turn `match: {"__proto__": ...}` into a match-all entry.
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

  /** Write an entry unless one with the same host and id exists (never overwrites). */
  async put(entry: AllowlistEntry): Promise<'written' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: entryToItem(entry),
          ConditionExpression: 'attribute_not_exists(entryId)',
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'exists';
      throw error;
    }
  }

  /** Every entry of one host's partition, or of the whole table; refused items are listed, not used. */
  async list(host?: string): Promise<AllowlistListing> {
    const listing: AllowlistListing = { entries: [], malformed: [] };
    let startKey: RawItem | undefined;
    do {
      const command = host
        ? new RawQueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#host = :host',
            ExpressionAttributeNames: { '#host': 'host' },
            ExpressionAttributeValues: { ':host': { S: partitionOf(host) } },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          })
        : new RawScanCommand({ TableName: this.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) });
      const refused = refuseProtoKeys(command);
      const page: QueryCommandOutput | ScanCommandOutput = await this.doc.send(command as RawQueryCommand);
      for (const item of page.Items ?? []) {
        const result = entryOfRaw(item, refused);
        if (result.ok) listing.entries.push(result.entry);
        else listing.malformed.push(describe(item, stringOf(item['host']) ?? '?', result.reason));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return listing;
  }

  /** End an entry now (expiresAt = now), keeping the item for audit. False when there is no such entry. */
  async expire(host: string, entryId: string, nowSeconds: number): Promise<boolean> {
    return this.ifExists(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { host: partitionOf(host), entryId },
        UpdateExpression: 'SET expiresAt = :now',
        ConditionExpression: 'attribute_exists(entryId)',
        ExpressionAttributeValues: { ':now': nowSeconds },
      }),
    );
  }

  /** Delete an entry. False when there is no such entry. */
  async remove(host: string, entryId: string): Promise<boolean> {
    return this.ifExists(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { host: partitionOf(host), entryId },
        ConditionExpression: 'attribute_exists(entryId)',
      }),
    );
  }

  private async ifExists(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.doc.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async readPartition(partition: string): Promise<AllowlistEntry[]> {
    const entries: AllowlistEntry[] = [];
    const maxPages = this.options.maxPagesPerPartition ?? 20;
    let startKey: RawItem | undefined;
    for (let page = 0; page < maxPages; page++) {
      const command = new RawQueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#host = :host',
        ExpressionAttributeNames: { '#host': 'host' },
        ExpressionAttributeValues: { ':host': { S: partition } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
      });
      const refused = refuseProtoKeys(command);
      const response: QueryCommandOutput = await this.doc.send(command);
      for (const item of response.Items ?? []) {
        const result = entryOfRaw(item, refused);
        if (result.ok) entries.push(result.entry);
        else this.options.onMalformed?.(describe(item, partition, result.reason));
      }
      startKey = response.LastEvaluatedKey;
      if (!startKey) return entries;
    }
    throw new Error(`more than ${maxPages} pages of entries under one host`);
  }
}

/** host + entryId of a raw item: the key both the HTTP body check and the parsed item agree on. */
function keyOf(item: unknown): string {
  const record = (item ?? {}) as Record<string, unknown>;
  return JSON.stringify([stringOf(record['host']), stringOf(record['entryId'])]);
}

function stringOf(value: unknown): string | undefined {
  const s = (value as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
}

/**
 * Look at the HTTP response body before the SDK parses it (the parser drops "__proto__" keys) and remember, by item
 * key, every item that carries a prototype key anywhere. The middleware is on this one command only.
 */
function refuseProtoKeys(command: RawQueryCommand | RawScanCommand): Map<string, string> {
  const refused = new Map<string, string>();
  type Next = (args: object) => Promise<{ response: unknown; output: object }>;
  const middleware = (next: Next) => async (args: object) => {
    const result = await next(args);
    const response = result.response as { body?: unknown; statusCode?: number };
    if (response.body === undefined || response.body === null) return result;
    const bytes = await collect(response.body);
    response.body = bytes;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      return result; // not JSON: the SDK's own parser reports it
    }
    const items = (parsed as { Items?: unknown } | null)?.Items;
    if (Array.isArray(items)) {
      for (const item of items) {
        const problem = attributeKeyProblem(item);
        if (problem) refused.set(keyOf(item), problem);
      }
    }
    return result;
  };
  // The SDK's middleware types are generic over every command; this one only reads and replaces the raw body.
  (command as RawQueryCommand).middlewareStack.addRelativeTo(middleware as never, {
    relation: 'after',
    toMiddleware: 'deserializerMiddleware',
    name: 'vmsentryAllowlistProtoKeys',
  });
  return refused;
}

async function collect(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function entryOfRaw(item: RawItem, refused: ReadonlyMap<string, string>): ReturnType<typeof itemToEntry> {
  const problem = refused.get(keyOf(item)) ?? attributeKeyProblem(item);
  if (problem) return { ok: false, reason: problem };
  let plain: unknown;
  try {
    plain = unmarshall(item);
  } catch (error) {
    return { ok: false, reason: `item does not unmarshal: ${String((error as Error).message).slice(0, 200)}` };
  }
  return itemToEntry(plain);
}

function describe(item: RawItem, partition: string, reason: string): MalformedAllowlistItem {
  const entryId = stringOf(item['entryId']);
  return entryId !== undefined
    ? { host: partition, entryId: entryId.slice(0, 128), reason }
    : { host: partition, reason };
}
