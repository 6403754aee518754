/**
 * Fault injection around the real handlers: DynamoDB on dynalite behind a middleware that fails or freezes chosen
 * calls, SNS mocked (aws-sdk-client-mock) with a fake that records only what SNS accepted, and a retry driver that
 * re-invokes the way Lambda does (async retry of the whole event; SQS redelivery of the failed messages only).
 */
import { DynamoDBClient, InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { Dynalite } from '../support/dynalite';

export type DynamoFault = 'throttle' | 'internal';
export type SnsFault = 'throttle' | 'rejected';

/** What a fault plan does to the k-th call (1-based) of a client. */
export interface CallFault<K> {
  readonly kind: K;
  readonly call: number;
}

/** A simulated Lambda timeout: everything freezes when this call starts (the process is gone). */
export interface Freeze {
  readonly at: 'dynamo' | 'sns-before-accept' | 'sns-after-accept';
  readonly call: number;
}

/** Shared by the fakes of one scenario: call counters, the freeze trigger, and what SNS accepted. */
export class FaultState {
  dynamoCalls = 0;
  snsCalls = 0;
  dynamoFault: CallFault<DynamoFault> | undefined;
  snsFault: CallFault<SnsFault> | undefined;
  freeze: Freeze | undefined;
  /** Messages SNS accepted, in order (default-protocol body parsed). */
  readonly delivered: DeliveredAlert[] = [];
  private frozenResolve?: () => void;
  /** Resolves when the freeze triggers: the driver treats the invocation as timed out. */
  frozen: Promise<void> = this.resetFreeze();

  resetFreeze(): Promise<void> {
    this.frozen = new Promise<void>((resolve) => {
      this.frozenResolve = resolve;
    });
    return this.frozen;
  }

  /** Freeze now: the caller's promise never settles (the function was killed mid-call). */
  hang(): Promise<never> {
    this.freeze = undefined;
    this.frozenResolve?.();
    return new Promise<never>(() => {});
  }
}

export interface DeliveredAlert {
  readonly id: string;
  readonly ruleId: string;
  readonly host: string;
  readonly count: number;
}

function fault(name: string, message: string): Error {
  if (name === 'ProvisionedThroughputExceededException') {
    return new ProvisionedThroughputExceededException({ message, $metadata: { httpStatusCode: 400 } });
  }
  return new InternalServerError({ message, $metadata: { httpStatusCode: 500 } });
}

/**
 * A document client on dynalite whose k-th call (counted across the scenario) fails or freezes. maxAttempts 1: the
 * injected error stands for the SDK's own retries being exhausted.
 */
export function faultyDocumentClient(db: Dynalite, state: FaultState): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      state.dynamoCalls += 1;
      const call = state.dynamoCalls;
      if (state.freeze?.at === 'dynamo' && state.freeze.call === call) return state.hang();
      const planned = state.dynamoFault;
      if (planned && planned.call === call) {
        throw planned.kind === 'throttle'
          ? fault('ProvisionedThroughputExceededException', `injected throttle on DynamoDB call ${call}`)
          : fault('InternalServerError', `injected internal error on DynamoDB call ${call}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'vmsentryFaultInjection', override: true },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

interface Entry {
  readonly Id?: string;
  readonly Message?: string;
}

function alertOf(message: string | undefined): DeliveredAlert {
  const alert = JSON.parse(JSON.parse(message ?? '{}').default) as {
    id: string;
    ruleId: string;
    host: string;
    dedup: { count: number };
  };
  return { id: alert.id, ruleId: alert.ruleId, host: alert.host, count: alert.dedup.count };
}

/** The SNS fake: fails or freezes the planned call, otherwise accepts and records every entry. */
export function installSnsFake(sns: AwsClientStub<SNSClient>, state: FaultState): void {
  const handle = async (entries: readonly Entry[]): Promise<{ failed: boolean; rejected: boolean }> => {
    state.snsCalls += 1;
    const call = state.snsCalls;
    if (state.freeze?.at === 'sns-before-accept' && state.freeze.call === call) await state.hang();
    const planned = state.snsFault;
    if (planned && planned.call === call) {
      if (planned.kind === 'throttle') {
        throw Object.assign(new Error(`injected throttle on SNS call ${call}: Rate exceeded`), {
          name: 'ThrottledException',
          $fault: 'client',
        });
      }
      return { failed: true, rejected: true };
    }
    for (const entry of entries) state.delivered.push(alertOf(entry.Message));
    if (state.freeze?.at === 'sns-after-accept' && state.freeze.call === call) await state.hang();
    return { failed: false, rejected: false };
  };
  sns.on(PublishCommand).callsFake(async (input: Entry) => {
    const outcome = await handle([input]);
    if (outcome.rejected) {
      throw Object.assign(new Error('injected SNS internal error'), {
        name: 'InternalErrorException',
        $fault: 'server',
      });
    }
    return { MessageId: `m-${state.snsCalls}` };
  });
  sns.on(PublishBatchCommand).callsFake(async (input: { PublishBatchRequestEntries?: Entry[] }) => {
    const entries = input.PublishBatchRequestEntries ?? [];
    const outcome = await handle(entries);
    if (outcome.rejected) {
      // A batch answered with every entry failed (SNS's partial-failure shape), not an exception.
      return {
        Successful: [],
        Failed: entries.map((entry) => ({
          Id: entry.Id,
          Code: 'InternalError',
          SenderFault: false,
          Message: 'injected',
        })),
      };
    }
    return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })), Failed: [] };
  });
}

export interface DedupItem {
  readonly pk: string;
  readonly state: string;
  readonly count: number;
  readonly ruleId: string;
  readonly host: string;
}

export async function dedupItems(db: Dynalite, table: string): Promise<DedupItem[]> {
  const scan = await db.doc.send(new ScanCommand({ TableName: table }));
  return (scan.Items ?? [])
    .filter((item) => String(item['pk']).startsWith('dedup#'))
    .map((item) => ({
      pk: String(item['pk']),
      state: String(item['state']),
      count: Number(item['count']),
      ruleId: String(item['ruleId']),
      host: String(item['host']),
    }));
}

/** `ruleId|host`: one alert per rule and host within the dedup window. */
export function keyOf(alert: { ruleId: string; host: string }): string {
  return `${alert.ruleId}|${alert.host}`;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

export type Attempt<R> =
  | { readonly status: 'ok'; readonly result: R }
  | { readonly status: 'threw'; readonly error: unknown }
  | { readonly status: 'timed-out' };

/** One invocation, ended early if the scenario's freeze triggers (a Lambda timeout). */
export async function invoke<R>(state: FaultState, run: () => Promise<R>): Promise<Attempt<R>> {
  const frozen = state.resetFreeze().then(() => ({ status: 'timed-out' as const }));
  const done = run().then(
    (result) => ({ status: 'ok' as const, result }),
    (error: unknown) => ({ status: 'threw' as const, error }),
  );
  return Promise.race([done, frozen]);
}
