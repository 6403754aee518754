import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { alertsOf, FIXTURES, runCli } from './run-cli';

const SYSMON = `${FIXTURES}/sysmon-vboxmanage.txt`;
const AUDITD = `${FIXTURES}/auditd-qemu.txt`;
const K8S_ARRAY = `${FIXTURES}/k8s-audit-array.json`;
const CLOUDWATCH = `${FIXTURES}/cloudwatch-eslogger-event.json`;
const ALLOWLIST = `${FIXTURES}/allowlist.jsonl`;
const EXTRA_RULES = `${FIXTURES}/extra-rules`;

type Alert = Record<string, unknown> & {
  title: string;
  severity: string;
  host: string;
  input: Record<string, unknown>;
};

function titles(alerts: readonly Record<string, unknown>[]): string[] {
  return alerts.map((alert) => String(alert['title']));
}

const scratch = mkdtempSync(path.join(tmpdir(), 'vmsentry-scan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function scratchFile(name: string, bytes: string | Buffer): string {
  const full = path.join(scratch, name);
  writeFileSync(full, bytes);
  return full;
}

/** What a detection is, without the file it was read from. */
function detections(stdout: string): unknown[] {
  return (alertsOf(stdout) as Alert[]).map((a) => [a.title, a.severity, a.host, a.input['line']]);
}

describe('vmsentry scan', () => {
  it('finds the expected rules across formats and says where each record sat', async () => {
    const { code, stdout, stderr } = await runCli(['scan', SYSMON, AUDITD, K8S_ARRAY, CLOUDWATCH]);
    expect(code).toBe(0);
    const alerts = alertsOf(stdout) as Alert[];
    const start = alerts.find(
      (a) => a.title === 'VirtualBox VM Started from the Command Line' && a.host.startsWith('fin-ws042'),
    );
    expect(start).toMatchObject({
      severity: 'high',
      technique: expect.arrayContaining(['T1564.006']),
      input: { envelope: 'file', file: SYSMON, line: 3 },
      event: { category: 'process_creation', provenance: { format: 'sysmon-windows' } },
    });
    expect(alerts.find((a) => a.title === 'QEMU VM Launched Without a Display')).toMatchObject({
      host: 'build-01',
      input: { file: AUDITD, line: 1 },
    });
    // A JSON array document: the record is placed by its index in the array.
    expect(alerts.find((a) => a.title === 'Privileged Container or Pod Launched')).toMatchObject({
      severity: 'critical',
      input: { file: K8S_ARRAY, index: 1 },
    });
    // A saved CloudWatch subscription event: log group, stream and index inside the payload.
    expect(alerts.find((a) => a.title === 'Lima VM Created or Started With limactl')).toMatchObject({
      host: 'mbp-dev-17',
      input: { logGroup: '/vmsentry/macos/eslogger', logStream: 'mbp-dev-17', index: 1 },
    });
    expect(stderr).toContain('records read: 19');
    expect(stderr).toMatch(/events: 11 \(/);
    expect(stderr).toContain(
      `${SYSMON}:6: [unknown] no parser recognised the record (starts "this line is not telemetry")`,
    );
    expect(stderr).toContain('suppressed by allowlist: 0');
  });

  it('reads stdin when the path is -', async () => {
    const { code, stdout } = await runCli(['scan', '-'], { input: readFileSync(AUDITD, 'utf8') });
    expect(code).toBe(0);
    const alerts = alertsOf(stdout) as Alert[];
    expect(titles(alerts)).toContain('QEMU VM Launched Without a Display');
    expect(alerts[0]?.input).toMatchObject({ envelope: 'stdin', line: 1 });
  });

  it('prints each alert as the published vmsentry.alert.v1, with id, dedup and suppression', async () => {
    const { stdout } = await runCli(['scan', AUDITD]);
    const [first] = alertsOf(stdout) as Alert[];
    expect(first).toMatchObject({
      schema: 'vmsentry.alert.v1',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      dedup: { count: 1, windowSeconds: 3600 },
      suppression: { cli: expect.stringContaining('vmsentry allowlist add --host') },
    });
  });

  it('--output ocsf prints one OCSF Detection Finding per alert; --output table is --table', async () => {
    const ocsf = await runCli(['scan', '--output', 'ocsf', AUDITD]);
    const ndjson = await runCli(['scan', AUDITD]);
    const findings = alertsOf(ocsf.stdout);
    expect(findings).toHaveLength(alertsOf(ndjson.stdout).length);
    expect(findings[0]).toMatchObject({ class_uid: 2004, class_name: 'Detection Finding' });
    const table = await runCli(['scan', '--output', 'table', AUDITD]);
    expect(table.stdout).toBe((await runCli(['scan', '--table', AUDITD])).stdout);
    expect(table.stdout).toMatch(/^SEVERITY/);
    const bad = await runCli(['scan', '--output', 'xml', AUDITD]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('one of: ndjson, table, ocsf');
  });

  it('--fail-on SEVERITY exits 1 when an alert at or above it is reported, 0 otherwise; without it findings exit 0', async () => {
    expect((await runCli(['scan', AUDITD])).code).toBe(0);
    const failing = await runCli(['scan', '--fail-on', 'high', AUDITD]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/--fail-on high: \d+ alert\(s\) at or above it/);
    // Nothing in an empty input: the same flag passes.
    expect((await runCli(['scan', '--fail-on', 'low', scratchFile('empty.log', '')])).code).toBe(0);
  });

  it('--input-format names the input; --format still works for now and says it is deprecated', async () => {
    const right = await runCli(['scan', '--input-format', 'sysmon-windows', SYSMON]);
    expect(titles(alertsOf(right.stdout))).toContain('VirtualBox VM Started from the Command Line');
    expect(right.stderr).not.toContain('deprecated');
    const old = await runCli(['scan', '--format', 'sysmon-windows', SYSMON]);
    expect(titles(alertsOf(old.stdout))).toEqual(titles(alertsOf(right.stdout)));
    expect(old.stderr).toContain('--format is deprecated: use --input-format');
    expect((await runCli(['scan', '--help'])).stdout).toContain('--input-format <name>');
  });

  it('with --format parses every record as that format only', async () => {
    const forced = await runCli(['scan', '--format', 'auditd', SYSMON]);
    // Not one record was auditd: the scan says so and exits 2 rather than reporting a clean 0.
    expect(forced.code).toBe(2);
    expect(alertsOf(forced.stdout)).toEqual([]);
    expect(forced.stderr).toContain('record is not auditd');
    const right = await runCli(['scan', '--format', 'sysmon-windows', SYSMON]);
    expect(titles(alertsOf(right.stdout))).toContain('VirtualBox VM Started from the Command Line');
  });

  it('with --allowlist suppresses the listed host, ignores the expired entry and reports the malformed line', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--allowlist', ALLOWLIST, SYSMON, AUDITD]);
    expect(code).toBe(0);
    const alerts = alertsOf(stdout) as Alert[];
    expect(alerts.some((a) => a.host.startsWith('fin-ws042'))).toBe(false);
    // build-01's entry expired in 2023: its alerts still print.
    expect(alerts.filter((a) => a.host === 'build-01').length).toBeGreaterThan(0);
    expect(stderr).toMatch(/allowlist .*allowlist\.jsonl:4: not valid JSON \(entry ignored\)/);
    expect(stderr).toMatch(/suppressed by allowlist: \d+ \(fin-ws042=\d+\)/);
    expect(stderr).toContain('expired allowlist entries ignored: 1');
  });

  it('prints only alerts at or above --min-severity', async () => {
    const { stdout } = await runCli(['scan', '--min-severity', 'critical', AUDITD]);
    const alerts = alertsOf(stdout) as Alert[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.severity))).toEqual(new Set(['critical']));
  });

  it('runs extra --rules, reporting a rule that cannot load with its file and reason and skipping it', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--rules', EXTRA_RULES, AUDITD]);
    expect(code).toBe(0);
    expect(titles(alertsOf(stdout))).toContain('Extra Rule - Any QEMU System Emulator');
    expect(stderr).toMatch(/rule not loaded: .*extra-rules\/broken-modifier\.yml .*unknown modifier 'sounds_like'/);
  });

  it('with --strict exits 2 when a rule cannot load, before scanning', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--strict', '--rules', EXTRA_RULES, AUDITD]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--strict: 1 rule(s) could not be loaded');
  });

  it('with --no-builtin runs only the --rules directories', async () => {
    const { stdout } = await runCli(['scan', '--no-builtin', '--rules', EXTRA_RULES, AUDITD]);
    expect(titles(alertsOf(stdout))).toEqual(['Extra Rule - Any QEMU System Emulator']);
  });

  it('exits 2 with a clear message for an unreadable file, and prints nothing on stdout', async () => {
    const missing = await runCli(['scan', AUDITD, 'no/such/file.log']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('vmsentry: cannot read no/such/file.log: ENOENT');
  });

  describe('a directory argument', () => {
    /** tree/: a nested .jsonl, a .gz, a file that is not a log, a dot-directory, and a link back to the root. */
    function tree(): string {
      const root = path.join(scratch, 'tree');
      mkdirSync(path.join(root, 'hosts', 'b'), { recursive: true });
      mkdirSync(path.join(root, '.cache'), { recursive: true });
      const sysmon = readFileSync(SYSMON);
      writeFileSync(path.join(root, 'hosts', 'b', 'sysmon.jsonl'), sysmon);
      writeFileSync(path.join(root, 'hosts', 'a.jsonl.gz'), gzipSync(sysmon));
      writeFileSync(path.join(root, 'auditd.log'), readFileSync(AUDITD));
      writeFileSync(path.join(root, '.cache', 'old.jsonl'), sysmon);
      symlinkSync('..', path.join(root, 'hosts', 'b', 'loop'));
      return root;
    }
    let root: string;
    beforeAll(() => {
      root = tree();
    });

    const filesOf = (stdout: string): string[] => [
      ...new Set((alertsOf(stdout) as Alert[]).map((alert) => String(alert.input['file']))),
    ];

    it('is read recursively, in sorted order, dot-directories skipped, a link loop not followed', async () => {
      const { code, stdout } = await runCli(['scan', root]);
      expect(code).toBe(0);
      expect(filesOf(stdout)).toEqual([
        path.join(root, 'auditd.log'),
        path.join(root, 'hosts', 'a.jsonl.gz'),
        path.join(root, 'hosts', 'b', 'sysmon.jsonl'),
      ]);
    });

    it('--include keeps the files whose relative path matches any of the globs', async () => {
      const { code, stdout } = await runCli(['scan', root, '--include', '**/*.jsonl', '--include', '*.gz']);
      expect(code).toBe(0);
      expect(filesOf(stdout)).toEqual([
        path.join(root, 'hosts', 'a.jsonl.gz'),
        path.join(root, 'hosts', 'b', 'sysmon.jsonl'),
      ]);
      const plain = await runCli(['scan', root, '--include', 'hosts/*/*.jsonl']);
      expect(filesOf(plain.stdout)).toEqual([path.join(root, 'hosts', 'b', 'sysmon.jsonl')]);
    });

    it('with no matching file is a usage error (exit 2) naming the directory and the globs', async () => {
      const { code, stdout, stderr } = await runCli(['scan', root, '--include', '*.evtx']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`vmsentry: ${root}: no file in it matches --include '*.evtx'`);
    });
  });

  it('exits 2 with a clear message for a bad flag or flag value', async () => {
    const flag = await runCli(['scan', '--frobnicate', AUDITD]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frobnicate'");
    const level = await runCli(['scan', '--min-severity', 'severe', AUDITD]);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('not a severity; one of: informational, low, medium, high, critical');
  });

  it('with --table prints a table for humans instead of JSON lines', async () => {
    const { code, stdout } = await runCli(['scan', '--table', AUDITD]);
    expect(code).toBe(0);
    const [header, , first] = stdout.split('\n');
    expect(header).toMatch(/^SEVERITY +RULE +HOST +INPUT +WHAT$/);
    expect(first).toContain(`${AUDITD}:1`);
    expect(() => JSON.parse(first ?? '')).toThrow();
  });

  it('reads a gzip file (multi-member too) and finds exactly what the plain file gives', async () => {
    const sysmon = readFileSync(SYSMON);
    const auditd = readFileSync(AUDITD);
    const plain = await runCli(['scan', SYSMON, AUDITD]);
    const zipped = scratchFile('logs.jsonl.gz', Buffer.concat([gzipSync(sysmon), gzipSync(auditd)]));
    const both = await runCli(['scan', zipped]);
    const plainBoth = await runCli(['scan', scratchFile('logs.txt', Buffer.concat([sysmon, auditd]))]);
    expect(both.code).toBe(0);
    expect(detections(both.stdout).length).toBeGreaterThan(0);
    expect(detections(both.stdout)).toEqual(detections(plainBoth.stdout));
    expect(new Set(titles(alertsOf(both.stdout)))).toEqual(new Set(titles(alertsOf(plain.stdout))));
    // The same one unrecognised line as in the plain file, not gzip bytes read as text.
    expect(both.stderr.match(/\[unknown\]/g)).toEqual(plainBoth.stderr.match(/\[unknown\]/g));
    expect(both.stderr.match(/\[unknown\]/g)).toHaveLength(1);
  });

  it('reads gzip on stdin', async () => {
    const { code, stdout } = await runCli(['scan', '-'], { input: gzipSync(readFileSync(AUDITD)) });
    expect(code).toBe(0);
    expect(detections(stdout)).toEqual(
      detections((await runCli(['scan', '-'], { input: readFileSync(AUDITD) })).stdout),
    );
    expect(titles(alertsOf(stdout))).toContain('QEMU VM Launched Without a Display');
  });

  it('exits 2 with one line naming a binary file, and still scans the other inputs', async () => {
    const binary = scratchFile('core.bin', gzipSync(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x00, 0x0a, 0x41])));
    const { code, stdout, stderr } = await runCli(['scan', binary, AUDITD]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `vmsentry: cannot scan ${binary}: binary data, not log text (NUL byte at byte 4 after gunzip)`,
    );
    expect(titles(alertsOf(stdout))).toContain('QEMU VM Launched Without a Display');
  });

  it('names the JSON syntax error and its column for a broken JSON line, and goes on', async () => {
    const mixed = scratchFile('mixed.txt', `${readFileSync(AUDITD, 'utf8')}{"EventID": 1, "Image": }\n`);
    const { code, stdout, stderr } = await runCli(['scan', mixed]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      `${mixed}:8: [unknown] invalid JSON at line 1 column 25: Unexpected token '}', ..." "Image": }" is not valid JSON`,
    );
    expect(titles(alertsOf(stdout))).toContain('QEMU VM Launched Without a Display');
  });

  it('exits 2 with one line naming a file in which no record at all was recognised', async () => {
    const prose = scratchFile('notes.txt', 'dear diary\ntoday nothing happened\n');
    const { code, stdout, stderr } = await runCli(['scan', prose]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`vmsentry: cannot scan ${prose}: no parser recognised any of its 2 records`);
  });

  it('an empty file is not an error: nothing to recognise, exit 0', async () => {
    const { code, stderr } = await runCli(['scan', scratchFile('empty.log', '')]);
    expect(code).toBe(0);
    expect(stderr).toContain('records read: 0');
    expect(stderr).not.toContain('cannot scan');
  });

  it('a gzip file that does not inflate is unreadable input: exit 2 naming the file', async () => {
    const broken = scratchFile(
      'broken.gz',
      Buffer.concat([gzipSync(readFileSync(AUDITD)).subarray(0, 40), Buffer.from('junk')]),
    );
    const { code, stderr } = await runCli(['scan', broken]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken}`);
    expect(stderr).toContain('not valid gzip');
  });
});
