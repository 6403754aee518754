/**
 * The quarantine as the ingest functions compose it (lib/quarantine is the port and the collector): which store a
 * function writes to, and how a batch's samples are written at its end without ever failing the batch.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { QuarantineCollector, type QuarantineSource, type QuarantineStore } from '../lib/quarantine';
import { deferred } from './deferred';
import type { LogSink, MetricSink } from './runtime';

/** The store a function writes to: the stack's quarantine bucket (QUARANTINE_BUCKET) under its own source prefix. */
export function quarantineFor(
  bucket: string | undefined,
  s3: S3Client,
  source: QuarantineSource,
  clock?: () => number,
): QuarantineStore | undefined {
  const name = bucket?.trim();
  if (!name) return undefined;
  // Built when a batch first has something to quarantine: the S3 adapter (and the SDK) load then, not at cold start.
  return deferred(() => {
    const { S3Quarantine } = require('../lib/adapters/s3-quarantine') as typeof import('../lib/adapters/s3-quarantine');
    return new S3Quarantine(s3, name, { source, ...(clock ? { clock } : {}) });
  });
}

/** A fresh sample for one invocation (or one Kinesis batch); none without a store. */
export function newSample(store: QuarantineStore | undefined): QuarantineCollector | undefined {
  return store ? new QuarantineCollector(store) : undefined;
}

/** Write the sample (one PutObject when something failed to parse, none otherwise); a failure is logged and counted. */
export async function flushSamples(
  samples: QuarantineCollector | undefined,
  logger: LogSink,
  metrics: MetricSink,
): Promise<void> {
  if (!samples) return;
  try {
    const { written, omitted } = await samples.flush();
    if (written > 0) logger.info('unparsed records sampled into the quarantine', { written, omitted });
  } catch (error) {
    // Samples are diagnostics: losing them must not fail a batch whose alerts went out.
    metrics.count('QuarantineFailures', 1);
    metrics.flush();
    logger.warn('quarantine sample not written', { error: error instanceof Error ? error.message : String(error) });
  }
}
