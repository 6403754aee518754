/**
 * SnsAlertPublisher against an SNS that speaks the protocol (fauxqs): what subscribers receive, and the calls it
 * takes. SNS faults (rejected entries, thrown errors) and the 256 KB per-call bound, which the emulator does not
 * enforce, stay on aws-sdk-client-mock in test/adapters/sns-publisher.test.ts.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { emulatorClients } from '../../bin/local/emulator';
import { protocolBody } from '../../bin/local/subscribers';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import type { Alert } from '../../lib/model';
import { vmAlert } from '../alerts/fixtures';
import { type Fauxqs, type Queue, startFauxqs } from '../support/fauxqs';

let aws: Fauxqs;
let topicArn: string;
/** Subscribed with the SNS envelope, as e-mail and Lambda subscribers get it. */
let enveloped: Queue;

beforeAll(async () => {
  aws = await startFauxqs();
  topicArn = await aws.createTopic('vmsentry-alerts');
  enveloped = await aws.createQueue('enveloped');
  await aws.subscribe(topicArn, enveloped);
});
afterAll(() => aws?.stop());
afterEach(async () => {
  await aws.drain(enveloped);
});

/** A publisher on its own client, with the SNS actions it called, in order. */
function publisher(): { publisher: SnsAlertPublisher; calls: string[] } {
  const calls: string[] = [];
  const { sns }: { sns: SNSClient } = emulatorClients(aws.endpoint);
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return { publisher: new SnsAlertPublisher(sns, topicArn, { region: 'eu-west-1', clock: () => 0 }), calls };
}

function alerts(n: number): Alert[] {
  return Array.from({ length: n }, (_, i) => ({ ...vmAlert(), id: `alert-${i}` }));
}

interface Envelope {
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

async function received(): Promise<Envelope[]> {
  return (await aws.drain(enveloped)).map((m) => JSON.parse(m.Body!) as Envelope);
}

describe('SnsAlertPublisher on fauxqs', () => {
  it('publishes one alert with one Publish: subject, filterable attributes and the alert JSON reach the subscriber', async () => {
    const { publisher: p, calls } = publisher();
    expect(await p.publish([vmAlert()])).toEqual({ published: [vmAlert().id], failed: [] });
    expect(calls).toEqual(['PublishCommand']);

    const [envelope, ...more] = await received();
    expect(more).toEqual([]);
    expect(envelope!.Subject).toMatch(/^\[HIGH\]/);
    expect(envelope!.MessageAttributes?.['severityRank']).toEqual({ Type: 'Number', Value: '3' });
    expect(envelope!.MessageAttributes?.['severity']).toEqual({ Type: 'String', Value: 'high' });
    expect(parsePublishedAlert(protocolBody('lambda', envelope!.Message))).toMatchObject({
      ok: true,
      alert: { id: vmAlert().id, severity: 'high' },
    });
  });

  it('publishes 25 alerts in 3 PublishBatch calls, and every one is delivered', async () => {
    const { publisher: p, calls } = publisher();
    const report = await p.publish(alerts(25));
    expect(report.failed).toEqual([]);
    expect(report.published).toHaveLength(25);
    expect(calls).toEqual(['PublishBatchCommand', 'PublishBatchCommand', 'PublishBatchCommand']);

    const ids = (await received()).map((e) => {
      const parsed = parsePublishedAlert(protocolBody('lambda', e.Message));
      return parsed.ok ? parsed.alert.id : parsed.reason;
    });
    expect(ids.sort()).toEqual(
      alerts(25)
        .map((a) => a.id)
        .sort(),
    );
  });

  it('publishes two alerts that share an alert id (a retry beside its original): SNS accepts the batch', async () => {
    const { publisher: p } = publisher();
    // SNS refuses a batch whose entry ids repeat (BatchEntryIdsNotDistinct), and fauxqs does too.
    const report = await p.publish([vmAlert(), vmAlert()]);
    expect(report).toEqual({ published: [vmAlert().id, vmAlert().id], failed: [] });
    expect(await received()).toHaveLength(2);
  });

  it('calls SNS not at all for no alerts', async () => {
    const { publisher: p, calls } = publisher();
    expect(await p.publish([])).toEqual({ published: [], failed: [] });
    expect(calls).toEqual([]);
    expect(await received()).toEqual([]);
  });
});
