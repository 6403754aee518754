import { falcoParser } from '../../../lib/sources/containers/falco';
import { errorOf, fixture, onlyEventOf, recordOf } from './support';

const FALCO_GROUP = '/falco/alerts';
const FALCO_STREAM = 'falcosidekick';
const parse = (value: unknown, options: Parameters<typeof recordOf>[1] = {}) =>
  falcoParser.create().parse(recordOf(value, { logGroup: FALCO_GROUP, logStream: FALCO_STREAM, ...options }));

describe('falcoParser', () => {
  describe('sniffing', () => {
    it('recognises a json_output alert', () => {
      expect(falcoParser.create().sniff(recordOf(fixture('falco-launch-privileged-container.json')))).toBe(true);
    });

    it('ignores objects missing rule, priority, output, or both output_fields and time', () => {
      const parser = falcoParser.create();
      const alert = fixture('falco-launch-privileged-container.json');
      delete alert['output_fields'];
      delete alert['time'];
      expect(parser.sniff(recordOf(alert))).toBe(false);
      expect(parser.sniff(recordOf({ rule: 'x', priority: 'Warning', time: '2026-01-01T00:00:00Z' }))).toBe(false);
      expect(parser.sniff(recordOf(fixture('k8s-pods-exec.json')))).toBe(false);
    });
  });

  describe('"Launch Privileged Container"', () => {
    const event = onlyEventOf(parse(fixture('falco-launch-privileged-container.json')));

    it('is a container launch on a Kubernetes node, keyed by the hostname Falco reports', () => {
      expect(event.category).toBe('container_launch');
      expect(event.platform).toBe('kubernetes');
      expect(event.host).toEqual({ hostname: 'ip-10-0-1-23.ec2.internal', logStream: FALCO_STREAM });
      expect(event.time).toBe('2026-11-20T10:25:02.154Z');
      expect(event.provenance.recordId).toBe('e3b0c442-98fc-41c4-9afb-f4c8996fb924');
    });

    it('carries the rule, the container and its host mounts', () => {
      expect(event.fields).toMatchObject({
        FalcoRule: 'Launch Privileged Container',
        FalcoPriority: 'Warning',
        Privileged: true,
        HostPathMounts: ['/', '/var/lib/kubelet/pods/0f0c8a0e/volumes/kubernetes.io~projected/kube-api-access-x1'],
        ContainerImage: 'docker.io/library/alpine:3.19',
        ContainerId: '5a9c3e1f0b2d',
        ContainerName: 'k8s_shell_escape_default_0f0c8a0e_0',
        PodName: 'escape',
        Namespace: 'default',
        CommandLine: 'container:5a9c3e1f0b2d',
        User: 'root',
      });
      expect(event.fields.Message).toMatch(/^10:25:02\.154387211: Warning Privileged container started/);
    });
  });

  describe('a generic rule on a host process', () => {
    const event = onlyEventOf(parse(fixture('falco-terminal-shell-host.json')));

    it('is carried through as an alert on a Linux host', () => {
      expect(event.category).toBe('alert');
      expect(event.platform).toBe('linux');
      expect(event.host.hostname).toBe('build-runner-02');
    });

    it('reports the process, and no container for Falco\'s "host" and "<NA>" placeholders', () => {
      expect(event.fields).toMatchObject({
        FalcoRule: 'Terminal shell in container',
        Image: '/usr/bin/bash',
        ParentImage: 'runc',
        CommandLine: 'bash',
        User: 'root',
      });
      expect(event.fields.ContainerId).toBeUndefined();
      expect(event.fields.ContainerName).toBeUndefined();
      expect(event.fields.ContainerImage).toBeUndefined();
      expect(event.fields.Privileged).toBeUndefined();
    });
  });

  describe('a k8s_audit alert "Create Privileged Pod"', () => {
    const event = onlyEventOf(parse(fixture('falco-create-privileged-pod-k8s-audit.json')));

    it('is a Kubernetes container launch read from the ka.* fields', () => {
      expect(event.category).toBe('container_launch');
      expect(event.platform).toBe('kubernetes');
      expect(event.fields).toMatchObject({
        Privileged: true,
        HostPathMounts: ['/'],
        ContainerImage: 'busybox',
        PodName: 'node-debugger-x',
        Namespace: 'default',
        Actor: 'kubernetes-admin',
      });
    });

    it('has no hostname of its own, so only the log stream identifies the source', () => {
      expect(event.host).toEqual({ logStream: FALCO_STREAM });
    });
  });

  describe('platform', () => {
    it('is aws for alerts of the CloudTrail plugin and kubernetes for k8s_audit alerts without pod fields', () => {
      const cloud = fixture('falco-terminal-shell-host.json');
      cloud['rule'] = 'Console Login Without MFA';
      cloud['source'] = 'aws_cloudtrail';
      cloud['output_fields'] = { 'ct.user': 'mallory' };
      expect(onlyEventOf(parse(cloud)).platform).toBe('aws');
      const audit = fixture('falco-create-privileged-pod-k8s-audit.json');
      audit['output_fields'] = { 'ka.user.name': 'x' };
      expect(onlyEventOf(parse(audit)).platform).toBe('kubernetes');
    });
  });

  describe('what a launch rule implies', () => {
    it('marks "Launch Privileged Container" privileged when the alert does not carry container.privileged', () => {
      const alert = fixture('falco-launch-privileged-container.json');
      delete (alert['output_fields'] as Record<string, unknown>)['container.privileged'];
      expect(onlyEventOf(parse(alert)).fields.Privileged).toBe(true);
    });

    it('does not mark a sensitive-mount launch privileged', () => {
      const alert = fixture('falco-launch-privileged-container.json');
      alert['rule'] = 'Launch Sensitive Mount Container';
      delete (alert['output_fields'] as Record<string, unknown>)['container.privileged'];
      const event = onlyEventOf(parse(alert));
      expect(event.category).toBe('container_launch');
      expect(event.fields.Privileged).toBeUndefined();
      expect(event.fields.HostPathMounts).toContain('/');
    });

    it('reads indexed container.mount.source fields', () => {
      const alert = fixture('falco-terminal-shell-host.json');
      alert['rule'] = 'Launch Sensitive Mount Container';
      alert['output_fields'] = { 'container.mount.source[/host]': '/', 'container.mount.dest[/host]': '/host' };
      expect(onlyEventOf(parse(alert)).fields.HostPathMounts).toEqual(['/']);
    });
  });

  describe('time', () => {
    it('falls back to evt.time (nanoseconds) when time is absent', () => {
      const alert = fixture('falco-terminal-shell-host.json');
      delete alert['time'];
      (alert['output_fields'] as Record<string, unknown>)['evt.time'] = 1_795_170_677_902_311_400;
      expect(onlyEventOf(parse(alert)).time).toBe('2026-11-20T10:31:17.902Z');
    });

    it('fails with missing-field when no time is known', () => {
      const alert = fixture('falco-terminal-shell-host.json');
      alert['time'] = 'yesterday';
      delete (alert['output_fields'] as Record<string, unknown>)['evt.time'];
      const error = errorOf(parse(alert, { index: 4 }));
      expect(error).toMatchObject({ code: 'missing-field', format: 'falco' });
      expect(error.position.index).toBe(4);
    });
  });

  describe('invalid and hostile alerts', () => {
    it('refuses output_fields that are not an object', () => {
      const alert = fixture('falco-terminal-shell-host.json');
      alert['output_fields'] = ['proc.cmdline', 'bash'];
      expect(errorOf(parse(alert)).code).toBe('invalid-record');
    });

    it('refuses a record that is not a Falco alert', () => {
      expect(errorOf(parse({ rule: 1 })).code).toBe('invalid-record');
    });

    it('bounds a huge output and ignores wrong types and prototype keys', () => {
      const alert = JSON.parse(
        '{"rule":"Launch Privileged Container","priority":"Critical","output":"x","time":"2026-11-20T10:00:00Z",' +
          '"hostname":["h"],"output_fields":{"__proto__":{"proc.cmdline":"evil"},"container.privileged":"false",' +
          '"container.mounts":12,"container.image.repository":{"a":1},"k8s.pod.name":null}}',
      ) as Record<string, unknown>;
      alert['output'] = 'A'.repeat(1_000_000);
      const event = onlyEventOf(parse(alert));
      expect(event.fields.Message?.length).toBeLessThanOrEqual(2049);
      expect(event.fields.CommandLine).toBeUndefined();
      expect(event.fields.Privileged).toBe(false);
      expect(event.fields.ContainerImage).toBeUndefined();
      expect(event.platform).toBe('linux');
      expect(event.host.hostname).toBeUndefined();
    });
  });
});
