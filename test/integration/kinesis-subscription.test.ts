import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createKinesisHandler } from '../../lambdas/cloudwatch-subscription';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { sysmonProcessXml } from './fixtures/sysmon';
import { freshTables, handlerDeps, publishedAlerts, repoRules, snsSucceeds, testConfig } from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);

/** A Kinesis batch as Lambda delivers it when CloudWatch Logs subscribes a stream: one delivery per record. */
function kinesisEvent(deliveries: string[][]): KinesisStreamEvent {
  return {
    Records: deliveries.map((messages, index) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `p${index}`,
        sequenceNumber: `4959${String(index).padStart(10, '0')}`,
        data: subscriptionEvent(
          subscriptionPayload(messages, { logGroup: '/windows/sysmon', logStream: `stream-${index}`, startMs: T0 }),
        ).awslogs.data,
        approximateArrivalTimestamp: T0 / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${index}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/vmsentry',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/vmsentry',
    })),
  };
}

describe('the Kinesis scale path of the subscription function', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
  });

  afterAll(async () => {
    await db.stop();
  });

  beforeEach(() => {
    sns.reset();
  });

  async function handler() {
    const tables = await freshTables(db);
    return createKinesisHandler(handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000 }));
  }

  it('processes every record of the batch like a direct delivery and reports no failure', async () => {
    snsSucceeds(sns);
    const handle = await handler();
    const response = await handle(
      kinesisEvent([[sysmonProcessXml({ recordId: 1 })], [sysmonProcessXml({ recordId: 2, computer: 'FIN-WS043' })]]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(
      publishedAlerts(sns)
        .map((alert) => alert.host)
        .sort(),
    ).toEqual(['fin-ws042.corp.example.com', 'fin-ws043']);
  });

  it('reports the first record whose alerts could not be published, so Lambda retries from it', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('SNS down'), { name: 'InternalErrorException' }));
    sns.on(PublishBatchCommand).rejects(Object.assign(new Error('SNS down'), { name: 'InternalErrorException' }));
    const handle = await handler();
    const response = await handle(
      kinesisEvent([['not a record'], [sysmonProcessXml({ recordId: 3 })], [sysmonProcessXml({ recordId: 4 })]]),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000001' }] });
  });
});
