/**
 * The SDK clients the functions create (lambdas/) carry request timeouts: against an endpoint that accepts the
 * connection and never answers, a call fails within its timeout instead of holding the invocation until Lambda
 * kills it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createFeedS3Client, S3_CONNECTION_TIMEOUT_MS, S3_READ_TIMEOUT_MS } from '../../lambdas/edr-feed';
import { createSnsClient, SNS_CONNECTION_TIMEOUT_MS, SNS_REQUEST_TIMEOUT_MS } from '../../lambdas/runtime';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('client request timeouts', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts every connection, reads the request, never writes a byte back.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the feed S3 client gives up on a hung GetObject', async () => {
    const s3 = createFeedS3Client(
      { requestTimeoutMs: 300 },
      { endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 },
    );
    const started = Date.now();
    await expect(s3.send(new GetObjectCommand({ Bucket: 'edr-drop', Key: 'hung.gz' }))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    s3.destroy();
  });

  it('the alert SNS client gives up on a hung Publish', async () => {
    const sns = createSnsClient(
      { requestTimeoutMs: 300 },
      { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 },
    );
    const started = Date.now();
    await expect(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' })),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    sns.destroy();
  });

  it('production defaults are the documented ones (SECURITY.md, Slow dependencies)', () => {
    expect([S3_CONNECTION_TIMEOUT_MS, S3_READ_TIMEOUT_MS]).toEqual([3_000, 10_000]);
    expect([SNS_CONNECTION_TIMEOUT_MS, SNS_REQUEST_TIMEOUT_MS]).toEqual([3_000, 10_000]);
  });
});
