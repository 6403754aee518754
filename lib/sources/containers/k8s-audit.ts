import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, int, isRecord, path, prop, provenanceOf, str, timeOf } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { isPodCarryingResource, type PodSecurityFields, podSpecOf, readPodSpec } from './pod-spec';
import { commandOfRequestUri, containerOfRequestUri } from './request-uri';
import { stringsOf } from './values';

const FORMAT = 'k8s-audit';

/** API groups each pod-carrying resource lives in; a CRD reusing the name in another group is not a workload. */
const RESOURCE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  pods: [''],
  replicationcontrollers: [''],
  deployments: ['apps', 'extensions'],
  daemonsets: ['apps', 'extensions'],
  statefulsets: ['apps'],
  replicasets: ['apps', 'extensions'],
  jobs: ['batch'],
  cronjobs: ['batch'],
};

const LAUNCH_VERBS = new Set(['create', 'update', 'patch']);
const EXEC_VERBS = new Set(['create', 'get']); // websocket exec clients (kubectl >= 1.30) arrive as get
const EXEC_SUBRESOURCES = new Set(['exec', 'attach']);
const EKS_LOG_GROUP = /^\/aws\/eks\/([^/]+)\/cluster$/;

type Action = 'launch' | 'ephemeral' | 'exec';

/** Kubernetes audit.k8s.io/v1 Event objects, as the EKS control plane writes them to CloudWatch Logs. */
export const k8sAuditParser: ParserFactory = {
  format: FORMAT,
  description:
    'Kubernetes audit events (audit.k8s.io/v1 Event; EKS control-plane log group /aws/eks/<cluster>/cluster)',
  create: (): RecordParser => ({ format: FORMAT, sniff: isAuditEvent, parse: parseAuditEvent }),
};

function isAuditEvent(input: RecordInput): boolean {
  const apiVersion = prop(input.json, 'apiVersion');
  return (
    prop(input.json, 'kind') === 'Event' && typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/')
  );
}

