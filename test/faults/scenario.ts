/** Runs one fault scenario against a handler until it succeeds, the way Lambda and SQS retry. */
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IngestDeps } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import type { RuntimeConfig } from '../../lib/config';
import { repoRules, TOPIC_ARN } from '../integration/harness';
import type { Dynalite } from '../support/dynalite';
import { type Attempt, FaultState, faultyDocumentClient, invoke } from './harness';

export const MAX_ATTEMPTS = 5;

export function ingestDeps(
  db: Dynalite,
  state: FaultState,
  config: RuntimeConfig,
  clock: () => number,
): IngestDeps & { doc: DynamoDBDocumentClient } {
  const sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    config,
    doc: faultyDocumentClient(db, state),
    publisher: new SnsAlertPublisher(sns, TOPIC_ARN, { allowlistTable: config.allowlistTable, clock }),
    rules: repoRules(),
    clock,
  };
}

export interface RetryPlan<E, R> {
  /** Build a handler (a fresh one models a new execution environment after a timeout). */
  readonly build: (clock: () => number) => (event: E) => Promise<R>;
  readonly event: E;
  /** The event to deliver again after an attempt (SQS: only the failed messages). undefined = done. */
  readonly next: (attempt: Attempt<R>, event: E) => E | undefined;
  /** How long Lambda/SQS waits before the retry (past the claim lease, as configured). */
  readonly retryDelayMs: number;
  readonly startMs: number;
  /** Checked after every attempt that returned (EDR: acknowledged messages were processed). */
  readonly afterAttempt?: (attempt: Attempt<R>, event: E) => void;
}

export async function runWithRetries<E, R>(state: FaultState, plan: RetryPlan<E, R>): Promise<Attempt<R>[]> {
  let now = plan.startMs;
  const clock = () => now;
  let handler = plan.build(clock);
  let event: E | undefined = plan.event;
  const attempts: Attempt<R>[] = [];
  while (event !== undefined && attempts.length < MAX_ATTEMPTS) {
    const current: E = event;
    const attempt = await invoke(state, () => handler(current));
    attempts.push(attempt);
    plan.afterAttempt?.(attempt, current);
    event = plan.next(attempt, current);
    now += plan.retryDelayMs;
    // After a timeout Lambda starts a new execution environment; after an error it may reuse the warm one.
    if (attempt.status === 'timed-out') handler = plan.build(clock);
  }
  return attempts;
}

export { FaultState };
