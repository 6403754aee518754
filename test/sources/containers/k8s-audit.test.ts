import { k8sAuditParser } from '../../../lib/sources/containers/k8s-audit';
import { EKS_LOG_STREAM, errorOf, eventsOf, fixture, onlyEventOf, recordOf } from './support';

const parse = (value: unknown, options?: Parameters<typeof recordOf>[1]) =>
  k8sAuditParser.create().parse(recordOf(value, options));

describe('k8sAuditParser', () => {
  describe('sniffing', () => {
    it('recognises an audit.k8s.io Event', () => {
      expect(k8sAuditParser.create().sniff(recordOf(fixture('k8s-privileged-pod-create.json')))).toBe(true);
    });

    it('ignores a core/v1 Event (a cluster event, not an audit event) and other JSON', () => {
      const parser = k8sAuditParser.create();
      expect(parser.sniff(recordOf({ kind: 'Event', apiVersion: 'v1', reason: 'Scheduled' }))).toBe(false);
      expect(parser.sniff(recordOf(fixture('cloudtrail-execute-command.json')))).toBe(false);
      expect(parser.sniff(recordOf('plain text line'))).toBe(false);
    });
  });

  describe('a privileged pod with hostPID and the host root mounted', () => {
    const event = onlyEventOf(parse(fixture('k8s-privileged-pod-create.json')));

    it('is a Kubernetes container launch keyed by the EKS cluster named in the log group', () => {
      expect(event.category).toBe('container_launch');
      expect(event.platform).toBe('kubernetes');
      expect(event.host).toEqual({ cluster: 'prod-eu', logStream: EKS_LOG_STREAM });
      expect(event.provenance).toMatchObject({ format: 'k8s-audit', recordId: '5b9e3c1a-6c1e-4a43-9f0a-2f3d1c7d8e01' });
      expect(event.time).toBe('2026-11-20T10:15:30.123Z');
    });

    it('reports the pod settings that break isolation, naming the most privileged container', () => {
      expect(event.fields).toMatchObject({
        Privileged: true,
        HostPID: true,
        HostNetwork: false,
        HostIPC: false,
        HostPathMounts: ['/'],
        CapabilitiesAdded: ['SYS_ADMIN', 'SYS_PTRACE'],
        ContainerName: 'shell',
        ContainerImage: 'docker.io/library/alpine:3.19',
        PodName: 'escape',
        Namespace: 'default',
      });
    });

    it('reports who asked, from where, and how the API answered', () => {
      expect(event.fields).toMatchObject({
        Actor: 'arn:aws:sts::111122223333:assumed-role/dev-admin/mallory',
        ApiService: 'core',
        ApiOperation: 'create',
        ApiResource: 'pods',
        SourceIp: '203.0.113.10',
        UserAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
        ApiResult: '201',
      });
      expect(event.fields.ApiSubresource).toBeUndefined();
    });

    it('keeps the audit event as raw for rules written on objectRef and verb', () => {
      expect(event.raw?.['verb']).toBe('create');
      expect(event.raw?.['objectRef']).toMatchObject({ resource: 'pods' });
    });
  });

  describe('an unprivileged pod created by a controller', () => {
    const event = onlyEventOf(parse(fixture('k8s-unprivileged-pod-create.json')));

    it('is still a launch (rules decide), with every isolation setting at its default', () => {
      expect(event.category).toBe('container_launch');
      expect(event.fields).toMatchObject({
        Privileged: false,
        HostPID: false,
        HostNetwork: false,
        HostIPC: false,
        AllowPrivilegeEscalation: false,
        RunAsUser: '1000',
        ContainerImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/web:2.4.1',
      });
      expect(event.fields.HostPathMounts).toBeUndefined();
      expect(event.fields.CapabilitiesAdded).toBeUndefined();
    });

    it('takes the generated pod name from the response when objectRef has none', () => {
      expect(event.fields.PodName).toBe('web-5d8f9c7b6-q2x7k');
    });
  });

  describe('kubectl debug node/<node>', () => {
    const event = onlyEventOf(parse(fixture('k8s-node-debugger-pod-create.json')));

    it('shows the host namespaces and the host root the node debugger pod shares', () => {
      expect(event.fields).toMatchObject({
        HostPID: true,
        HostNetwork: true,
        HostIPC: true,
        HostPathMounts: ['/'],
        Privileged: false,
        ContainerImage: 'busybox',
        ContainerName: 'debugger',
        PodName: 'node-debugger-ip-10-0-1-23.ec2.internal-x7k2p',
        Actor: 'kubernetes-admin',
      });
    });
  });

  describe('an ephemeral debug container added to a running pod', () => {
    const event = onlyEventOf(parse(fixture('k8s-ephemeral-container-patch.json')));

    it('is a launch marked ephemeral, with the settings of the container this request adds', () => {
      expect(event.category).toBe('container_launch');
      expect(event.fields).toMatchObject({
        Ephemeral: true,
        Privileged: true,
        ContainerName: 'debugger-8kq2z',
        ContainerImage: 'busybox:1.36',
        PodName: 'api-7f9c',
        Namespace: 'payments',
        ApiOperation: 'patch',
        ApiSubresource: 'ephemeralcontainers',
      });
    });

    it('does not invent pod-level settings a patch does not state', () => {
      expect(event.fields.HostPID).toBeUndefined();
      expect(event.fields.HostNetwork).toBeUndefined();
    });

    it('reports an unprivileged ephemeral container as not privileged', () => {
      const audit = fixture('k8s-ephemeral-container-patch.json');
      const containers = (audit['requestObject'] as { spec: { ephemeralContainers: Record<string, unknown>[] } }).spec
        .ephemeralContainers;
      delete containers[1]?.['securityContext'];
      const plain = onlyEventOf(parse(audit));
      expect(plain.fields.Ephemeral).toBe(true);
      expect(plain.fields.Privileged).not.toBe(true);
    });
  });

  describe('kubectl exec', () => {
    const event = onlyEventOf(parse(fixture('k8s-pods-exec.json')));

    it('is a container exec whose command line is decoded from the request URI', () => {
      expect(event.category).toBe('container_exec');
      expect(event.fields).toMatchObject({
        CommandLine: 'sh -c cat /var/run/secrets/kubernetes.io/serviceaccount/token',
        Args: ['sh', '-c', 'cat /var/run/secrets/kubernetes.io/serviceaccount/token'],
        ContainerName: 'api',
        PodName: 'api-7f9c',
        ApiSubresource: 'exec',
        ApiResult: '101',
      });
    });

    it('treats attach (no command) as an exec without a command line', () => {
      const audit = fixture('k8s-pods-exec.json');
      audit['requestURI'] = '/api/v1/namespaces/payments/pods/api-7f9c/attach?container=api&stdin=true';
      audit['objectRef'] = { resource: 'pods', namespace: 'payments', name: 'api-7f9c', subresource: 'attach' };
      const attach = onlyEventOf(parse(audit));
      expect(attach.category).toBe('container_exec');
      expect(attach.fields.CommandLine).toBeUndefined();
      expect(attach.fields.ContainerName).toBe('api');
    });

    it('keeps a malformed percent escape as sent instead of failing', () => {
      const audit = fixture('k8s-pods-exec.json');
      audit['requestURI'] = '/api/v1/namespaces/p/pods/x/exec?command=echo&command=100%zz';
      expect(onlyEventOf(parse(audit)).fields.CommandLine).toBe('echo 100%zz');
    });
  });

  describe('workloads whose template holds a pod spec', () => {
    const event = onlyEventOf(parse(fixture('k8s-daemonset-create.json')));

    it('reads the template pod spec of a DaemonSet', () => {
      expect(event.category).toBe('container_launch');
      expect(event.fields).toMatchObject({
        HostNetwork: true,
        HostPathMounts: ['/proc', '/var/run/containerd/containerd.sock'],
        CapabilitiesAdded: ['NET_ADMIN'],
        RunAsUser: '0',
        ApiService: 'apps',
        ApiResource: 'daemonsets',
        Namespace: 'monitoring',
      });
      expect(event.fields.PodName).toBeUndefined();
    });

    it('reads the nested template of a CronJob', () => {
      const audit = fixture('k8s-daemonset-create.json');
      audit['objectRef'] = { resource: 'cronjobs', namespace: 'ops', name: 'nightly', apiGroup: 'batch' };
      audit['requestObject'] = {
        spec: {
          schedule: '0 2 * * *',
          jobTemplate: {
            spec: {
              template: {
                spec: { containers: [{ name: 'job', image: 'alpine', securityContext: { privileged: true } }] },
              },
            },
          },
        },
      };
      expect(onlyEventOf(parse(audit)).fields).toMatchObject({ Privileged: true, ContainerImage: 'alpine' });
    });

    it('ignores a custom resource that happens to be called deployments in another API group', () => {
      const audit = fixture('k8s-daemonset-create.json');
      audit['objectRef'] = { resource: 'deployments', name: 'x', apiGroup: 'example.com' };
      expect(eventsOf(parse(audit))).toEqual([]);
    });

    it('ignores a scale patch that carries no pod spec', () => {
      const audit = fixture('k8s-daemonset-create.json');
      audit['verb'] = 'patch';
      audit['requestObject'] = { metadata: { labels: { tier: 'x' } } };
      expect(eventsOf(parse(audit))).toEqual([]);
    });
  });

  describe('requests that start nothing', () => {
    it('produces no event for list and get', () => {
      expect(eventsOf(parse(fixture('k8s-pods-list.json')))).toEqual([]);
      const get = fixture('k8s-pods-list.json');
      get['verb'] = 'get';
      expect(eventsOf(parse(get))).toEqual([]);
    });

    it('counts a request only at ResponseComplete, not at RequestReceived', () => {
      expect(eventsOf(parse(fixture('k8s-privileged-pod-request-received.json')))).toEqual([]);
    });

    it('produces no event for a non-resource request', () => {
      const audit = fixture('k8s-pods-list.json');
      delete audit['objectRef'];
      audit['requestURI'] = '/healthz';
      expect(eventsOf(parse(audit))).toEqual([]);
    });

    it('produces no event for a pod status update by the kubelet', () => {
      const audit = fixture('k8s-privileged-pod-create.json');
      audit['verb'] = 'patch';
      audit['objectRef'] = { resource: 'pods', namespace: 'default', name: 'escape', subresource: 'status' };
      expect(eventsOf(parse(audit))).toEqual([]);
    });
  });

  describe('failed and metadata-level requests', () => {
    it('still reports a forbidden privileged pod, with the refusal in ApiResult', () => {
      const audit = fixture('k8s-privileged-pod-create.json');
      audit['responseStatus'] = { code: 403, status: 'Failure', reason: 'Forbidden' };
      expect(onlyEventOf(parse(audit)).fields).toMatchObject({ ApiResult: '403', Privileged: true });
    });

    it('reports a pod created without a logged request body, without inventing settings', () => {
      const audit = fixture('k8s-privileged-pod-create.json');
      audit['level'] = 'Metadata';
      delete audit['requestObject'];
      delete audit['responseObject'];
      const event = onlyEventOf(parse(audit));
      expect(event.category).toBe('container_launch');
      expect(event.fields.Privileged).toBeUndefined();
      expect(event.fields.PodName).toBe('escape');
    });
  });

  describe('host identity', () => {
    it('keeps only the log stream when the log group is not an EKS cluster group', () => {
      const event = onlyEventOf(
        parse(fixture('k8s-pods-exec.json'), { logGroup: '/custom/k8s-audit', logStream: 'node-1' }),
      );
      expect(event.host).toEqual({ logStream: 'node-1' });
    });
  });

  describe('invalid audit events', () => {
    it('fails with missing-field and the record position when no time is known', () => {
      const audit = fixture('k8s-pods-exec.json');
      delete audit['requestReceivedTimestamp'];
      delete audit['stageTimestamp'];
      const error = errorOf(parse(audit, { index: 7 }));
      expect(error).toMatchObject({ code: 'missing-field', format: 'k8s-audit' });
      expect(error.position.index).toBe(7);
    });

    it('falls back to the CloudWatch timestamp when the event has no time of its own', () => {
      const audit = fixture('k8s-pods-exec.json');
      delete audit['requestReceivedTimestamp'];
      delete audit['stageTimestamp'];
      expect(onlyEventOf(parse(audit, { timestampMs: 1_795_000_000_000 })).timeMs).toBe(1_795_000_000_000);
    });

    it('fails when the stage or verb is missing or of the wrong type', () => {
      const noStage = fixture('k8s-pods-exec.json');
      delete noStage['stage'];
      expect(errorOf(parse(noStage)).code).toBe('missing-field');
      const numericVerb = fixture('k8s-pods-exec.json');
      numericVerb['verb'] = ['create'];
      expect(errorOf(parse(numericVerb)).code).toBe('missing-field');
    });

    it('fails when objectRef is not an object', () => {
      const audit = fixture('k8s-pods-exec.json');
      audit['objectRef'] = 'pods/exec';
      expect(errorOf(parse(audit)).code).toBe('invalid-record');
    });

    it('refuses a record that is not an audit event at all', () => {
      expect(errorOf(parse({ hello: 'world' })).code).toBe('invalid-record');
      expect(errorOf(parse('not json')).code).toBe('invalid-record');
    });
  });

  describe('hostile values', () => {
    it('caps huge container and volume lists', () => {
      const audit = fixture('k8s-privileged-pod-create.json');
      const spec = (audit['requestObject'] as { spec: Record<string, unknown> }).spec;
      spec['volumes'] = Array.from({ length: 5_000 }, (_, i) => ({ name: `v${i}`, hostPath: { path: `/p${i}` } }));
      spec['containers'] = Array.from({ length: 500 }, (_, i) => ({
        name: `c${i}`,
        image: 'x',
        securityContext: { capabilities: { add: Array.from({ length: 200 }, (_, j) => `CAP_X${j}`) } },
      }));
      const event = onlyEventOf(parse(audit));
      expect(event.fields.HostPathMounts?.length).toBe(64);
      expect(event.fields.CapabilitiesAdded?.length).toBe(64);
    });

    it('treats prototype keys as data and wrong types as absent', () => {
      const audit = JSON.parse(
        '{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"create",' +
          '"objectRef":{"resource":"pods","__proto__":{"subresource":"exec"}},' +
          '"requestReceivedTimestamp":"2026-11-20T10:00:00Z",' +
          '"requestObject":{"spec":{"__proto__":{"hostPID":true},"hostNetwork":"yes","containers":[null,1,{"securityContext":' +
          '{"privileged":"true","capabilities":{"add":[1,"cap_net_raw",{"x":1},"bad name!"]}}}]}},' +
          '"user":{"username":42},"sourceIPs":"1.2.3.4","responseStatus":{"code":"201"}}',
      ) as Record<string, unknown>;
      const event = onlyEventOf(parse(audit));
      expect(event.category).toBe('container_launch');
      expect(event.fields).toMatchObject({
        HostPID: false,
        HostNetwork: false,
        Privileged: true,
        CapabilitiesAdded: ['NET_RAW'],
        Actor: '42',
        ApiResult: '201',
      });
      expect(event.fields.SourceIp).toBeUndefined();
    });
  });
});