function parseAuditEvent(input: RecordInput): ParseOutcome {
  const event = input.json;
  if (event === undefined || !isAuditEvent(input)) {
    return failure(
      input,
      FORMAT,
      'invalid-record',
      'not a Kubernetes audit Event (kind Event, apiVersion audit.k8s.io/*)',
    );
  }
  const stage = prop(event, 'stage');
  if (typeof stage !== 'string') return failure(input, FORMAT, 'missing-field', 'stage is missing or not a string');
  // One request is audited once per stage; only the completed one counts, so nothing is counted twice.
  if (stage !== 'ResponseComplete') return NOTHING;
  const verb = str(prop(event, 'verb'));
  if (verb === undefined) return failure(input, FORMAT, 'missing-field', 'verb is missing or not a string');
  const objectRef = prop(event, 'objectRef');
  if (objectRef === undefined) return NOTHING; // non-resource request (/healthz, /version)
  if (!isRecord(objectRef)) return failure(input, FORMAT, 'invalid-record', 'objectRef is not an object');

  const resource = str(prop(objectRef, 'resource'));
  const subresource = str(prop(objectRef, 'subresource'));
  const apiGroup = str(prop(objectRef, 'apiGroup'));
  const action = resource === undefined ? undefined : actionOf(verb, resource, subresource, apiGroup);
  if (action === undefined || resource === undefined) return NOTHING;

  const requestObject = prop(event, 'requestObject');
  let podFields: PodSecurityFields = {};
  if (action === 'launch') {
    const spec = podSpecOf(requestObject, resource);
    // An update or patch that carries no pod spec (labels, scale, annotations) starts nothing new.
    if (spec === undefined && verb !== 'create' && isRecord(requestObject)) return NOTHING;
    if (spec !== undefined) podFields = readPodSpec(spec, { complete: verb !== 'patch', newestEphemeralOnly: false });
  } else if (action === 'ephemeral') {
    const spec = path(requestObject, 'spec');
    if (isRecord(spec)) podFields = readPodSpec(spec, { complete: verb === 'update', newestEphemeralOnly: true });
  }

  const time = timeOf(prop(event, 'requestReceivedTimestamp') ?? prop(event, 'stageTimestamp'), input);
  if (time === undefined) {
    return failure(
      input,
      FORMAT,
      'missing-field',
      'requestReceivedTimestamp and stageTimestamp are missing or invalid',
    );
  }

  const requestUri = str(prop(event, 'requestURI'));
  const command = action === 'exec' && requestUri !== undefined ? commandOfRequestUri(requestUri) : [];
  const isPod = resource === 'pods';
  const fields: EventFields = defined({
    ...podFields,
    ContainerRuntime: 'kubernetes',
    ContainerName:
      podFields.ContainerName ?? (action === 'exec' && requestUri ? containerOfRequestUri(requestUri) : undefined),
    PodName: isPod ? podNameOf(event, objectRef) : undefined,
    Namespace: str(prop(objectRef, 'namespace')) ?? str(path(requestObject, 'metadata', 'namespace')),
    Ephemeral: action === 'ephemeral' ? true : undefined,
    CommandLine: command.length > 0 ? command.join(' ') : undefined,
    Args: command.length > 0 ? command : undefined,
    Actor: str(path(event, 'user', 'username')),
    ApiService: apiGroup ?? 'core',
    ApiOperation: verb,
    ApiResource: resource,
    ApiSubresource: subresource,
    SourceIp: stringsOf(prop(event, 'sourceIPs'), 1)[0],
    UserAgent: str(prop(event, 'userAgent')),
    ApiResult: responseCodeOf(event),
  });
  const category: EventCategory = action === 'exec' ? 'container_exec' : 'container_launch';
  const normalized: NormalizedEvent = {
    category,
    platform: 'kubernetes',
    time: time.time,
    timeMs: time.timeMs,
    host: hostOf(input, { cluster: clusterOf(input) }),
    provenance: provenanceOf(input, FORMAT, str(prop(event, 'auditID'))),
    fields,
    raw: event,
  };
  return ok([normalized]);
}

function actionOf(verb: string, resource: string, subresource: string | undefined, apiGroup = ''): Action | undefined {
  if (resource === 'pods' && apiGroup === '' && subresource !== undefined) {
    if (EXEC_SUBRESOURCES.has(subresource) && EXEC_VERBS.has(verb)) return 'exec';
    if (subresource === 'ephemeralcontainers' && (verb === 'patch' || verb === 'update')) return 'ephemeral';
    return undefined;
  }
  if (subresource !== undefined || !LAUNCH_VERBS.has(verb) || !isPodCarryingResource(resource)) return undefined;
  const groups = Object.hasOwn(RESOURCE_GROUPS, resource) ? RESOURCE_GROUPS[resource] : undefined;
  return groups?.includes(apiGroup) ? 'launch' : undefined;
}

/** A pod created from generateName has no name in objectRef; the response (or request) object has it. */
function podNameOf(event: Record<string, unknown>, objectRef: Record<string, unknown>): string | undefined {
  return (
    str(prop(objectRef, 'name')) ??
    str(path(event, 'responseObject', 'metadata', 'name')) ??
    str(path(event, 'requestObject', 'metadata', 'name')) ??
    str(path(event, 'requestObject', 'metadata', 'generateName'))
  );
}

function responseCodeOf(event: Record<string, unknown>): string | undefined {
  const code = int(path(event, 'responseStatus', 'code'));
  return code === undefined ? undefined : String(code);
}

/** EKS names the control-plane log group after the cluster: /aws/eks/<cluster>/cluster. */
function clusterOf(input: RecordInput): string | undefined {
  for (const group of [input.context.logGroup, input.position.logGroup]) {
    const match = group === undefined ? null : EKS_LOG_GROUP.exec(group);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}
