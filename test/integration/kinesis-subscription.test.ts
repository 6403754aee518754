import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createCloudWatchHandler,
  createKinesisHandler,
  type FailedStreamRecord,
  type KinesisHandlerOptions,
  kinesisOptionsFor,
} from '../../lambdas/cloudwatch-subscription';
import { S3FailurePayloadWriter } from '../../lib/adapters/failure-payload-writer';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { kinesisEvent as kinesisBatch } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  freshTables,
  handlerDeps,
  MemoryLogger,
  MemoryMetrics,
  publishedAlerts,
  repoRules,
  snsSucceeds,
  testConfig,
} from './harness';

type Telemetry = Parameters<typeof handlerDeps>[2];

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);

/** A Kinesis batch as Lambda delivers it when CloudWatch Logs subscribes a stream: one delivery per record. */
const kinesisEvent = (deliveries: string[][]): KinesisStreamEvent =>
  kinesisBatch(deliveries, { logGroup: '/windows/sysmon', startMs: T0 });

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

  /** `region` turns on the Logs Insights links, as the deployed function has them. */
  async function handler(options: KinesisHandlerOptions = {}, region?: string, telemetry: Telemetry = {}) {
    const tables = await freshTables(db);
    const deps = handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000, ...telemetry });
    const client = new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const publisher = region
      ? new SnsAlertPublisher(client, deps.config.alertTopicArn, { allowlistTable: tables.allowlist, region })
      : deps.publisher;
    return createKinesisHandler({ ...deps, publisher }, options);
  }

  /** SNS takes every alert except those for `refusedHost`, which fail with `error`; returns the hosts it took. */
  function snsRefusesHost(refusedHost: string, error: Error): string[] {
    const delivered: string[] = [];
    sns.on(PublishCommand).callsFake((input: { Message?: string }) => {
      const host = (JSON.parse(JSON.parse(input.Message ?? '{}').default) as { host: string }).host;
      if (host === refusedHost) throw error;
      delivered.push(host);
      return { MessageId: 'm' };
    });
    return delivered;
  }

  const THREE = [
    [sysmonProcessXml({ recordId: 1, computer: 'FIN-WS041' })],
    [sysmonProcessXml({ recordId: 2, computer: 'FIN-WS042' })],
    [sysmonProcessXml({ recordId: 3, computer: 'FIN-WS043' })],
  ];

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

  it('delivers the records after a failing one on the same attempt, and reports the first failure for the retry', async () => {
    const delivered = snsRefusesHost(
      'fin-ws042',
      Object.assign(new Error('SNS down'), { name: 'InternalErrorException' }),
    );
    const handle = await handler();
    const response = await handle(kinesisEvent(THREE));
    expect(delivered.sort()).toEqual(['fin-ws041', 'fin-ws043']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000001' }] });
  });

  it('delivers every alert of a batch whose second record is a forged line timed +275760-09-13', async () => {
    const delivered = snsRefusesHost('none', new Error('unused'));
    const handle = await handler({}, 'us-east-1');
    const forged = [sysmonProcessXml({ recordId: 2, computer: 'FIN-WS042', timeMs: 8.64e15 })];
    const response = await handle(kinesisEvent([THREE[0] as string[], forged, THREE[2] as string[]]));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(delivered.sort()).toEqual(['fin-ws041', 'fin-ws042', 'fin-ws043']);
  });

  it('sets aside a record SNS refuses as malformed, with its data and reason, and moves the shard on', async () => {
    const refused = Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
    const delivered = snsRefusesHost('fin-ws042', refused);
    const setAside: FailedStreamRecord[] = [];
    const metrics = new MemoryMetrics();
    const handle = await handler({ setAside: async (record) => void setAside.push(record) }, undefined, { metrics });
    const event = kinesisEvent(THREE);
    const response = await handle(event);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(metrics.total('StreamRecordsSetAside')).toBe(1);
    expect(delivered.sort()).toEqual(['fin-ws041', 'fin-ws043']);
    expect(setAside).toEqual([
      {
        shardId: 'shardId-000000000000',
        sequenceNumber: '49590000000001',
        partitionKey: 'p1',
        data: event.Records[1]?.kinesis.data,
        reason: expect.stringContaining('InvalidParameterException'),
      },
    ]);
  });

  it('reports such a record for a retry when it cannot be set aside (fail closed), still delivering the rest', async () => {
    const refused = Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
    const delivered = snsRefusesHost('fin-ws042', refused);
    const handle = await handler({
      setAside: async () => {
        throw new Error('failure queue unavailable');
      },
    });
    const response = await handle(kinesisEvent(THREE));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000001' }] });
    expect(delivered.sort()).toEqual(['fin-ws041', 'fin-ws043']);
  });

  it('reports a delivery naming 60 forged hosts from one stream as one flood alert, counted and logged', async () => {
    const delivered = snsRefusesHost('none', new Error('unused'));
    const metrics = new MemoryMetrics();
    const logger = new MemoryLogger();
    const handle = await handler({}, undefined, { metrics, logger });
    const forged = Array.from({ length: 60 }, (_, i) =>
      sysmonProcessXml({ recordId: 100 + i, computer: `forged-${i}` }),
    );
    const response = await handle(kinesisEvent([THREE[0] as string[], forged]));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(delivered.sort()).toEqual(['fin-ws041', 'stream-1']);
    expect(metrics.total('AlertFloods')).toBe(1);
    expect(metrics.total('FloodCollapsedDetections')).toBe(60);
    const logged = logger.lines.find((line) => line.message.startsWith('alert flood'));
    expect(logged?.extra).toMatchObject({ detections: 60, hosts: 60, source: expect.stringContaining('stream-1') });
  });

  describe("keeping the failed records' data (real S3 protocol: fauxqs)", () => {
    let aws: Fauxqs;
    beforeAll(async () => {
      aws = await startFauxqs();
    });
    afterAll(async () => {
      await aws.stop();
    });

    let bucketCounter = 0;
    /** A fresh bucket on the S3 emulator with the production writer on it, and what it holds, read back. */
    async function failureBucket() {
      bucketCounter += 1;
      const name = `vmsentry-failure-payloads-${bucketCounter}`;
      await aws.createBucket(name);
      return {
        name,
        writer: new S3FailurePayloadWriter(aws.s3, name),
        async keys(): Promise<string[]> {
          const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: name }));
          return (listed.Contents ?? []).map((object) => object.Key as string);
        },
        async object(key: string): Promise<unknown> {
          const object = await aws.s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
          return JSON.parse(await (object.Body as { transformToString(): Promise<string> }).transformToString());
        },
        async event(key: string): Promise<KinesisStreamEvent> {
          return (await this.object(key)) as KinesisStreamEvent;
        },
      };
    }

    const SNS_DOWN = () => Object.assign(new Error('SNS down'), { name: 'InternalErrorException' });

    it('keeps the data of the records Lambda will retry before reporting them: the stream only holds it 24 h', async () => {
      snsRefusesHost('fin-ws042', SNS_DOWN());
      const bucket = await failureBucket();
      const handle = await handler({ failurePayloads: bucket.writer });
      const event = kinesisEvent(THREE);
      expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000001' }] });
      // From the reported record to the end of the batch (what Lambda retries, and discards if retries run out), keyed
      // by shard and that sequence number: exactly what the event source's on-failure record names.
      const key = 'kinesis/shardId-000000000000/49590000000001.json';
      expect(await bucket.keys()).toEqual([key]);
      expect((await bucket.event(key)).Records).toEqual(event.Records.slice(1));

      // Lambda retries from the reported record: the same object is written again, never a second copy.
      await handle({ Records: event.Records.slice(1) });
      expect(await bucket.keys()).toEqual([key]);

      // Replay: the kept object is the event the function takes, so invoking the function with it delivers the alert.
      sns.reset();
      const delivered = snsRefusesHost('none', new Error('unused'));
      expect(await (await handler())(await bucket.event(key))).toEqual({ batchItemFailures: [] });
      expect(delivered.sort()).toEqual(['fin-ws042', 'fin-ws043']);
    });

    it('keeps nothing when every record was delivered', async () => {
      snsRefusesHost('none', new Error('unused'));
      const bucket = await failureBucket();
      const handle = await handler({ failurePayloads: bucket.writer });
      expect(await handle(kinesisEvent(THREE))).toEqual({ batchItemFailures: [] });
      expect(await bucket.keys()).toEqual([]);
    });

    it('still reports the failure when the data cannot be kept, so Lambda retries it (and tries to keep it again)', async () => {
      snsRefusesHost('fin-ws041', SNS_DOWN());
      const handle = await handler({
        // The bucket does not exist: the real PutObject fails.
        failurePayloads: new S3FailurePayloadWriter(aws.s3, 'vmsentry-no-such-bucket'),
      });
      expect(await handle(kinesisEvent(THREE))).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000000' }] });
    });

    it('production composition: a record that failed for good is kept with its reason in the failure bucket, counted and logged, and the shard moves on', async () => {
      const refused = Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
      const delivered = snsRefusesHost('fin-ws042', refused);
      const bucket = await failureBucket();
      const metrics = new MemoryMetrics();
      const logger = new MemoryLogger();
      const handle = await handler(kinesisOptionsFor(bucket.name, aws.s3, logger), undefined, { metrics, logger });
      const event = kinesisEvent(THREE);
      expect(await handle(event)).toEqual({ batchItemFailures: [] });
      expect(delivered.sort()).toEqual(['fin-ws041', 'fin-ws043']);
      const key = 'kinesis-set-aside/shardId-000000000000/49590000000001.json';
      expect(await bucket.keys()).toEqual([key]);
      const kept = (await bucket.object(key)) as { awslogs: { data: string }; setAside: Record<string, unknown> };
      expect(kept).toEqual({
        awslogs: { data: event.Records[1]?.kinesis.data },
        setAside: {
          shardId: 'shardId-000000000000',
          sequenceNumber: '49590000000001',
          partitionKey: 'p1',
          reason: expect.stringContaining('InvalidParameterException'),
        },
      });
      expect(metrics.total('StreamRecordsSetAside')).toBe(1);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: 'set-aside Kinesis record kept for replay',
          extra: expect.objectContaining({ location: `s3://${bucket.name}/${key}` }),
        }),
      );

      // Replay: the kept object is a direct subscription event; once SNS takes it, the alert goes out.
      sns.reset();
      const replayed = snsRefusesHost('none', new Error('unused'));
      const tables = await freshTables(db);
      await createCloudWatchHandler(handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000 }))(kept);
      expect(replayed).toEqual(['fin-ws042']);
    });

    it('production composition without a failure bucket: such a record is reported for a retry, as before', async () => {
      const refused = Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
      snsRefusesHost('fin-ws042', refused);
      const handle = await handler(kinesisOptionsFor(undefined, aws.s3));
      expect(await handle(kinesisEvent(THREE))).toEqual({ batchItemFailures: [{ itemIdentifier: '49590000000001' }] });
    });
  });
});
