/**
 * LocalStack, step 1: create the log groups the stack subscribes to (it imports them by name; in a real account they
 * already exist) and run `cdklocal bootstrap`. Usage: tsx scripts/localstack-bootstrap.ts [--endpoint URL] [--config FILE]
 */
import './localstack-quiet-sdk';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DEFAULT_ENDPOINT, flagValue, localstackEnv } from './localstack-env';

/** The log group names of a deployment config (config/example.json shape). */
export function logGroupNames(configText: string): string[] {
  const config = JSON.parse(configText) as { logGroups?: { name?: unknown }[] };
  return (config.logGroups ?? []).flatMap((group) => (typeof group.name === 'string' ? [group.name] : []));
}

export async function createLogGroups(client: CloudWatchLogsClient, names: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const name of names) {
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName: name }));
      created.push(name);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceAlreadyExistsException')) throw error;
    }
  }
  return created;
}

async function main(argv: readonly string[]): Promise<number> {
  const endpoint = flagValue(argv, '--endpoint') ?? DEFAULT_ENDPOINT;
  const configFile = flagValue(argv, '--config') ?? 'config/example.json';
  const env = localstackEnv(endpoint);
  const client = new CloudWatchLogsClient({
    endpoint,
    region: env['AWS_REGION'] ?? 'us-east-1',
    credentials: {
      accessKeyId: env['AWS_ACCESS_KEY_ID'] as string,
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] as string,
    },
    maxAttempts: 2,
  });
  const names = logGroupNames(readFileSync(configFile, 'utf8'));
  const created = await createLogGroups(client, names);
  process.stderr.write(`log groups: ${created.length} created, ${names.length - created.length} already there\n`);
  const result = spawnSync(
    'npx',
    ['cdklocal', 'bootstrap', `aws://${env['CDK_DEFAULT_ACCOUNT']}/${env['CDK_DEFAULT_REGION']}`],
    {
      env,
      stdio: 'inherit',
    },
  );
  return result.status ?? 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`localstack-bootstrap: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
