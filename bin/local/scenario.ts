/**
 * The bundled sample telemetry (samples/manifest.json) and user files, turned into the events Lambda receives:
 * CloudWatch Logs subscription events (base64 of gzip of a DATA_MESSAGE, one log group per source) and SQS messages
 * of the EDR feed with inline events.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, SQSEvent } from 'aws-lambda';
import { UsageError } from '../cli-io';
import { BinaryInputError, InvalidGzipError, readRecords } from '../input';
import { packagePath } from '../paths';

export const SAMPLES_DIR = packagePath('samples');

/** CloudWatch puts at most 10,000 log events in one subscription delivery; smaller batches keep payloads realistic. */
const EVENTS_PER_PAYLOAD = 2000;
const ACCOUNT = '000000000000';

export interface SampleAllowlistEntry {
  readonly host: string;
  readonly rule: string;
  readonly reason: string;
  readonly owner: string;
  readonly expiresInDays: number;
}

export interface Manifest {
  readonly cloudwatch: readonly { readonly file: string; readonly logGroup: string; readonly logStream: string }[];
  readonly sqs: readonly { readonly file: string; readonly queue: string }[];
  readonly allowlist: SampleAllowlistEntry;
}

export interface Delivery {
  readonly label: string;
  readonly records: number;
}
export interface CloudWatchDelivery extends Delivery {
  readonly kind: 'cloudwatch';
  readonly event: CloudWatchLogsEvent;
}
export interface SqsDelivery extends Delivery {
  readonly kind: 'sqs';
  readonly event: SQSEvent;
}
export type LambdaDelivery = CloudWatchDelivery | SqsDelivery;

export function readManifest(dir = SAMPLES_DIR): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/**
 * The record texts of a file as a log shipper would send them (one per line, or one per JSON array element); gzip is
 * inflated. Binary data or a broken gzip is the user's to fix: a usage error naming the file (exit 2).
 */
export async function messagesOf(file: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const chunk of readRecords({ kind: 'file', path: file }))
      for (const record of chunk.records) out.push(record.text);
  } catch (cause) {
    if (cause instanceof BinaryInputError || cause instanceof InvalidGzipError) {
      throw new UsageError(`cannot read ${file}: ${cause.message}`, { cause });
    }
    throw cause;
  }
  return out;
}

export function cloudWatchDeliveries(
  messages: readonly string[],
  target: { logGroup: string; logStream: string },
  startMs: number,
): CloudWatchDelivery[] {
  const out: CloudWatchDelivery[] = [];
  for (let start = 0; start < messages.length; start += EVENTS_PER_PAYLOAD) {
    const slice = messages.slice(start, start + EVENTS_PER_PAYLOAD);
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: ACCOUNT,
      logGroup: target.logGroup,
      logStream: target.logStream,
      subscriptionFilters: ['vmsentry'],
      logEvents: slice.map((message, index) => ({
        id: String(startMs + start + index).padStart(56, '0'),
        timestamp: startMs + start + index,
        message,
      })),
    };
    out.push({
      kind: 'cloudwatch',
      label: `${target.logGroup} (${slice.length} log events)`,
      records: slice.length,
      event: { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } },
    });
  }
  return out;
}

/** One SQS message per inline event batch (NDJSON body), as an EDR export to SQS delivers them. */
export function sqsDelivery(messages: readonly string[], queue: string): SqsDelivery {
  const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`;
  const body = messages.join('\n');
  return {
    kind: 'sqs',
    label: `${queue} (${messages.length} inline events)`,
    records: messages.length,
    event: {
      Records: [
        {
          messageId: randomUUID(),
          receiptHandle: 'local',
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: ACCOUNT,
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: arn,
          awsRegion: 'us-east-1',
        },
      ],
    },
  };
}

/** Deliveries for the bundled samples. */
export async function sampleDeliveries(dir = SAMPLES_DIR, startMs = Date.now()): Promise<LambdaDelivery[]> {
  const manifest = readManifest(dir);
  const out: LambdaDelivery[] = [];
  for (const source of manifest.cloudwatch) {
    out.push(...cloudWatchDeliveries(await messagesOf(path.join(dir, source.file)), source, startMs));
  }
  for (const source of manifest.sqs) out.push(sqsDelivery(await messagesOf(path.join(dir, source.file)), source.queue));
  return out;
}

/** Deliveries for user files: each file becomes the log group /vmsentry/local/<file name>. */
export async function fileDeliveries(files: readonly string[], startMs = Date.now()): Promise<LambdaDelivery[]> {
  const out: LambdaDelivery[] = [];
  for (const file of files) {
    const name = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
    out.push(
      ...cloudWatchDeliveries(
        await messagesOf(file),
        { logGroup: `/vmsentry/local/${name}`, logStream: 'local-file' },
        startMs,
      ),
    );
  }
  return out;
}
