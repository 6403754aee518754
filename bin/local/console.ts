/**
 * `vmsentry local --console` (`npm start -- --console`): after the run, serve the web console over local mode's
 * stores (its dynalite history and allowlist tables) until Ctrl-C, so a newcomer sees alerts in a browser without an
 * AWS account. The console is built first when dist/console is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAllowlistStore } from '../../lib/adapters/dynamodb-allowlist-store';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import { catalogueFromDirectory } from '../../lib/console/catalogue-files';
import { FixedHealthReader, type HealthReport, parseErrorRate } from '../../lib/console/health';
import { CONSOLE_DIR, type LocalConsole, startLocalConsole } from './console-server';

export interface LocalConsoleRun {
  readonly doc: DynamoDBDocumentClient;
  readonly historyTable: string;
  readonly allowlistTable: string;
  readonly rulesDir: string;
  readonly records: number;
  readonly parseErrors: number;
  /** Log groups and queues the run delivered, each seen now. */
  readonly sources: readonly string[];
  readonly failures: number;
  readonly port?: number;
  readonly accessCode?: string;
}

export async function serveLocalConsole(run: LocalConsoleRun): Promise<LocalConsole> {
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
    // Only a checkout without `npm ci`'s prepare step gets here; esbuild is a dev dependency of the repository.
    const { buildConsole } = require('../../scripts/build-console') as typeof import('../../scripts/build-console');
    buildConsole(CONSOLE_DIR);
  }
  const seenAt = new Date().toISOString();
  const report: HealthReport = {
    window: 'this local run',
    records: run.records,
    parseErrors: run.parseErrors,
    parseErrorRate: parseErrorRate(run.records, run.parseErrors),
    heartbeats: [...new Set(run.sources)].map((source) => ({ source, lastSeen: seenAt, status: 'ok' as const })),
    failureQueues: [{ name: 'local run failures', depth: run.failures }],
  };
  return startLocalConsole(
    {
      history: new DynamoDbHistoryStore(run.doc, run.historyTable),
      allowlist: new DynamoDbAllowlistStore(run.doc, run.allowlistTable),
      rules: catalogueFromDirectory(run.rulesDir),
      health: new FixedHealthReader(report),
    },
    {
      ...(run.port !== undefined ? { port: run.port } : {}),
      ...(run.accessCode !== undefined ? { accessCode: run.accessCode } : {}),
    },
  );
}

/** Resolves on Ctrl-C or SIGTERM: the console stays up until the user is done with it. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
