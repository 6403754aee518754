/**
 * In-process stand-ins for the handlers' AWS dependencies, so a benchmark measures our code and not a network:
 * an empty allowlist, a DynamoDB document client that accepts every write and reads nothing (every dedup claim is
 * new: each round does the full claim -> publish -> confirm work), an SNS client that accepts every publish (the real
 * SnsAlertPublisher still renders every message), and an S3 client that serves bytes from memory.
 */
import { createReadStream, statSync } from 'node:fs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AllowlistStore } from '../lib/allowlist/store';
import type { AllowlistEntry } from '../lib/model';

/** No allowlist entries for any host. */
export class EmptyAllowlist implements AllowlistStore {
  lookups = 0;
  async entriesFor(): Promise<AllowlistEntry[]> {
    this.lookups++;
    return [];
  }
}

/** Counts of what the stubs were asked to do (a benchmark reports them to show the work was real). */
export interface StubCounts {
  dynamo: number;
  published: number;
  s3: number;
}

export function stubCounts(): StubCounts {
  return { dynamo: 0, published: 0, s3: 0 };
}

/** A DynamoDB document client that answers Get/Query with nothing and accepts every write. */
export function acceptingDocumentClient(counts: StubCounts): DynamoDBDocumentClient {
  const send = async (command: unknown): Promise<unknown> => {
    counts.dynamo++;
    if (command instanceof GetCommand) return {};
    if (command instanceof QueryCommand) return { Items: [], Count: 0 };
    if (command instanceof BatchWriteCommand) return { UnprocessedItems: {} };
    if (command instanceof PutCommand || command instanceof UpdateCommand) return {};
    throw new Error(`accepting document client: unexpected ${(command as object).constructor.name}`);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

/** An SNS client whose PublishBatch succeeds for every entry. */
export function acceptingSnsClient(counts: StubCounts): SNSClient {
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof PublishBatchCommand) {
      const entries = command.input.PublishBatchRequestEntries ?? [];
      counts.published += entries.length;
      return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })), Failed: [] };
    }
    counts.published++;
    return { MessageId: 'm-single' };
  };
  return { send } as unknown as SNSClient;
}

/** An S3 client serving objects from a map (bucket/key -> bytes). */
export function memoryS3Client(objects: ReadonlyMap<string, Uint8Array>, counts: StubCounts): S3Client {
  const send = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof GetObjectCommand)) throw new Error('memory S3 client: only GetObject');
    counts.s3++;
    const bytes = objects.get(`${command.input.Bucket}/${command.input.Key}`);
    if (!bytes) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: bytes, ContentLength: bytes.length };
  };
  return { send } as unknown as S3Client;
}

/**
 * An S3 client serving objects from files (bucket/key -> path) as streams, as S3 does: the peak-RSS child measures
 * the handler, not a copy of the object held by the stand-in.
 */
export function fileS3Client(files: ReadonlyMap<string, string>, counts: StubCounts): S3Client {
  const send = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof GetObjectCommand)) throw new Error('file S3 client: only GetObject');
    counts.s3++;
    const file = files.get(`${command.input.Bucket}/${command.input.Key}`);
    if (!file) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: createReadStream(file), ContentLength: statSync(file).size };
  };
  return { send } as unknown as S3Client;
}
