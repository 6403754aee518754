import { isoOf, type Scenario, type ScenarioContext, type TelemetryRecord } from '../telemetry';

/** A privileged pod created through the Kubernetes API (EKS control-plane audit log, RequestResponse level). */
export const privilegedPod: Scenario = {
  id: 'privileged-pod',
  title: 'Privileged Kubernetes pod (Kubernetes audit)',
  commands: [
    'kubectl run <marker> --image=alpine:3.19 --restart=Never --overrides=\'{"spec":{"containers":[{"name":"<marker>","image":"alpine:3.19","securityContext":{"privileged":true}}]}}\'',
  ],
  expectedRules: ['f8c87564-f1ee-4a03-8810-3cbf63d4bab7'], // container_launch_privileged
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs } = context;
    const container = {
      name: marker,
      image: 'docker.io/library/alpine:3.19',
      command: ['sleep', '300'],
      securityContext: { privileged: true },
    };
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: marker.slice(-36),
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods?fieldManager=kubectl-run',
      verb: 'create',
      user: {
        username: 'vmsentry-validate',
        groups: ['system:authenticated'],
      },
      sourceIPs: ['192.0.2.10'],
      userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
      objectRef: { resource: 'pods', namespace: 'default', name: marker, apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: marker, namespace: 'default', labels: { run: marker } },
        spec: { restartPolicy: 'Never', containers: [container] },
      },
      responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: marker, namespace: 'default' } },
      requestReceivedTimestamp: isoOf(nowMs),
      stageTimestamp: isoOf(nowMs + 40),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    };
    return [{ format: 'k8s-audit', message: JSON.stringify(event), timestampMs: nowMs }];
  },
};
