import { auditExecLines } from '../auditd';
import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';

/** A hand-started QEMU guest with no display, seen by auditd's execve rule. */
export const qemuHeadless: Scenario = {
  id: 'qemu-headless',
  title: 'QEMU headless VM launch (auditd execve)',
  commands: ['qemu-system-x86_64 -name <marker> -m 512 -nographic -drive file=/var/tmp/<marker>.qcow2'],
  expectedRules: ['9a08ac1f-b512-4422-87b6-59d5bc397528'], // qemu_headless_vm_launch
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const lines = auditExecLines({
      node: host,
      timeMs: nowMs,
      serial: nowMs % 100_000_000,
      exe: '/usr/bin/qemu-system-x86_64',
      argv: [
        'qemu-system-x86_64',
        '-name',
        marker,
        '-m',
        '512',
        '-nographic',
        '-drive',
        `file=/var/tmp/${marker}.qcow2`,
      ],
      cwd: '/home/vmsentry-validate',
      uid: 1000,
      auid: 1000,
      pid: 42_100,
      ppid: 42_000,
      key: 'vmsentry-exec',
    });
    return lines.map((message) => ({ format: 'auditd', message, timestampMs: nowMs }));
  },
};
