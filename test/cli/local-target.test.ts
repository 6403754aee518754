import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../bin/cli-io';
import { withLocal } from '../../bin/commands/allowlist';
import { runRedrive } from '../../bin/commands/redrive';
import { DEFAULT_CONFIG, runValidate } from '../../bin/commands/validate';
import { parsePort } from '../../bin/local/serve';
import {
  type LocalState,
  localAwsOptions,
  localStatePath,
  removeLocalState,
  resolveLocalTarget,
  writeLocalState,
} from '../../bin/local/target';

function listen(): Promise<{ server: Server; endpoint: string }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

describe('the served local instance as --local finds it (bin/local/target.ts)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-target-'));
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stateOf = (dynamodbEndpoint: string, emulatorEndpoint: string, pid = process.pid): LocalState => ({
    version: 1,
    pid,
    startedAt: '2026-12-04T00:00:00.000Z',
    region: 'us-east-1',
    dynamodbEndpoint,
    emulatorEndpoint,
    tables: { allowlist: 'vmsentry-local-allowlist', state: 'vmsentry-local-state' },
    topicArn: 'arn:aws:sns:us-east-1:000000000000:vmsentry-local-alerts',
    queues: { siem: `${emulatorEndpoint}/000000000000/siem` },
    dataDir: dir,
  });

  it('lives in .vmsentry/local.json under the current directory, or where VMSENTRY_LOCAL_STATE says', () => {
    expect(localStatePath({}, '/work/repo')).toBe('/work/repo/.vmsentry/local.json');
    expect(localStatePath({ VMSENTRY_LOCAL_STATE: 'state/served.json' }, '/work/repo')).toBe(
      '/work/repo/state/served.json',
    );
    expect(localStatePath({ VMSENTRY_LOCAL_STATE: '/tmp/x.json' }, '/work/repo')).toBe('/tmp/x.json');
    expect(localStatePath({ VMSENTRY_LOCAL_STATE: '' }, '/work/repo')).toBe('/work/repo/.vmsentry/local.json');
  });

  it('resolves a live server to its endpoints: DynamoDB on dynalite, SNS, SQS and S3 on the emulator', async () => {
    const dynamo = await listen();
    const emulator = await listen();
    servers.push(dynamo.server, emulator.server);
    const file = path.join(dir, 'live.json');
    writeLocalState(file, stateOf(dynamo.endpoint, emulator.endpoint));
    const target = await resolveLocalTarget({ env: { VMSENTRY_LOCAL_STATE: file, AWS_ENDPOINT_URL_SQS: 'http://x' } });
    expect(target.awsOptions).toEqual({ endpoint: dynamo.endpoint, region: 'us-east-1' });
    expect(target.env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      AWS_ENDPOINT_URL_SNS: emulator.endpoint,
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
    });
    expect(target.state.tables.allowlist).toBe('vmsentry-local-allowlist');
    removeLocalState(file, process.pid + 1);
    expect(await resolveLocalTarget({ env: { VMSENTRY_LOCAL_STATE: file } })).toBeDefined();
  });

  it('calls a file stale when its server is alive but a port is closed, and refuses a file that is not its own', async () => {
    const dynamo = await listen();
    servers.push(dynamo.server);
    const closed = await listen();
    await new Promise((resolve) => closed.server.close(resolve));
    const file = path.join(dir, 'closed.json');
    writeLocalState(file, stateOf(dynamo.endpoint, closed.endpoint));
    await expect(resolveLocalTarget({ env: { VMSENTRY_LOCAL_STATE: file } })).rejects.toThrow(
      `--local: ${file} is stale, nothing listens on ${closed.endpoint} (pid ${process.pid}): run \`npx vmsentry local --serve\` first`,
    );
    writeFileSync(file, '{"version":2}');
    await expect(resolveLocalTarget({ env: { VMSENTRY_LOCAL_STATE: file } })).rejects.toThrow(
      'is not a vmsentry local state file',
    );
  });

  it('refuses --endpoint or --profile beside --local: they name another target', async () => {
    const target = { awsOptions: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' } } as Parameters<
      typeof localAwsOptions
    >[1];
    expect(localAwsOptions({ region: 'eu-west-1' }, target)).toEqual({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
    });
    expect(() => localAwsOptions({ endpoint: 'http://localhost:4566' }, target)).toThrow(
      new UsageError('--local and --endpoint name two targets: pass one'),
    );
    expect(() => localAwsOptions({ profile: 'prod' }, target)).toThrow('--local and --profile');
  });

  it('--port takes N for DynamoDB and N+1 for SNS/SQS/S3, so N must leave room for both', () => {
    expect(parsePort('8400')).toBe(8400);
    for (const bad of ['80', '65535', '8400.5', 'x']) expect(() => parsePort(bad)).toThrow('a port number');
  });
});

describe('--local beside a flag naming what it replaces is refused before anything is read', () => {
  const io = { stdout: process.stdout, stderr: process.stderr };
  // No discovery file is needed: the conflict is found first (this directory has none).
  const env = { VMSENTRY_LOCAL_STATE: path.join(tmpdir(), 'vmsentry-no-such-dir', 'local.json') };

  it('allowlist --table, redrive --allowlist-table/--state-table/--topic-arn/--function, validate --queue-url/--state-table', async () => {
    await expect(withLocal({ local: true, table: 't' }, { env })).rejects.toThrow(
      '--local and --table name two tables: pass one',
    );
    for (const [flag, extra] of [
      ['--allowlist-table', { allowlistTable: 'a' }],
      ['--state-table', { stateTable: 's' }],
      ['--topic-arn', { topicArn: 'arn' }],
      ['--function', { function: 'f' }],
    ] as const) {
      await expect(runRedrive({ local: true, queueUrl: [], max: 1, ...extra }, io, { env })).rejects.toThrow(
        `--local and ${flag} name two targets`,
      );
    }
    const validate = { scenario: ['qemu-headless'], logGroup: [], config: DEFAULT_CONFIG, timeout: 1, host: 'h' };
    for (const [flag, extra] of [
      ['--queue-url', { queueUrl: 'http://127.0.0.1:1/000000000000/q' }],
      ['--state-table', { stateTable: 's' }],
    ] as const) {
      await expect(runValidate({ ...validate, local: true, ...extra }, io, { env })).rejects.toThrow(
        `--local and ${flag} name two targets`,
      );
    }
    // Without a conflicting flag the same call reaches the discovery file, and finds none.
    await expect(runRedrive({ local: true, queueUrl: [], max: 1 }, io, { env })).rejects.toThrow(
      'no vmsentry local is serving',
    );
  });
});
