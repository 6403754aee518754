import path from 'node:path';
import { loadRuleDirectory, RuleSet } from '../../lib/rules';
import { parseRecords } from '../../lib/sources';
import { auditExecLines, recordInputsOf, SCENARIOS, type Scenario, type TelemetryRecord } from '../../lib/validate';

const ruleSet = RuleSet.from(loadRuleDirectory(path.join(__dirname, '..', '..', 'rules')).rules);
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const MARKER = 'vmsentry-validate-1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const HOST = 'VALIDATE-01.corp.example.com';

function rulesRaisedBy(records: readonly TelemetryRecord[]): {
  ruleIds: Set<string>;
  markerInEvents: boolean;
  errors: number;
} {
  const batch = parseRecords(
    recordInputsOf(records, (record) => `/validate/${record.format}`, 'vmsentry-validate-2026-11-27'),
  );
  const detections = batch.events.flatMap((event) => ruleSet.match(event));
  return {
    ruleIds: new Set(detections.map((detection) => detection.rule.id)),
    markerInEvents:
      detections.length > 0 && detections.every((detection) => JSON.stringify(detection.event).includes(MARKER)),
    errors: batch.errors.length,
  };
}

describe('validation scenarios (parsed by lib/sources, matched by the real rule pack)', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.id, scenario] as const))(
    '%s: its telemetry parses without errors and raises every expected rule, with the marker in the events',
    (_id, scenario: Scenario) => {
      const records = scenario.build({ marker: MARKER, nowMs: NOW, host: HOST });
      const raised = rulesRaisedBy(records);
      expect(raised.errors).toBe(0);
      for (const ruleId of scenario.expectedRules) expect(raised.ruleIds).toContain(ruleId);
      expect(raised.markerInEvents).toBe(true);
    },
  );

  it.each(SCENARIOS.map((scenario) => [scenario.id, scenario] as const))(
    '%s: every record carries the marker, so the alert can be told apart from real activity',
    (_id, scenario: Scenario) => {
      const records = scenario.build({ marker: MARKER, nowMs: NOW, host: HOST });
      expect(records.length).toBeGreaterThan(0);
      for (const record of records.filter((item) => item.format !== 'auditd')) expect(record.message).toContain(MARKER);
      // auditd splits one exec over several lines; the EXECVE line carries the argument with the marker.
      const audit = records.filter((record) => record.format === 'auditd');
      if (audit.length > 0) expect(audit.some((record) => record.message.includes(MARKER))).toBe(true);
    },
  );

  it('scenario ids are unique and each names at least one expected rule', () => {
    const ids = SCENARIOS.map((scenario) => scenario.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const scenario of SCENARIOS) expect(scenario.expectedRules.length).toBeGreaterThan(0);
  });

  it('a QEMU guest started with a display does not raise the headless rule (the scenario is what makes it fire)', () => {
    const lines = auditExecLines({
      node: HOST,
      timeMs: NOW,
      serial: 7,
      exe: '/usr/bin/qemu-system-x86_64',
      argv: ['qemu-system-x86_64', '-name', MARKER, '-m', '4096', '-display', 'gtk'],
      cwd: '/home/dev',
      uid: 1000,
      auid: 1000,
      pid: 10,
      ppid: 9,
    });
    const raised = rulesRaisedBy(lines.map((message) => ({ format: 'auditd', message, timestampMs: NOW })));
    expect(raised.errors).toBe(0);
    expect(raised.ruleIds).not.toContain('9a08ac1f-b512-4422-87b6-59d5bc397528');
  });

  it('docker run without --privileged does not raise the privileged-run rule', () => {
    const lines = auditExecLines({
      node: HOST,
      timeMs: NOW,
      serial: 8,
      exe: '/usr/bin/docker',
      argv: ['docker', 'run', '--name', MARKER, '-d', 'alpine:3.19', 'sleep', '300'],
      cwd: '/root',
      uid: 0,
      auid: 1000,
      pid: 11,
      ppid: 9,
    });
    const raised = rulesRaisedBy(lines.map((message) => ({ format: 'auditd', message, timestampMs: NOW })));
    expect(raised.ruleIds).not.toContain('755c2974-53ee-4338-9049-af7fa14f7f25');
  });

  it('auditd values with spaces are hex-encoded as auditd does, and still parse to the same command line', () => {
    const lines = auditExecLines({
      node: HOST,
      timeMs: NOW,
      serial: 9,
      exe: '/usr/bin/qemu-system-x86_64',
      argv: ['qemu-system-x86_64', '-name', 'two words', '-nographic'],
      cwd: '/tmp/a b',
      uid: 0,
      auid: 0,
      pid: 12,
      ppid: 1,
    });
    expect(lines[1]).toContain(`a2=${Buffer.from('two words').toString('hex').toUpperCase()}`);
    const batch = parseRecords(
      recordInputsOf(
        lines.map((message) => ({ format: 'auditd' as const, message, timestampMs: NOW })),
        () => '/a',
        's',
      ),
    );
    expect(batch.events[0]?.fields.CommandLine).toContain('two words');
  });
});
