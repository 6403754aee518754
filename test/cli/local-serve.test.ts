/**
 * `vmsentry local --serve` and `--local`: the suppress command an alert prints in local mode works as printed, run
 * through a shell against the served instance, and the next run suppresses that alert while the others still fire.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { emulatorClients } from '../../bin/local/emulator';
import { cloudWatchDeliveries } from '../../bin/local/scenario';
import { LOCAL_SUBSCRIBERS, receivedBodies } from '../../bin/local/subscribers';
import { type CliResult, FIXTURES, REPO, runCli, runProcess } from './run-cli';

const INPUTS = [path.join(REPO, FIXTURES, 'auditd-qemu.txt'), path.join(REPO, FIXTURES, 'sysmon-vboxmanage.txt')];

/** A pid that is certainly gone: a process that already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('exit', () => resolve(child.pid as number));
  });
}

/** Run a command line through /bin/sh exactly as printed; `npx vmsentry` resolves to this repository's CLI. */
function runShell(commandLine: string, cwd: string, shimDir: string): Promise<CliResult> {
  return runProcess('/bin/sh', ['-c', commandLine], {
    cwd,
    env: { PATH: `${shimDir}${path.delimiter}${process.env['PATH'] ?? ''}` },
  });
}

/** Two consecutive free loopback ports (for --port N: DynamoDB on N, the emulator on N+1). */
async function freePortPair(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await free(port)) && (await free(port + 1))) return port;
  }
  throw new Error('no two consecutive free ports');
}

/** The local addresses (hex, as /proc/net/tcp* shows them) with a listening socket on this port. */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
    .map((fields) => (fields[1] as string).split(':')[0] as string);
}

