import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, int, isRecord, path, prop, provenanceOf, str, timeOf } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { isPodCarryingResource, type PodSecurityFields, podSpecOf, readPodSpec } from './pod-spec';
import { outcomeOfItems } from './record-items';
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

/** The stages an audit event can be written at (audit.k8s.io Stage). */
const STAGES: ReadonlySet<string> = new Set(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']);
/** Keys log shippers put a whole log line under (fluent-bit and Docker `log`, fluentd/Vector `message`). */
const WRAPPER_KEYS = ['log', 'message'] as const;
/**
 * Most events read from one EventList (the webhook backend's batch; its default batch is 400). A list past this is
 * refused rather than half read.
 */
export const MAX_AUDIT_LIST_ITEMS = 10_000;

/**
 * Kubernetes audit events, recognised by what every audit event must hold (auditID, stage, verb, and requestURI or
 * user), not by the optional envelope: with or without kind/apiVersion, audit.k8s.io v1 or v1beta1, one event per
 * record (EKS control plane log group), an EventList (the webhook backend's batch), or a whole event serialised
 * into a shipper's `log`/`message` string (fluent-bit, Docker json-file, fluentd, Vector).
 */
export const k8sAuditParser: ParserFactory = {
  format: FORMAT,
  description:
    'Kubernetes audit events (audit.k8s.io v1/v1beta1, with or without kind/apiVersion; EventList batches; log/message-wrapped lines; EKS log group /aws/eks/<cluster>/cluster)',
  create: (): RecordParser => ({ format: FORMAT, sniff: isAuditRecord, parse: parseAuditRecord }),
};

function isAuditApiVersion(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('audit.k8s.io/');
}

/**
 * An audit event by content. An envelope that says otherwise (another kind, a core/v1 Event's apiVersion) wins:
 * a cluster event (`kind: Event, apiVersion: v1`) is not an audit event whatever else it holds.
 */
export function isAuditEvent(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const kind = prop(value, 'kind');
  const apiVersion = prop(value, 'apiVersion');
  if (kind !== undefined && kind !== 'Event') return false;
  if (apiVersion !== undefined && !isAuditApiVersion(apiVersion)) return false;
  if (kind === 'Event' && apiVersion !== undefined) return true;
  const stage = prop(value, 'stage');
  return (
    typeof prop(value, 'auditID') === 'string' &&
    typeof stage === 'string' &&
    STAGES.has(stage) &&
    typeof prop(value, 'verb') === 'string' &&
    (typeof prop(value, 'requestURI') === 'string' || isRecord(prop(value, 'user')))
  );
}

function isEventList(value: unknown): boolean {
  return (
    prop(value, 'kind') === 'EventList' &&
    isAuditApiVersion(prop(value, 'apiVersion')) &&
    Array.isArray(prop(value, 'items'))
  );
}

/** The shipper's wrapped line, when it looks like a serialised audit event (a cheap check: no parse here). */
function wrappedText(json: Readonly<Record<string, unknown>> | undefined): string | undefined {
  for (const key of WRAPPER_KEYS) {
    const text = prop(json, key);
    if (typeof text === 'string' && text.trimStart().startsWith('{') && text.includes('"auditID"')) return text;
  }
  return undefined;
}

function isAuditRecord(input: RecordInput): boolean {
  const json = input.json;
  return isAuditEvent(json) || isEventList(json) || wrappedText(json) !== undefined;
}

function parseAuditRecord(input: RecordInput): ParseOutcome {
  const json = input.json;
  if (isAuditEvent(json)) return parseAuditEvent(json, input);
  if (isEventList(json)) return parseEventList(prop(json, 'items') as readonly unknown[], input);
  const wrapped = wrappedText(json);
  if (wrapped === undefined) {
    return failure(
      input,
      FORMAT,
      'invalid-record',
      'not a Kubernetes audit event (auditID, stage, verb and requestURI or user), EventList or wrapped event',
    );
  }
  let inner: unknown;
  try {
    inner = JSON.parse(wrapped);
  } catch {
    // Docker's json-file driver splits lines past 16 KiB; a shipper may cut long ones: say so, do not guess.
    return failure(
      input,
      FORMAT,
      'invalid-record',
      'the wrapped audit event is not complete JSON (cut by the shipper?)',
    );
  }
  if (isAuditEvent(inner)) return parseAuditEvent(inner, input);
  if (isEventList(inner)) return parseEventList(prop(inner, 'items') as readonly unknown[], input);
  return failure(input, FORMAT, 'invalid-record', 'the wrapped JSON is not a Kubernetes audit event');
}

/** One outcome for an EventList: the events of every usable item (outcomeOfItems), bounded in length. */
function parseEventList(items: readonly unknown[], input: RecordInput): ParseOutcome {
  if (items.length > MAX_AUDIT_LIST_ITEMS) {
    return failure(
      input,
      FORMAT,
      'invalid-record',
      `EventList holds ${items.length} items (max ${MAX_AUDIT_LIST_ITEMS})`,
    );
  }
  return outcomeOfItems(
    items,
    input,
    FORMAT,
    { is: isAuditEvent, parse: (event) => parseAuditEvent(event, input) },
    'EventList holds no audit event',
  );
}

function parseAuditEvent(event: Record<string, unknown>, input: RecordInput): ParseOutcome {
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

  // v1beta1 still carries the deprecated `timestamp` (v1alpha1's only time); v1 dropped it.
  const time = timeOf(
    prop(event, 'requestReceivedTimestamp') ?? prop(event, 'stageTimestamp') ?? prop(event, 'timestamp'),
    input,
  );
  if (time === undefined) {
    return failure(
      input,
      FORMAT,
      'missing-field',
      'requestReceivedTimestamp, stageTimestamp and timestamp are missing or invalid',
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
