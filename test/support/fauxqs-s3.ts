/**
 * A real S3 endpoint for the EDR feed tests: fauxqs (in-process SNS/SQS/S3 emulator) in a child process (see
 * fauxqs-s3-server.mjs for why), and an S3 client pointed at it (path-style: no wildcard DNS needed).
 * Small on purpose: test/support/fauxqs.ts (SNS/SQS/S3, topics and queues) serves the wider tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface FauxS3 {
  readonly endpoint: string;
  readonly s3: S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export const FAUX_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startFauxS3(): Promise<FauxS3> {
  const child = spawn(process.execPath, [path.join(__dirname, 'fauxqs-s3-server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoint = await firstLine(child);
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: FAUX_CREDENTIALS });
  return {
    endpoint,
    s3,
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      s3.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    },
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`fauxqs exited (${code}) before it listened`)));
    lines.once('line', (line) => {
      lines.close();
      resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
  });
}
