/**
 * The history writer as deployed: alerts and follow-ups published to the topic (fauxqs), delivered raw to the
 * history queue, handed to the handler as an SQS batch, written to the history table (dynalite).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Context, SQSEvent } from 'aws-lambda';
import { protocolBody } from '../../bin/local/subscribers';
import { createHistoryWriterHandler, HISTORY_METRICS } from '../../lambdas/history-writer';
import type { LogSink, MetricSink } from '../../lambdas/runtime';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import { SnsFollowUpPublisher } from '../../lib/adapters/sns-follow-up-publisher';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { HistoryUnavailableError } from '../../lib/history/store';
import { HISTORY_TABLE } from '../../lib/model';
import { vmAlert } from '../alerts/fixtures';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Fauxqs, type Queue, startFauxqs } from '../support/fauxqs';

const NOW = Date.parse('2026-11-20T15:00:00Z');
let aws: Fauxqs;
let db: Dynalite;
let topicArn: string;
let queue: Queue;
let tables = 0;

beforeAll(async () => {
  [aws, db] = await Promise.all([startFauxqs(), startDynalite()]);
  topicArn = await aws.createTopic('vmsentry-alerts');
  queue = await aws.createQueue('history');
  await aws.subscribe(topicArn, queue, { RawMessageDelivery: 'true' });
}, 60_000);
afterAll(async () => {
  await Promise.all([aws?.stop(), db?.stop()]);
});

interface Telemetry {
  counts: Record<string, number>;
  logs: { level: string; message: string; extra?: Record<string, unknown> }[];
  logger: LogSink;
  metrics: MetricSink;
}

function telemetry(): Telemetry {
  const counts: Record<string, number> = {};
  const logs: Telemetry['logs'] = [];
  const log =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      logs.push({ level, message, ...(extra ? { extra } : {}) });
    };
  return {
    counts,
    logs,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: {
      count: (name, value) => {
        counts[name] = (counts[name] ?? 0) + value;
      },
      metadata: () => {},
      flush: () => {},
    },
  };
}

/** What the history queue holds, as the Lambda SQS event source hands it over. */
async function drainedEvent(): Promise<SQSEvent> {
  const messages = await aws.drain(queue);
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      // fauxqs delivers a MessageStructure json message whole; SNS would deliver the `default` body (see protocolBody).
      body: protocolBody('sqs', m.Body ?? ''),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:history',
      awsRegion: 'us-east-1',
    })),
  };
}

async function freshStore(): Promise<DynamoDbHistoryStore> {
  const name = `history-writer-${++tables}`;
  await db.createTable(name, HISTORY_TABLE);
  return new DynamoDbHistoryStore(db.doc, name, { now: () => NOW });
}

describe('history writer (alert topic -> SQS raw delivery -> handler -> history table)', () => {
  it('records every alert and applies follow-ups; a foreign message is counted and logged, never failing the batch', async () => {
    // Prepare
    const store = await freshStore();
    const publisher = new SnsAlertPublisher(aws.sns, topicArn, { clock: () => NOW });
    const alerts = ['ws-01', 'ws-02', 'ws-03'].map((host, i) => ({ ...vmAlert(), id: `alert-${i}`, host }));
    expect((await publisher.publish(alerts)).failed).toEqual([]);
    await aws.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello from someone else' }));
    const t = telemetry();
    const handler = createHistoryWriterHandler({ store, logger: t.logger, metrics: t.metrics, clock: () => NOW });
    // Act
    const first = await handler(await drainedEvent(), {} as Context);
    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect((await store.list({})).items.map((r) => r.host).sort()).toEqual(['ws-01', 'ws-02', 'ws-03']);
    expect(t.counts).toEqual({ [HISTORY_METRICS.written]: 3, [HISTORY_METRICS.invalid]: 1 });
    const warning = t.logs.find((l) => l.level === 'warn');
    expect(warning?.extra).toMatchObject({ index: expect.any(Number), reason: expect.stringContaining('not JSON') });

    // A follow-up ("seen N more times") for alert-0 raises its count.
    const followUps = new SnsFollowUpPublisher(aws.sns, topicArn);
    await followUps.publish([
      {
        ruleId: alerts[0]!.ruleId,
        title: alerts[0]!.title,
        severity: alerts[0]!.severity,
        host: 'ws-01',
        id: 'fu-1',
        alertId: 'alert-0',
        moreEvents: 10,
        count: 11,
        windowStart: alerts[0]!.dedup.firstSeen,
        windowEnd: '2026-11-20T16:00:00.000Z',
        lastSeen: '2030-01-01T00:00:00.000Z',
      },
    ]);
    const second = await handler(await drainedEvent(), {} as Context);
    expect(second.batchItemFailures).toEqual([]);
    expect(await store.get('alert-0')).toMatchObject({ count: 11, lastSeen: '2030-01-01T00:00:00.000Z' });
  });

  it('fails only the message the store could not take, counting it, so SQS retries just that one', async () => {
    // Prepare: the store refuses one alert (as a throttled DynamoDB would).
    const store = await freshStore();
    const flaky = {
      record: (alert: Parameters<typeof store.record>[0], nowMs: number) =>
        alert.id === 'alert-1'
          ? Promise.reject(new HistoryUnavailableError('history write failed', { cause: new Error('throttled') }))
          : store.record(alert, nowMs),
      get: (id: string) => store.get(id),
      list: store.list.bind(store),
      setState: store.setState.bind(store),
    };
    const publisher = new SnsAlertPublisher(aws.sns, topicArn, { clock: () => NOW });
    await publisher.publish(['ws-01', 'ws-02', 'ws-03'].map((host, i) => ({ ...vmAlert(), id: `alert-${i}`, host })));
    const event = await drainedEvent();
    const t = telemetry();
    // Act
    const response = await createHistoryWriterHandler({ store: flaky, logger: t.logger, metrics: t.metrics })(
      event,
      {} as Context,
    );
    // Assess
    const failedId = event.Records.find((r) => r.body.includes('"id":"alert-1"'))?.messageId;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failedId }]);
    expect(t.counts).toEqual({ [HISTORY_METRICS.written]: 2, [HISTORY_METRICS.failed]: 1 });
    expect(t.logs.find((l) => l.level === 'error')?.extra).toMatchObject({ cause: 'throttled' });
    expect((await store.list({})).items.map((r) => r.id).sort()).toEqual(['alert-0', 'alert-2']);
  });
});
