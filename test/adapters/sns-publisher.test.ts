import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertPublishError, SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { SNS_LIMITS, snsEntryBytes } from '../../lib/alerts/sns-message';
import type { Alert } from '../../lib/model';
import { vmAlert, vmEvent } from '../alerts/fixtures';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:vmsentry-alerts';
const sns = mockClient(SNSClient);

function alerts(n: number): Alert[] {
  return Array.from({ length: n }, (_, i) => ({ ...vmAlert(), id: `alert-${i}` }));
}

function publisher(): SnsAlertPublisher {
  return new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC, { region: 'eu-west-1', clock: () => 0 });
}

/** Every entry of a batch call succeeds. */
function acceptAll(): void {
  sns.on(PublishBatchCommand).callsFake((input) => ({
    Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    Failed: [],
  }));
}

beforeEach(() => sns.reset());

// What a working SNS does with the publisher's calls is tested on fauxqs (test/integration/sns-publisher-fauxqs.test.ts);
// here SNS is mocked to inject its faults, and to read a call's input where the emulator does not check it.
describe('SnsAlertPublisher', () => {
  it('keeps every batch call within 256 KB', async () => {
    acceptAll();
    const long = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`Extra${i}`, 'A'.repeat(8_000)]));
    const big = Array.from({ length: 6 }, (_, i) => ({ ...vmAlert(vmEvent(long)), id: `big-${i}` }));
    const report = await publisher().publish(big);
    const calls = sns.commandCalls(PublishBatchCommand);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) {
      const entries = call.args[0].input.PublishBatchRequestEntries ?? [];
      const bytes = entries.reduce((sum, e) => sum + snsEntryBytes(e as Parameters<typeof snsEntryBytes>[0]), 0);
      expect(bytes).toBeLessThanOrEqual(SNS_LIMITS.batchBytes);
    }
    expect(report.published).toHaveLength(6);
  });

  it('reports the entries SNS rejected as failed, with code and sender fault, and the rest as published', async () => {
    sns.on(PublishBatchCommand).callsFake((input) => {
      const [first, second, ...rest] = input.PublishBatchRequestEntries as { Id: string }[];
      return {
        Successful: [first, ...rest].map((e) => ({ Id: e!.Id, MessageId: 'm' })),
        Failed: [{ Id: second!.Id, Code: 'InvalidParameter', Message: 'bad attribute', SenderFault: true }],
      };
    });
    const report = await publisher().publish(alerts(3));
    expect(report.published).toEqual(['alert-0', 'alert-2']);
    expect(report.failed).toHaveLength(1);
    const [failure] = report.failed;
    expect(failure?.id).toBe('alert-1');
    expect(failure?.error).toBeInstanceOf(AlertPublishError);
    expect(failure?.error).toMatchObject({ code: 'InvalidParameter', senderFault: true });
    expect(failure?.error.message).toContain('bad attribute');
  });

  it('reports an entry the response does not mention as failed rather than published', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'e0', MessageId: 'm' }], Failed: [] });
    const report = await publisher().publish(alerts(2));
    expect(report.published).toEqual(['alert-0']);
    expect(report.failed.map((f) => f.id)).toEqual(['alert-1']);
  });

  it('fails every entry of a call that throws, with the SDK error as cause, and still sends the other calls', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns
      .on(PublishBatchCommand)
      .rejectsOnce(throttled)
      .callsFake((input) => ({
        Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: 'm' })),
      }));
    const report = await publisher().publish(alerts(12));
    expect(report.failed.map((f) => f.id)).toEqual(alerts(10).map((a) => a.id));
    expect(report.published).toEqual(['alert-10', 'alert-11']);
    expect(report.failed[0]?.error.cause).toBe(throttled);
    expect(report.failed[0]?.error.message).toContain('ThrottledException: Rate exceeded');
  });

  it('fails a single alert whose Publish throws', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    const report = await publisher().publish([vmAlert()]);
    expect(report.published).toEqual([]);
    expect(report.failed[0]?.error.cause).toBeInstanceOf(Error);
  });

  it('marks a thrown InvalidParameterException as a sender fault (the same message fails again), throttling not', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Invalid parameter'), { name: 'InvalidParameterException' }));
    const refused = await publisher().publish([vmAlert()]);
    expect(refused.failed[0]?.error).toMatchObject({ senderFault: true });
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const throttled = await publisher().publish([vmAlert()]);
    expect(throttled.failed[0]?.error).toMatchObject({ senderFault: undefined });
  });
});
