import { auditExecLines } from '../auditd';
import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';

/** `docker run --privileged` seen by auditd's execve rule on the Docker host. */
export const privilegedContainer: Scenario = {
  id: 'privileged-container',
  title: 'Privileged container: docker run --privileged (auditd execve)',
  commands: ['docker run --privileged --name <marker> -d alpine:3.19 sleep 300'],
  expectedRules: ['755c2974-53ee-4338-9049-af7fa14f7f25'], // container_cli_privileged_run
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const lines = auditExecLines({
      node: host,
      timeMs: nowMs,
      serial: (nowMs % 100_000_000) + 1,
      exe: '/usr/bin/docker',
      argv: ['docker', 'run', '--privileged', '--name', marker, '-d', 'alpine:3.19', 'sleep', '300'],
      cwd: '/home/vmsentry-validate',
      uid: 0,
      auid: 1000,
      pid: 42_200,
      ppid: 42_000,
      key: 'vmsentry-exec',
    });
    return lines.map((message) => ({ format: 'auditd', message, timestampMs: nowMs }));
  },
};
