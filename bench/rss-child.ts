/**
 * Child process of the peak-RSS benchmark: builds a handler (real factory, in-memory stand-ins for AWS), invokes it
 * once and prints { rssBeforeMb, peakRssMb, events, published } as JSON. Its own process, so the peak belongs to this
 * batch alone.
 *
 *   node --import tsx bench/rss-child.ts EVENT.json [--skip]          CloudWatch: one subscription event from a file
 *   node --import tsx bench/rss-child.ts --edr OBJECT.ndjson [--skip]  EDR feed: one S3 object, streamed from the file
 *   (--skip: everything except the invocation)
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadRules, type MetricSink } from '../lambdas/runtime';
import { s3NotificationBody, sqsEventOf } from './corpus';
import { benchCloudWatchHandler, benchEdrHandler } from './handlers';
import { fileS3Client, stubCounts } from './memory-ports';

type Invoke = () => Promise<number>;

function cloudWatch(eventFile: string, counts: ReturnType<typeof stubCounts>): Invoke {
  const handler = benchCloudWatchHandler(loadRules(path.join(__dirname, '..', 'rules')), counts);
  return async () => {
    const outcome = await handler(JSON.parse(readFileSync(eventFile, 'utf8')) as Parameters<typeof handler>[0]);
    return outcome?.counts.events ?? 0;
  };
}

function edr(objectFile: string, counts: ReturnType<typeof stubCounts>): Invoke {
  let events = 0;
  const metrics: MetricSink = {
    count: (name, value, dimensions) => {
      if (name === 'Events' && !dimensions) events += value;
    },
    metadata() {},
    flush() {},
  };
  const s3 = fileS3Client(new Map([['edr-exports/bench/object.ndjson', objectFile]]), counts);
  const handler = benchEdrHandler(loadRules(path.join(__dirname, '..', 'rules')), counts, s3, metrics);
  const event = sqsEventOf([s3NotificationBody('edr-exports', 'bench/object.ndjson', statSync(objectFile).size)]);
  return async () => {
    const response = await handler(event as never);
    if (response.batchItemFailures.length > 0) throw new Error('the EDR object was not delivered');
    return events;
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--skip');
  const skip = process.argv.includes('--skip');
  const counts = stubCounts();
  const isEdr = args[0] === '--edr';
  const file = isEdr ? args[1] : args[0];
  if (!file) throw new Error('usage: rss-child EVENT.json | --edr OBJECT.ndjson [--skip]');
  const invoke = isEdr ? edr(file, counts) : cloudWatch(file, counts);
  const rssBeforeMb = process.memoryUsage().rss / 1048576;
  const events = skip ? 0 : await invoke();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rssBeforeMb, peakRssMb, events, published: counts.published })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
