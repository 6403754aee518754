/**
 * Child process of the peak-RSS benchmark: builds the CloudWatch handler (real factory, in-memory stand-ins for AWS),
 * reads one subscription event from a file, invokes the handler once and prints
 * { rssBeforeMb, peakRssMb, events, published } as JSON. Its own process, so the peak belongs to this batch alone.
 *
 *   node --import tsx bench/rss-child.ts EVENT.json [--skip]   (--skip: everything except the invocation)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRules } from '../lambdas/runtime';
import { benchCloudWatchHandler } from './handlers';
import { stubCounts } from './memory-ports';

async function main(): Promise<void> {
  const [eventFile] = process.argv.slice(2);
  if (!eventFile) throw new Error('usage: rss-child EVENT.json [--skip]');
  const skip = process.argv.includes('--skip');
  const counts = stubCounts();
  const handler = benchCloudWatchHandler(loadRules(path.join(__dirname, '..', 'rules')), counts);
  let event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  const rssBeforeMb = process.memoryUsage().rss / 1048576;
  let events = 0;
  if (!skip) {
    const outcome = await handler(event as Parameters<typeof handler>[0]);
    events = outcome?.counts.events ?? 0;
  }
  event = undefined;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rssBeforeMb, peakRssMb, events, published: counts.published })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
