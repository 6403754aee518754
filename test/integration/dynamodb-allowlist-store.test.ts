import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAllowlistStore, type MalformedAllowlistItem } from '../../lib/adapters/dynamodb-allowlist-store';
import { entryToItem } from '../../lib/allowlist/item';
import { AllowlistUnavailableError } from '../../lib/allowlist/store';
import type { AllowlistEntry } from '../../lib/model';
import { type Dynalite, startDynalite } from '../support/dynalite';

const TABLES = { allowlist: 'allowlist', state: 'state' };

describe('DynamoDbAllowlistStore (dynalite)', () => {
  let db: Dynalite;

  /** PutItem with the item as literal DynamoDB JSON, bypassing the SDK's serializer. */
  async function rawPutItem(itemJson: string): Promise<void> {
    const response = await fetch(db.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.PutItem',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'X-Amz-Date': '20261127T120000Z',
      },
      body: `{"TableName":"${TABLES.allowlist}","Item":${itemJson}}`,
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTables(TABLES);
    const entries: AllowlistEntry[] = [
      { host: 'lab01', rule: 'attack.t1564.006', reason: 'VM lab', owner: 'secops' },
      { host: 'build01.corp.example.com', rule: 'attack.t1564.006', reason: 'CI', owner: 'platform' },
      {
        host: '*',
        rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
        match: { User: 'CORP\\svc-vbox' },
        broad: true,
        reason: 'svc',
        owner: 'it',
        expiresAt: 1_900_000_000,
      },
      ...Array.from({ length: 7 }, (_, i) => ({
        host: 'busy01',
        rule: 'attack.t1564.006',
        match: { Image: `*\\tool${i}.exe` },
        reason: `tool ${i}`,
        owner: 'it',
      })),
    ];
    for (const entry of entries)
      await db.doc.send(new PutCommand({ TableName: TABLES.allowlist, Item: entryToItem(entry) }));
    await db.doc.send(
      new PutCommand({
        TableName: TABLES.allowlist,
        Item: { host: 'lab01', entryId: 'broken', rule: '*', reason: 'no owner' },
      }),
    );
    // Written from the console: a prototype key as the only match field. dynalite (like the SDK) loses the key and
    // keeps an empty map, which is exactly what the pipeline used to read as "no condition".
    await rawPutItem(
      '{"host":{"S":"proto01"},"entryId":{"S":"proto"},"rule":{"S":"attack.t1564.006"},' +
        '"match":{"M":{"__proto__":{"S":"x"}}},"reason":{"S":"console"},"owner":{"S":"someone"}}',
    );
    // Written from the console: every host, every rule, forever.
    await db.doc.send(
      new PutCommand({
        TableName: TABLES.allowlist,
        Item: { host: '*', entryId: 'console-wide', rule: '*', reason: 'quiet please', owner: 'someone' },
      }),
    );
  });

  afterAll(async () => {
    await db.stop();
  });

  it('reads the entries of every host key plus the global ones, FQDN entries under their short name', async () => {
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist);
    const entries = await store.entriesFor(['build01']);
    expect(entries.map((entry) => entry.host).sort()).toEqual(['*', 'build01.corp.example.com']);
  });

  it('reads every page of a host with many entries', async () => {
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist, { pageSize: 2 });
    const read = await store.readPartitions(['busy01']);
    expect(read.get('busy01')).toHaveLength(7);
  });

  it('skips malformed items and reports each one', async () => {
    const malformed: MalformedAllowlistItem[] = [];
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist, { onMalformed: (item) => malformed.push(item) });
    const read = await store.readPartitions(['lab01']);
    expect(read.get('lab01')?.map((entry) => entry.reason)).toEqual(['VM lab']);
    expect(malformed).toEqual([{ host: 'lab01', entryId: 'broken', reason: expect.stringContaining('owner') }]);
  });

  it('refuses an item whose match lost its prototype key, instead of reading it as match-all', async () => {
    const malformed: MalformedAllowlistItem[] = [];
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist, { onMalformed: (item) => malformed.push(item) });
    const read = await store.readPartitions(['proto01']);
    expect(read.get('proto01')).toEqual([]);
    expect(malformed).toEqual([{ host: 'proto01', entryId: 'proto', reason: expect.stringContaining('match') }]);
  });

  it('refuses an item whose match carries a prototype key beside other fields, seen in the raw response', async () => {
    // Real DynamoDB keeps "__proto__" map keys; the SDK's parser drops them. A server that answers the way DynamoDB
    // would shows the adapter checks the body before the SDK parses it.
    const body = JSON.stringify({ Count: 1, ScannedCount: 1 }).replace(
      '{',
      '{"Items":[{"host":{"S":"proto02"},"entryId":{"S":"nested"},"rule":{"S":"attack.t1564.006"},' +
        '"match":{"M":{"Image":{"S":"*VBoxManage.exe"},"__proto__":{"S":"C:\\\\Tools\\\\x.exe"}}},' +
        '"reason":{"S":"console"},"owner":{"S":"someone"}}],',
    );
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const malformed: MalformedAllowlistItem[] = [];
      const store = new DynamoDbAllowlistStore(DynamoDBDocumentClient.from(client), 'allowlist', {
        onMalformed: (item) => malformed.push(item),
      });
      expect((await store.readPartitions(['proto02'])).get('proto02')).toEqual([]);
      expect(malformed).toEqual([{ host: 'proto02', entryId: 'nested', reason: expect.stringContaining('__proto__') }]);
      expect((await store.list()).malformed).toHaveLength(1);
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a console-written global all-rules entry without the broad flag and an expiry', async () => {
    const malformed: MalformedAllowlistItem[] = [];
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist, { onMalformed: (item) => malformed.push(item) });
    const entries = await store.entriesFor(['anyhost']);
    expect(entries.map((entry) => entry.host)).toEqual(['*']);
    expect(entries.every((entry) => entry.rule !== '*')).toBe(true);
    expect(malformed).toEqual([{ host: '*', entryId: 'console-wide', reason: expect.stringContaining('broad') }]);
  });

  it('writes conditionally, lists every entry and expires or removes one (the CLI path)', async () => {
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist);
    const entry: AllowlistEntry = {
      host: 'cli01',
      rule: 'attack.t1564.006',
      reason: 'cli',
      owner: 'o',
      expiresAt: 1_900_000_000,
      id: 'cli-entry',
    };
    expect(await store.put(entry)).toBe('written');
    expect(await store.put(entry)).toBe('exists');
    const listed = await store.list('cli01');
    expect(listed.entries.map((e) => e.id)).toEqual(['cli-entry']);
    expect(await store.expire('cli01', 'cli-entry', 1_800_000_000)).toBe(true);
    expect((await store.list('cli01')).entries[0]?.expiresAt).toBe(1_800_000_000);
    expect(await store.remove('cli01', 'cli-entry')).toBe(true);
    expect(await store.remove('cli01', 'cli-entry')).toBe(false);
    const all = await store.list();
    expect(all.malformed.map((item) => item.entryId).sort()).toEqual(['broken', 'console-wide', 'proto']);
  });

  it('returns an empty list for a host without entries', async () => {
    const store = new DynamoDbAllowlistStore(db.doc, TABLES.allowlist);
    expect((await store.readPartitions(['nobody'])).get('nobody')).toEqual([]);
  });

  it('fails with AllowlistUnavailableError, carrying the cause, when DynamoDB refuses', async () => {
    const store = new DynamoDbAllowlistStore(db.doc, 'no-such-table');
    const error = await store.entriesFor(['lab01']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllowlistUnavailableError);
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
