/**
 * The SDK clients the functions create (lambdas/) carry request timeouts: against an endpoint that accepts the
 * connection and never answers, a call fails within its timeout instead of holding the invocation until Lambda
 * kills it.
 */

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientOptions } from '../../lambdas/clients';
import { createFeedS3Client, S3_CONNECTION_TIMEOUT_MS, S3_READ_TIMEOUT_MS } from '../../lambdas/edr-feed';
import { createSnsClient } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import {
  CLIENT_CONNECTION_TIMEOUT_MS,
  CLIENT_MAX_ATTEMPTS,
  clientRequestTimeoutMs,
  SETTING_BOUNDS,
} from '../../lib/settings';
import { vmAlert } from '../alerts/fixtures';

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
  });
});

/** An SNS endpoint that accepts every connection and never answers: a hung dependency. */
async function hungEndpoint(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createHttpServer(() => {
    requests += 1; // never respond
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('SDK client timeouts: a hung dependency fails the call, not the whole invocation', () => {
  it('every attempt of one call together fits in three quarters of any function timeout the stack accepts', () => {
    const { min, max } = SETTING_BOUNDS.functionTimeoutSeconds;
    for (let seconds = min; seconds <= max; seconds++) {
      const perAttempt = CLIENT_CONNECTION_TIMEOUT_MS + clientRequestTimeoutMs(seconds);
      expect(CLIENT_MAX_ATTEMPTS * perAttempt).toBeLessThanOrEqual(0.75 * seconds * 1000);
      expect(clientRequestTimeoutMs(seconds)).toBeGreaterThanOrEqual(1000);
    }
    const options = clientOptions(60);
    expect(options).toEqual({
      maxAttempts: CLIENT_MAX_ATTEMPTS,
      requestHandler: {
        connectionTimeout: CLIENT_CONNECTION_TIMEOUT_MS,
        requestTimeout: clientRequestTimeoutMs(60),
        throwOnRequestTimeout: true,
      },
    });
  });

  // 15 s: without throwOnRequestTimeout the SDK only warns and the publish hangs past it (the failure this guards).
  it('reports a publish to an SNS endpoint that never answers as failed, after each attempt timed out', async () => {
    const endpoint = await hungEndpoint();
    // The production options, with a short request timeout so the test takes a second or two.
    const options = clientOptions(10);
    const client = new SNSClient({
      ...options,
      requestHandler: { ...options.requestHandler, requestTimeout: 200 },
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const publisher = new SnsAlertPublisher(client, 'arn:aws:sns:us-east-1:123456789012:vmsentry-alerts');
      const alert = vmAlert();
      const report = await publisher.publish([alert]);
      expect(report.published).toEqual([]);
      expect(report.failed.map((failure) => failure.id)).toEqual([alert.id]);
      const cause = report.failed[0]?.error.cause as Error | undefined;
      expect(`${cause?.name} ${cause?.message}`).toMatch(/timeout/i);
      // Every attempt reached the endpoint and was given up on: the SDK's retries, then a failure, never a hang.
      expect(endpoint.requests()).toBe(CLIENT_MAX_ATTEMPTS);
    } finally {
      client.destroy();
      await endpoint.close();
    }
  }, 15_000);
});
