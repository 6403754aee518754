import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sysmonProcessEvents } from '../../scripts/benign-telemetry/generate';
import { SeededRandom } from '../../scripts/benign-telemetry/random';
import { FIXTURES, runCli } from './run-cli';

describe('vmsentry local', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vmsentry-local-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the real handlers on the bundled samples: alerts as e-mail and Slack, the allowlisted host, dedup on replay', async () => {
    // A wide terminal: at the 100 columns of a pipe the summary table cuts rule titles (table-layout.test.ts).
    const { code, stdout, stderr } = await runCli(['local', '--fresh', '--data-dir', dataDir, '--show', '1'], {
      timeoutMs: 55_000,
      env: { COLUMNS: '200' },
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('vmsentry-local-allowlist created, vmsentry-local-state created');
    expect(stdout).toMatch(
      /delivering \d+ records from the bundled samples \(samples\/\): 9 CloudWatch Logs subscription event\(s\), 1 EDR feed SQS event\(s\)/,
    );
    // The alert topic on fauxqs, one queue per subscriber with the stack's filter policies.
    expect(stdout).toContain(
      "one queue per subscriber with the stack's filter policy: email (high and above), " +
        'slack-notifier (medium and above), chatbot (everything), siem (everything)',
    );
    // One alert in full (the most severe first), as each subscriber received it: the SNS e-mail body, the Slack
    // notifier's Block Kit message as text, the Chatbot notification, the SIEM queue's JSON.
    expect(stdout).toMatch(/━━━ alert 1 of \d+ \(critical\) ━━━ e-mail \(SNS email body\) ━━━/);
    expect(stdout).toContain('WHAT RAN');
    expect(stdout).toMatch(/^== CRITICAL: /m);
    expect(stdout).toMatch(/━━━ Chatbot \(Slack via AWS Chatbot\) ━━━\nCRITICAL: .*\[custom notification/);
    expect(stdout).toMatch(/━━━ SIEM queue \(raw alert JSON\) ━━━\n\{"id":"[0-9a-f]+"/);
    expect(stdout).toMatch(/allowlist: \d+ detection\(s\) on host hv-lab-01 suppressed by an allowlist entry/);
    expect(stdout).toMatch(/^RULE +SEVERITY +HOST +ALERTS +EVENTS +SUPPRESSED$/m);
    expect(stdout).toMatch(/hv-lab-01 \(allowlisted\) +0 +0 +[1-9]/);
    expect(stdout).toMatch(/Burst of VM Lifecycle Commands on One Host +critical +fin-ws042/);
    const published = /alerts published: ([1-9]\d*)/.exec(stdout)?.[1];
    // Every alert reaches the unfiltered subscribers; e-mail takes only high and above, so fewer.
    const received =
      /received by subscriber: email (\d+) \(high and above\), slack-notifier (\d+) \(medium and above\), chatbot (\d+) \(everything\), siem (\d+) \(everything\)/.exec(
        stdout,
      );
    expect(received?.slice(3)).toEqual([published, published]);
    expect(Number(received?.[1])).toBeLessThan(Number(published));
    expect(stdout).toMatch(/DynamoDB calls: [1-9]\d* +SNS calls: [1-9]\d*/);
    expect(stdout).toMatch(/replay .*: 0 new alert\(s\), [1-9]\d* detection\(s\) deduplicated/);
  }, 60_000);

  it('delivers user files as CloudWatch payloads, and remembers what it already alerted on between runs', async () => {
    const { code, stdout } = await runCli(
      ['local', '--data-dir', dataDir, '--no-replay', `${FIXTURES}/auditd-qemu.txt`],
      // A wide terminal: at the 100 columns of a pipe the repeat table cuts rule titles (table-layout.test.ts).
      { timeoutMs: 55_000, env: { COLUMNS: '200' } },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('vmsentry-local-allowlist existing, vmsentry-local-state existing');
    expect(stdout).toContain(
      'delivering 7 records from 1 file(s): 1 CloudWatch Logs subscription event(s), 0 EDR feed SQS event(s)',
    );
    // The same QEMU event was alerted on by the first run (samples/linux-auditd.txt): dedup state persisted.
    expect(stdout).toContain('no new alerts');
    expect(stdout).toMatch(/deduplicated: [1-9]/);
    // ... and shows the repeat counts per key the dedup state now holds.
    expect(stdout).toContain('repeats per dedup key, this run and earlier ones');
    expect(stdout).toMatch(/QEMU VM Launched Without a Display +build-01 +2 times/);
    expect(stdout).not.toContain('replay');
  }, 60_000);

  it('--corpus adds every file under a directory (recursively, gzip inflated) to the delivery', async () => {
    const corpus = mkdtempSync(path.join(tmpdir(), 'vmsentry-corpus-'));
    try {
      mkdirSync(path.join(corpus, 'otrf'));
      const benign = sysmonProcessEvents(12, new SeededRandom(3)).map((record) => JSON.stringify(record));
      writeFileSync(path.join(corpus, 'otrf', 'sysmon.jsonl.gz'), gzipSync(`${benign.join('\n')}\n`));
      const { code, stdout } = await runCli(
        ['local', '--data-dir', dataDir, '--no-replay', '--corpus', corpus, `${FIXTURES}/auditd-qemu.txt`],
        { timeoutMs: 55_000 },
      );
      expect(code).toBe(0);
      expect(stdout).toContain(
        `delivering 19 records from 1 file(s) and 1 corpus file(s) from ${corpus}: 2 CloudWatch Logs subscription event(s)`,
      );
      expect(stdout).toMatch(/parse errors: 0/);
    } finally {
      rmSync(corpus, { recursive: true, force: true });
    }
  }, 60_000);

  it('reads a directory argument recursively; --include picks the files; dot-directories are skipped', async () => {
    const logs = mkdtempSync(path.join(tmpdir(), 'vmsentry-logs-'));
    try {
      mkdirSync(path.join(logs, 'linux', 'audit'), { recursive: true });
      mkdirSync(path.join(logs, '.snapshots'));
      const auditd = readFileSync(`${FIXTURES}/auditd-qemu.txt`);
      writeFileSync(path.join(logs, 'linux', 'audit', 'host1.log'), auditd);
      writeFileSync(path.join(logs, 'linux', 'host2.log.gz'), gzipSync(auditd));
      writeFileSync(path.join(logs, 'README.md'), '# not telemetry\n');
      writeFileSync(path.join(logs, '.snapshots', 'old.log'), auditd);
      symlinkSync('..', path.join(logs, 'linux', 'audit', 'loop'));
      const { code, stdout } = await runCli(
        ['local', '--data-dir', dataDir, '--no-replay', logs, '--include', '*.log', '--include', '*.gz'],
        { timeoutMs: 55_000 },
      );
      expect(code).toBe(0);
      expect(stdout).toContain('delivering 14 records from 2 file(s): 2 CloudWatch Logs subscription event(s)');
      expect(stdout).toMatch(/parse errors: 0/);
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  }, 60_000);

  it('a directory with no file matching --include is a usage error (exit 2) naming it and the globs', async () => {
    const { code, stderr, stdout } = await runCli(['local', '--data-dir', dataDir, FIXTURES, '--include', '*.evtx']);
    expect(code).toBe(2);
    expect(stderr).toContain(`vmsentry: ${FIXTURES}: no file in it matches --include '*.evtx'`);
    expect(stdout).not.toContain('delivering');
  });

  it('--corpus names a directory that does not exist: a usage error (exit 2), nothing delivered', async () => {
    const { code, stderr, stdout } = await runCli(['local', '--data-dir', dataDir, '--corpus', '/nonexistent/otrf']);
    expect(code).toBe(2);
    expect(stderr).toContain('--corpus /nonexistent/otrf: ENOENT');
    expect(stdout).not.toContain('delivering');
  });
});
