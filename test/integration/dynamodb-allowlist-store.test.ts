import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAllowlistStore, type MalformedAllowlistItem } from '../../lib/adapters/dynamodb-allowlist-store';
import { entryToItem } from '../../lib/allowlist/item';
import { AllowlistUnavailableError } from '../../lib/allowlist/store';
import type { AllowlistEntry } from '../../lib/model';
import { type Dynalite, startDynalite } from '../support/dynalite';

const TABLES = { allowlist: 'allowlist', state: 'state' };

describe('DynamoDbAllowlistStore (dynalite)', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTables(TABLES);
    const entries: AllowlistEntry[] = [
      { host: 'lab01', rule: '*', reason: 'VM lab', owner: 'secops' },
      { host: 'build01.corp.example.com', rule: 'attack.t1564.006', reason: 'CI', owner: 'platform' },
      {
        host: '*',
        rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
        match: { User: 'CORP\\svc-vbox' },
        reason: 'svc',
        owner: 'it',
      },
      ...Array.from({ length: 7 }, (_, i) => ({
        host: 'busy01',
        rule: '*',
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
