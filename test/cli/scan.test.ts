import { readFileSync } from 'node:fs';
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
    expect(stderr).toContain(`${SYSMON}:6: [unknown] no parser recognised the record`);
    expect(stderr).toContain('suppressed by allowlist: 0');
  });

  it('reads stdin when the path is -', async () => {
    const { code, stdout } = await runCli(['scan', '-'], { input: readFileSync(AUDITD, 'utf8') });
    expect(code).toBe(0);
    const alerts = alertsOf(stdout) as Alert[];
    expect(titles(alerts)).toContain('QEMU VM Launched Without a Display');
    expect(alerts[0]?.input).toMatchObject({ envelope: 'stdin', line: 1 });
  });

  it('with --format parses every record as that format only', async () => {
    const forced = await runCli(['scan', '--format', 'auditd', SYSMON]);
    expect(forced.code).toBe(0);
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
    const directory = await runCli(['scan', FIXTURES]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('it is a directory');
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
});
