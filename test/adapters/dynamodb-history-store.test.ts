import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbHistoryStore, MAX_QUERY_PAGES_PER_LIST } from '../../lib/adapters/dynamodb-history-store';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import { SNS_LIMITS, toSnsPublishEntry } from '../../lib/alerts/sns-message';
import { HistoryTransitionError, HistoryUnavailableError } from '../../lib/history/store';
import { HISTORY_TABLE } from '../../lib/model';
import { vmAlert } from '../alerts/fixtures';
import { describeHistoryStoreContract, historyAlert } from '../history/store-contract';
import { type Dynalite, startDynalite } from '../support/dynalite';

const NOW = Date.parse('2026-11-20T15:00:00Z');
let db: Dynalite;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

async function freshTable(): Promise<string> {
  const name = `history-${++tables}`;
  await db.createTable(name, HISTORY_TABLE);
  return name;
}

describeHistoryStoreContract('DynamoDbHistoryStore (dynalite)', async () => {
  return new DynamoDbHistoryStore(db.doc, await freshTable(), { now: () => NOW });
});

describe('DynamoDbHistoryStore specifics', () => {
  it('keeps an item for the configured retention after its last write (TTL), and hides it once expired', async () => {
    // Prepare
    const table = await freshTable();
    let clock = NOW;
    const store = new DynamoDbHistoryStore(db.doc, table, { retentionDays: 30, now: () => clock });
    // Act
    await store.record(historyAlert({ id: 'ttl-1' }), NOW);
    const item = (await db.doc.send(new GetCommand({ TableName: table, Key: { id: 'ttl-1' } }))).Item;
    // Assess
    expect(item?.['ttl']).toBe(Math.floor(NOW / 1000) + 30 * 86_400);
    expect(await store.get('ttl-1')).toBeDefined();
    clock = NOW + 30 * 86_400_000; // DynamoDB deletes expired items late: readers must not show them meanwhile
    expect(await store.get('ttl-1')).toBeUndefined();
    expect((await store.list({})).items).toEqual([]);
  });

  it('defaults the retention to 90 days', async () => {
    const table = await freshTable();
    await new DynamoDbHistoryStore(db.doc, table).record(historyAlert({ id: 'ttl-2' }), NOW);
    const item = (await db.doc.send(new GetCommand({ TableName: table, Key: { id: 'ttl-2' } }))).Item;
    expect(item?.['ttl']).toBe(Math.floor(NOW / 1000) + 90 * 86_400);
  });

  it('stores the largest alert SNS can carry, well under the 400 KB item limit', async () => {
    // Prepare: an alert whose evidence is far beyond every content bound, published as the pipeline publishes it.
    const base = vmAlert();
    const huge = 'A'.repeat(300_000);
    const fields: Record<string, unknown> = { ...base.event.fields, CommandLine: huge };
    for (let i = 0; i < 300; i++) fields[`Field${i}`] = `${'é'.repeat(4000)}${i}`;
    const alert = {
      ...base,
      description: huge,
      context: Array.from({ length: 200 }, () => huge.slice(0, 10_000)),
      event: { ...base.event, fields, raw: { blob: huge } },
    };
    const entry = toSnsPublishEntry(alert, { nowMs: NOW });
    const body = (JSON.parse(entry.Message) as { default: string }).default;
    const parsed = parsePublishedAlert(body);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    const table = await freshTable();
    const store = new DynamoDbHistoryStore(db.doc, table, { now: () => NOW });
    // Act
    const record = await store.record(parsed.alert, NOW);
    // Assess: written, read back whole, and sized below DynamoDB's 400 KB with room to spare.
    expect((await store.get(record.id))?.alert).toEqual(parsed.alert);
    const item = (await db.doc.send(new GetCommand({ TableName: table, Key: { id: record.id } }))).Item ?? {};
    const itemBytes = Object.entries(item).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
      0,
    );
    expect(itemBytes).toBeGreaterThan(100 * 1024); // the evidence really was at its bound
    // Beyond the alert JSON (at most SNS's 256 KB), an item holds only short summary attributes.
    expect(itemBytes - Buffer.byteLength(body)).toBeLessThan(8 * 1024);
    expect(SNS_LIMITS.messageBytes + 8 * 1024).toBeLessThan(400 * 1024);
  });

  it('lets one of two concurrent triage changes win and refuses the other', async () => {
    // Prepare: the second change reads the state before the first one writes.
    const table = await freshTable();
    const store = new DynamoDbHistoryStore(db.doc, table, { now: () => NOW });
    await store.record(historyAlert({ id: 'race' }), NOW);
    let raced = false;
    const racing = {
      send: async (command: unknown) => {
        if (!raced && (command as { input?: { UpdateExpression?: string } }).input?.UpdateExpression) {
          raced = true;
          await store.setState('race', { state: 'closed', reason: 'benign', by: 'bob' }, NOW);
        }
        return db.doc.send(command as GetCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const slow = new DynamoDbHistoryStore(racing, table, { now: () => NOW });
    // Act / Assess
    await expect(slow.setState('race', { state: 'acknowledged', by: 'alice' }, NOW)).rejects.toBeInstanceOf(
      HistoryTransitionError,
    );
    expect(await store.get('race')).toMatchObject({ state: 'closed', stateBy: 'bob' });
  });

  it('merges again when another writer records the same alert between its read and its write', async () => {
    const table = await freshTable();
    const store = new DynamoDbHistoryStore(db.doc, table, { now: () => NOW });
    let raced = false;
    const racing = {
      send: async (command: unknown) => {
        if (!raced && (command as { input?: { UpdateExpression?: string } }).input?.UpdateExpression) {
          raced = true;
          await store.record(historyAlert({ id: 'dup', count: 7, lastSeen: '2026-11-20T14:30:00.000Z' }), NOW);
        }
        return db.doc.send(command as GetCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const slow = new DynamoDbHistoryStore(racing, table, { now: () => NOW });
    const record = await slow.record(historyAlert({ id: 'dup', count: 3, lastSeen: '2026-11-20T14:10:00.000Z' }), NOW);
    expect(record).toMatchObject({ count: 7, lastSeen: '2026-11-20T14:30:00.000Z' });
  });

  it('turns DynamoDB failures into HistoryUnavailableError with the cause', async () => {
    const cause = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    const failing = { send: async () => Promise.reject(cause) } as unknown as DynamoDBDocumentClient;
    const store = new DynamoDbHistoryStore(failing, 'any');
    for (const attempt of [
      store.record(historyAlert({ id: 'x' }), NOW),
      store.get('x'),
      store.list({}),
      store.setState('x', { state: 'acknowledged', by: 'a' }, NOW),
    ]) {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HistoryUnavailableError);
      expect((error as Error).cause).toBe(cause);
    }
  });

  it('keeps a typical alert in an item under 8 KB (docs/alert-history.md sizing)', async () => {
    const table = await freshTable();
    const published = historyAlert({ id: 'typical' });
    await new DynamoDbHistoryStore(db.doc, table, { now: () => NOW }).record(published, NOW);
    const item = (await db.doc.send(new GetCommand({ TableName: table, Key: { id: 'typical' } }))).Item ?? {};
    const bytes = Object.entries(item).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
      0,
    );
    expect(bytes).toBeGreaterThan(JSON.stringify(published).length);
    expect(bytes).toBeLessThan(8 * 1024);
  });

  it('costs only the read when a redelivered alert changes nothing, and reads a bounded number of index pages', async () => {
    // Prepare
    const table = await freshTable();
    const commands: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        commands.push(command.constructor.name);
        return db.doc.send(command as GetCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoDbHistoryStore(counting, table, { now: () => NOW });
    const alert = historyAlert({ id: 'again' });
    await store.record(alert, NOW);
    commands.length = 0;
    // Act / Assess: redelivery
    await store.record(alert, NOW + 1000);
    expect(commands).toEqual(['GetCommand']);
    // Act / Assess: a filter nothing matches over many items reads at most MAX_QUERY_PAGES_PER_LIST pages.
    for (let i = 0; i < 15; i++) await store.record(historyAlert({ id: `n${i}`, host: `h${i}` }), NOW);
    commands.length = 0;
    const page = await store.list({ state: 'closed', limit: 1 });
    expect(page.items).toEqual([]);
    expect(page.cursor).toBeDefined();
    expect(commands).toHaveLength(MAX_QUERY_PAGES_PER_LIST);
  });

  it('refuses a cursor it did not issue', async () => {
    const store = new DynamoDbHistoryStore(db.doc, await freshTable(), { now: () => NOW });
    await expect(store.list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(RangeError);
  });
});
