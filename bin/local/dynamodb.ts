/**
 * DynamoDB for local mode: dynalite in this process, its data in a directory so allowlist entries and dedup state
 * survive between runs. Tables are created from lib/model/tables.ts, the definitions the CDK stack deploys.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableDefinition } from '../../lib/model';
import { UsageError } from '../cli-io';
import { countCalls } from './call-counter';

// dynalite ships no types; this is the part of its API used here.
interface DynaliteServer {
  listen(port: number, host: string, callback: () => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  address(): AddressInfo | string | null;
  close(callback: () => void): void;
}
const dynalite = require('dynalite') as (options: Record<string, unknown>) => DynaliteServer;

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** DynamoDB API calls made through the client so far. */
  calls(): number;
  ensureTable(name: string, definition: TableDefinition): Promise<'created' | 'existing'>;
  stop(): Promise<void>;
}

const LOCK_FILE = 'vmsentry-local.pid';

/**
 * CreateTable for a definition of lib/model/tables.ts: keys, and the indexes as the stack deploys them (projection
 * ALL). Local mode and the tests' dynalite create tables through this one function.
 */
export function createTableInput(name: string, definition: TableDefinition): CreateTableCommandInput {
  const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
  const indexes = definition.indexes ?? [];
  const attributes = new Map(
    [...keys, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])].map((key) => [key.name, key.type]),
  );
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keys.map((key, index) => ({ AttributeName: key.name, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * LevelDB allows one process per directory, and dynalite fails on a locked one with an uncaught error: take a
 * pid lock first so a second `vmsentry local` on the same directory gets a clear message instead.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = path.join(dataDir, LOCK_FILE);
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new UsageError(
        `${dataDir} is in use by another vmsentry local (pid ${holder}); wait for it or use --data-dir`,
      );
    }
    // A stale lock from a run that was killed: take it over.
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

export async function startLocalDynamo(options: { dataDir?: string; fresh?: boolean } = {}): Promise<LocalDynamo> {
  let unlock = (): void => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
    if (options.fresh) {
      rmSync(options.dataDir, { recursive: true, force: true });
      mkdirSync(options.dataDir, { recursive: true });
      unlock = lockDataDir(options.dataDir);
    }
  }
  const server = dynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite did not report a TCP port');
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const counter = countCalls(client);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  return {
    client,
    doc,
    calls: counter.calls,
    async ensureTable(name, definition) {
      try {
        await client.send(new DescribeTableCommand({ TableName: name }));
        return 'existing';
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
      const input = createTableInput(name, definition);
      await client.send(new CreateTableCommand(input));
      for (let attempt = 0; attempt < 200; attempt++) {
        const described = await client.send(new DescribeTableCommand({ TableName: name }));
        if (described.Table?.TableStatus === 'ACTIVE') return 'created';
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      unlock();
    },
  };
}
