/** The real handler factories wired to the in-memory stand-ins of bench/memory-ports.ts. */
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createCloudWatchHandler } from '../lambdas/cloudwatch-subscription';
import { createEdrFeedHandler } from '../lambdas/edr-feed';
import type { IngestDeps, LoadedRules, MetricSink } from '../lambdas/runtime';
import { SnsAlertPublisher } from '../lib/adapters/sns-publisher';
import { parseConfig, type RuntimeConfig } from '../lib/config';
import {
  acceptingDocumentClient,
  acceptingSnsClient,
  EmptyAllowlist,
  memoryS3Client,
  type StubCounts,
} from './memory-ports';

export const BENCH_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:vmsentry-alerts';

export function benchConfig(env: Record<string, string> = {}): RuntimeConfig {
  const result = parseConfig({
    ALLOWLIST_TABLE: 'vmsentry-allowlist',
    STATE_TABLE: 'vmsentry-state',
    ALERT_TOPIC_ARN: BENCH_TOPIC_ARN,
    RULES_DIR: path.join(__dirname, '..', 'rules'),
    ...env,
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

function deps(rules: LoadedRules, counts: StubCounts): IngestDeps {
  const config = benchConfig();
  return {
    config,
    doc: acceptingDocumentClient(counts),
    publisher: new SnsAlertPublisher(acceptingSnsClient(counts), config.alertTopicArn, {
      allowlistTable: config.allowlistTable,
    }),
    rules,
    allowlist: new EmptyAllowlist(),
  };
}

export function benchCloudWatchHandler(rules: LoadedRules, counts: StubCounts) {
  return createCloudWatchHandler(deps(rules, counts));
}

export function benchEdrHandler(
  rules: LoadedRules,
  counts: StubCounts,
  objects: ReadonlyMap<string, Uint8Array> | S3Client,
  metrics?: MetricSink,
) {
  const s3 = objects instanceof Map ? memoryS3Client(objects, counts) : (objects as S3Client);
  return createEdrFeedHandler({ ...deps(rules, counts), s3, ...(metrics ? { metrics } : {}) });
}
