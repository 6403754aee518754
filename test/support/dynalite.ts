import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../bin/local/dynamodb';
import { ALLOWLIST_TABLE, STATE_TABLE, type TableDefinition } from '../../lib/model';

// dynalite ships no types; this is the part of its API used here.
// biome-ignore lint/suspicious/noExplicitAny: untyped CommonJS module
const dynalite: (options: Record<string, unknown>) => any = require('dynalite');

export interface Dynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Create the allowlist and state tables from lib/model/tables.ts under these names, and wait until ACTIVE. */
  createTables(names: { allowlist: string; state: string }): Promise<void>;
  /** Create one table (with its indexes) from its definition, and wait until ACTIVE. */
  createTable(name: string, definition: TableDefinition): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh in-memory DynamoDB (dynalite) on a random loopback port, with SDK clients pointed at it. */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Keep idle sockets open: the SDK reuses them, and a server-side idle close races with the next request (ECONNRESET).
  server.keepAliveTimeout = 0;
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  const createTable = async (name: string, definition: TableDefinition): Promise<void> => {
    const input = createTableInput(name, definition);
    await client.send(new CreateTableCommand(input));
    for (let attempt = 0; attempt < 100; attempt++) {
      const described = await client.send(new DescribeTableCommand({ TableName: name }));
      if (described.Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`table ${name} did not become ACTIVE`);
  };

  return {
    endpoint,
    client,
    doc,
    createTable,
    async createTables(names) {
      await createTable(names.allowlist, ALLOWLIST_TABLE);
      await createTable(names.state, STATE_TABLE);
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
