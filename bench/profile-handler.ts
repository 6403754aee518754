/**
 * CPU profile of the CloudWatch handler on the benchmark batch (in-memory stand-ins), for finding hot spots:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-handler.ts [events] [rounds]
 */
import path from 'node:path';
import { loadRules } from '../lambdas/runtime';
import { cloudWatchEventOf, loadCorpus, mixedBatch } from './corpus';
import { benchCloudWatchHandler } from './handlers';
import { stubCounts } from './memory-ports';

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 10_000);
  const rounds = Number(process.argv[3] ?? 5);
  const batch = mixedBatch(loadCorpus(), { events, positiveShare: 0.01, seed: 1 });
  const event = cloudWatchEventOf(batch.messages);
  const handler = benchCloudWatchHandler(loadRules(path.join(__dirname, '..', 'rules')), stubCounts());
  for (let round = 0; round < rounds; round++) await handler(event as never);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
