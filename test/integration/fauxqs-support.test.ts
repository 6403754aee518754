import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { startEmulator } from '../../bin/local/emulator';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';

// The emulator the SNS/SQS/S3 tests stand on: if these fail, read their failures before any other fauxqs test's.
describe('test/support/fauxqs', () => {
  let aws: Fauxqs;
  beforeAll(async () => {
    aws = await startFauxqs();
  });
  afterAll(() => aws.stop());

  it('listens on a loopback port', () => {
    expect(aws.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('fans a topic out to subscribed queues, applying each subscription filter policy', async () => {
    const topic = await aws.createTopic('support-topic');
    const all = await aws.createQueue('support-all');
    const red = await aws.createQueue('support-red');
    await aws.subscribe(topic, all);
    await aws.subscribe(topic, red, { FilterPolicy: JSON.stringify({ color: ['red'] }), RawMessageDelivery: 'true' });

    for (const color of ['red', 'blue']) {
      await aws.sns.send(
        new PublishCommand({
          TopicArn: topic,
          Message: color,
          MessageAttributes: { color: { DataType: 'String', StringValue: color } },
        }),
      );
    }

    const envelopes = (await aws.drain(all)).map((m) => (JSON.parse(m.Body!) as { Message: string }).Message);
    expect(envelopes.sort()).toEqual(['blue', 'red']);
    expect((await aws.drain(red)).map((m) => m.Body)).toEqual(['red']);
    expect(await aws.drain(all)).toEqual([]);
  });

  it('stores and returns S3 objects (path-style)', async () => {
    await aws.createBucket('support-bucket');
    await aws.s3.send(new PutObjectCommand({ Bucket: 'support-bucket', Key: 'a/b c.json', Body: 'hello' }));
    const out = await aws.s3.send(new GetObjectCommand({ Bucket: 'support-bucket', Key: 'a/b c.json' }));
    expect(await out.Body!.transformToString()).toBe('hello');
  });
});

describe('bin/local/emulator', () => {
  it('stops when asked: the process is gone and its port refuses connections', async () => {
    const emulator = await startEmulator();
    expect((await fetch(`${emulator.endpoint}/health`)).ok).toBe(true);
    await emulator.stop();
    await expect(fetch(`${emulator.endpoint}/health`)).rejects.toThrow();
  });
});