describe('vmsentry local --serve and --local', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vmsentry-serve-'));
  const dataDir = path.join(work, 'db');
  const stateFile = path.join(work, '.vmsentry', 'local.json');
  const shimDir = path.join(work, 'bin');
  let server: ChildProcessWithoutNullStreams | undefined;
  let serverOut = '';
  let serverExit: Promise<number | null> | undefined;

  beforeAll(() => {
    mkdirSync(shimDir);
    // `npx vmsentry ...` as a checkout runs it: this repository's bin/vmsentry.cjs.
    writeFileSync(
      path.join(shimDir, 'npx'),
      `#!/bin/sh\n[ "$1" = vmsentry ] || exit 127\nshift\nexec "${process.execPath}" "${path.join(REPO, 'bin', 'vmsentry.cjs')}" "$@"\n`,
    );
    chmodSync(path.join(shimDir, 'npx'), 0o755);
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('without a served instance, --local exits 2 with one line saying to run npx vmsentry local --serve', async () => {
    const commands = [['allowlist', 'list'], ['redrive'], ['validate', '--scenario', 'qemu-headless']];
    const results = await Promise.all(commands.map((command) => runCli([...command, '--local'], { cwd: work })));
    for (const missing of results) {
      expect(missing.code).toBe(2);
      expect(missing.stdout).toBe('');
      expect(missing.stderr.trim().split('\n')).toEqual([
        `vmsentry: --local: no vmsentry local is serving (no ${stateFile}): run \`npx vmsentry local --serve\` first`,
      ]);
    }
  }, 45_000);

  it('a discovery file left by a killed server is reported as stale in one line (exit 2)', async () => {
    mkdirSync(path.dirname(stateFile), { recursive: true });
    const pid = await deadPid();
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 1,
        pid,
        startedAt: new Date().toISOString(),
        region: 'us-east-1',
        dynamodbEndpoint: 'http://127.0.0.1:9',
        emulatorEndpoint: 'http://127.0.0.1:9',
        tables: { allowlist: 'a', state: 's' },
        topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
        queues: {},
        dataDir,
      }),
    );
    const stale = await runCli(['allowlist', 'add', '--local', '--host', 'h', '--rule', 'r'], { cwd: work });
    expect(stale.code).toBe(2);
    expect(stale.stderr.trim().split('\n')).toEqual([
      `vmsentry: --local: ${stateFile} is stale, its server (pid ${pid}) is gone: run \`npx vmsentry local --serve\` first`,
    ]);
  }, 30_000);

  it('serves the run’s state; the printed suppress command works as printed; the next run suppresses that alert only', async () => {
    // The stale file of the previous test is still there: the server reports and replaces it.
    const port = await freePortPair();
    server = spawn(
      process.execPath,
      [
        path.join(REPO, 'bin', 'vmsentry.cjs'),
        'local',
        '--serve',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--show',
        '20',
        '--no-replay',
        ...INPUTS,
      ],
      { cwd: work, env: { ...process.env, FORCE_COLOR: '0' } },
    );
    const running = server;
    serverExit = new Promise((resolve) => running.on('exit', (code) => resolve(code)));
    running.stdout.setEncoding('utf8').on('data', (text: string) => {
      serverOut += text;
    });
    let serverErr = '';
    running.stderr.setEncoding('utf8').on('data', (text: string) => {
      serverErr += text;
    });
    const deadline = Date.now() + 60_000;
    while (
      !serverOut.includes('export VMSENTRY_ALERT_TOPIC_ARN=') &&
      running.exitCode === null &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serverErr).toBe('');
    expect(serverOut).toMatch(/^replacing stale .*local\.json: its server \(pid \d+\) is gone$/m);
    expect(serverOut).toMatch(/^serving local mode \(pid \d+\) until Ctrl-C or SIGTERM/m);
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state.pid).toBe(running.pid);
    // --port N: DynamoDB on N, SNS/SQS/S3 on N+1, both listening on loopback only (IPv4 127.0.0.1).
    expect(state.dynamodbEndpoint).toBe(`http://127.0.0.1:${port}`);
    expect(state.emulatorEndpoint).toBe(`http://127.0.0.1:${port + 1}`);
    if (existsSync('/proc/net/tcp')) {
      expect(listenersOn(port)).toEqual(['0100007F']);
      expect(listenersOn(port + 1)).toEqual(['0100007F']);
    }
    expect(serverOut).toContain(`  export VMSENTRY_ENDPOINT=${state.dynamodbEndpoint}\n`);
    expect(serverOut).toContain(`  export AWS_ENDPOINT_URL_SQS=${state.emulatorEndpoint}\n`);
    expect(serverOut).toContain('  export VMSENTRY_ALLOWLIST_TABLE=vmsentry-local-allowlist\n');
    expect(serverOut).toContain(`  export VMSENTRY_ALERT_TOPIC_ARN=${state.topicArn}\n`);

    // The e-mail's "With the CLI" suppress commands; every one targets the local instance, none the bare CLI.
    const commands = serverOut.split('\n').filter((line) => /^ {4}(npx )?vmsentry allowlist add /.test(line));
    const published = Number(/alerts published: (\d+)/.exec(serverOut)?.[1]);
    expect(published).toBeGreaterThan(1);
    expect(commands.length).toBeGreaterThan(1);
    for (const command of commands) expect(command).toMatch(/^ {4}npx vmsentry allowlist add --local --host /);
    expect(serverOut).not.toMatch(/aws dynamodb put-item --table-name/);
    expect(serverOut).toContain(`aws dynamodb put-item --endpoint-url '${state.dynamodbEndpoint}' --table-name`);
    const firstRun = /matches: (\d+)/.exec(serverOut);

    const printed = (commands[0] as string).trim();
    const alertId = /\(alert ([0-9a-f]+)\)/.exec(printed)?.[1];
    const host = /--host '([^']+)'/.exec(printed)?.[1];
    const added = await runShell(printed, work, shimDir);
    expect(added.stderr).toMatch(/^pinned to log stream local-file$/m);
    expect(added.stdout).toMatch(/^added \S+ [0-9a-f]+$/m);
    expect(added.code).toBe(0);

    // validate --local: a scenario's telemetry through the real handler, its alert awaited on the served SIEM queue.
    const validated = await runCli(['validate', '--local', '--scenario', 'qemu-headless', '--timeout', '30'], {
      cwd: work,
      timeoutMs: 45_000,
    });
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toMatch(/^qemu-headless +PASS /m);
    expect(validated.code).toBe(0);

    // redrive --local: what the served failure queue holds is replayed into the served tables and topic.
    const clients = emulatorClients(state.emulatorEndpoint);
    const failed = readFileSync(INPUTS[0] as string, 'utf8').replaceAll('node=build-01', 'node=redrive-host-01');
    const [delivery] = cloudWatchDeliveries(
      failed.split('\n').filter((line) => line !== ''),
      { logGroup: '/vmsentry/linux/audit', logStream: 'i-0123456789abcdef0' },
      Date.now(),
    );
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: state.queues['vmsentry-local-failures'],
        MessageBody: JSON.stringify(delivery?.event),
      }),
    );
    const redriven = await runCli(['redrive', '--local'], { cwd: work });
    expect(redriven.stdout).toMatch(/^replayed +cloudwatch /m);
    expect(redriven.stderr).toContain('1 replayed and deleted, 0 failed, 0 skipped');
    expect(redriven.code).toBe(0);
    const subscriber = LOCAL_SUBSCRIBERS.find((candidate) => candidate.name === 'siem')!;
    const siem = await receivedBodies(clients.sqs, { subscriber, queue: { url: state.queues.siem, arn: '' } });
    expect(siem.map((body) => JSON.parse(body).host)).toContain('redrive-host-01');
    for (const client of Object.values(clients)) client.destroy();

    // A second server on the same discovery file is refused while this one lives.
    const second = await runCli(['local', '--serve', '--data-dir', path.join(work, 'other')], { cwd: work });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`another vmsentry local --serve is running (pid ${running.pid}, ${stateFile})`);

    running.kill('SIGINT');
    expect(await serverExit).toBe(0);
    expect(serverOut).toContain(`stopped serving: ${stateFile} removed`);
    expect(existsSync(stateFile)).toBe(false);

    // The next run on the same data: the entry suppresses that alert's detections; the others still fire (they are
    // deduplicated against the first run's alerts, not suppressed).
    const next = await runCli(['local', '--data-dir', dataDir, '--no-replay', ...INPUTS], {
      cwd: work,
      timeoutMs: 55_000,
    });
    expect(next.code).toBe(0);
    const suppressed = new RegExp(
      `^allowlist: (\\d+) detection\\(s\\) on host ${host} suppressed by an entry \\(owner REPLACE_WITH_YOUR_NAME: "Expected activity: replace with why \\(alert ${alertId}\\)"\\)$`,
      'm',
    ).exec(next.stdout);
    expect(suppressed).not.toBeNull();
    const counts = /matches: (\d+) +suppressed: (\d+) +deduplicated: (\d+) +alerts published: 0/.exec(next.stdout);
    expect(counts?.[1]).toBe(firstRun?.[1]);
    expect(counts?.[2]).toBe(suppressed?.[1]);
    expect(Number(counts?.[3])).toBeGreaterThan(0);
    expect(Number(counts?.[2]) + Number(counts?.[3])).toBe(Number(counts?.[1]));
  }, 120_000);
});
