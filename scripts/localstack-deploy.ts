/**
 * LocalStack, step 2: `cdklocal deploy` the stack and write its outputs (AlertTopicArn, SiemQueueUrl, ...) to
 * .localstack/outputs.json, which scripts/smoke.ts reads.
 * Usage: tsx scripts/localstack-deploy.ts [--endpoint URL] [--stack NAME] [--outputs-file FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ENDPOINT, DEFAULT_OUTPUTS_FILE, flagValue, localstackEnv } from './localstack-env';

export function deployArgs(stack: string, outputsFile: string): string[] {
  return [
    'cdklocal',
    'deploy',
    stack,
    '--require-approval',
    'never',
    '--outputs-file',
    outputsFile,
    '--context',
    `stackName=${stack}`,
  ];
}

function main(argv: readonly string[]): number {
  const endpoint = flagValue(argv, '--endpoint') ?? DEFAULT_ENDPOINT;
  const stack = flagValue(argv, '--stack') ?? 'Vmsentry';
  const outputsFile = flagValue(argv, '--outputs-file') ?? DEFAULT_OUTPUTS_FILE;
  mkdirSync(path.dirname(outputsFile), { recursive: true });
  const result = spawnSync('npx', deployArgs(stack, outputsFile), { env: localstackEnv(endpoint), stdio: 'inherit' });
  if (result.status === 0) process.stderr.write(`outputs written to ${outputsFile}; next: npm run smoke\n`);
  return result.status ?? 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
