import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createAllowlistAuditHandler } from '../../lambdas/allowlist-audit';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { entryToItem } from '../../lib/allowlist';
import type { AllowlistEntry } from '../../lib/model';
import { type Dynalite, startDynalite } from '../support/dynalite';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:vmsentry-alerts';
const TABLE = 'allowlist-audit-test';
const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:111122223333:table/${TABLE}/stream/2026-11-20T00:00:00.000`;
const NOW_S = Math.floor(Date.parse('2026-11-20T15:00:00Z') / 1000);
const sns = mockClient(SNSClient);
let db: Dynalite;

const narrow: AllowlistEntry = {
  host: 'wks-0142',
  rule: '0f7d2b6a-3c41-4f0e-9a55-6b1e2d3c4f50',
  match: { Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxHeadless.exe' },
  reason: 'build agent VM, CHG-1234',
  owner: 'alice@example.com',
  createdAt: NOW_S,
  expiresAt: NOW_S + 30 * 86_400,
};
const broadGlobal: AllowlistEntry = {
  host: '*',
  rule: '*',
  match: { Image: '*' },
  broad: true,
  reason: 'too noisy',
  owner: 'mallory',
  expiresAt: NOW_S + 200 * 86_400,
};

/** The item exactly as DynamoDB stores it (the stream carries this AttributeValue shape). */
async function storedImage(entry: AllowlistEntry): Promise<Record<string, LambdaAttributeValue>> {
  const item = entryToItem(entry);
  await db.doc.send(new PutCommand({ TableName: TABLE, Item: item }));
  const read = await db.client.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { host: { S: String(item['host']) }, entryId: { S: String(item['entryId']) } },
    }),
  );
  return read.Item as Record<string, LambdaAttributeValue>;
}

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { NewImage?: Record<string, LambdaAttributeValue>; OldImage?: Record<string, LambdaAttributeValue> },
  sequence: string,
  extra: Partial<DynamoDBRecord> = {},
): DynamoDBRecord {
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    eventSourceARN: TABLE_ARN,
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: NOW_S,
      SequenceNumber: sequence,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...images,
    },
    ...extra,
  };
}

function handler() {
  const publisher = new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC, { region: 'eu-west-1' });
  return createAllowlistAuditHandler({ publisher });
}

async function run(records: DynamoDBRecord[]) {
  return handler()({ Records: records } as DynamoDBStreamEvent, {} as Context);
}

/** Published alerts in publish order (the default JSON body of each Publish call). */
function published(): Record<string, unknown>[] {
  return sns
    .commandCalls(PublishCommand)
    .map((call) => JSON.parse(JSON.parse(call.args[0].input.Message ?? '{}').default));
}

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables({ allowlist: TABLE, state: `${TABLE}-state` });
});
afterAll(async () => db.stop());
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

describe('allowlist-audit handler', () => {
  it('alerts critical on a global entry for all rules with a wildcard-only match', async () => {
    const result = await run([record('INSERT', { NewImage: await storedImage(broadGlobal) }, '100')]);
    expect(result.batchItemFailures).toEqual([]);
    const [alert] = published();
    expect(alert).toMatchObject({ severity: 'critical', title: 'Allowlist entry created/changed/deleted', host: '*' });
    expect(alert?.['context'] ?? []).toEqual(
      expect.arrayContaining([
        'broad: applies to every host (global scope)',
        'broad: expires in 200 days (more than 90)',
      ]),
    );
    const attributes = sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes;
    expect(attributes?.['kind']?.StringValue).toBe('allowlist-audit');
  });

  it('alerts medium on a narrow, expiring entry', async () => {
    await run([record('INSERT', { NewImage: await storedImage(narrow) }, '101')]);
    expect(published()[0]).toMatchObject({
      severity: 'medium',
      host: 'wks-0142',
      event: { fields: { Actor: 'alice@example.com' } },
    });
  });

  it('alerts informational on a TTL removal, marked as expired by TTL', async () => {
    const ttl = { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } as Partial<DynamoDBRecord>;
    await run([record('REMOVE', { OldImage: await storedImage(narrow) }, '102', ttl)]);
    const [alert] = published();
    expect(alert?.['severity']).toBe('informational');
    expect(alert).toMatchObject({ event: { fields: { Message: expect.stringContaining('expired by TTL') } } });
  });

  it('alerts on a malformed item as an unparseable allowlist change instead of dropping it', async () => {
    const malformed = { host: { S: 'wks-1' }, entryId: { S: 'x' }, rule: { N: '5' }, __proto__x: { S: 'y' } };
    const result = await run([
      record('INSERT', { NewImage: malformed as Record<string, LambdaAttributeValue> }, '103'),
    ]);
    expect(result.batchItemFailures).toEqual([]);
    const [alert] = published();
    expect(alert?.['severity']).toBe('high');
    expect(String(((alert?.['context'] ?? []) as string[])[0])).toMatch(/^unparseable allowlist change: new image: /);
  });

  it('alerts even on a record whose image does not unmarshal at all', async () => {
    const broken = { host: { ZZ: 'not a type' } } as unknown as Record<string, LambdaAttributeValue>;
    await run([record('MODIFY', { NewImage: broken }, '104')]);
    expect(published()).toHaveLength(1);
    expect(published()[0]?.['severity']).toBe('high');
  });

  it('reports only the record whose alert could not be published as a batch item failure', async () => {
    sns.reset();
    sns
      .on(PublishCommand)
      .resolvesOnce({ MessageId: 'm' })
      .rejectsOnce(new Error('SNS down'))
      .resolves({ MessageId: 'm' });
    const result = await run([
      record('INSERT', { NewImage: await storedImage(narrow) }, '200'),
      record('INSERT', { NewImage: await storedImage(broadGlobal) }, '201'),
      record('REMOVE', { OldImage: await storedImage(narrow) }, '202'),
    ]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '201' }]);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });
});
