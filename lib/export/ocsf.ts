import type { EventCategory, NormalizedEvent } from '../model';
import { activityBuilders } from './ocsf-activity';
import { type Activity, envelope, INFORMATIONAL, type OcsfClass, type Severity } from './ocsf-envelope';
import { compact, type FieldReader, readerOf } from './ocsf-fields';
import { containerOf, fileOf, parentProcessOf, processOf, userOf, WINDOWS_EXTENSION } from './ocsf-objects';

export { OCSF_VERSION } from './ocsf-objects';

const PROCESS_ACTIVITY: OcsfClass = {
  uid: 1007,
  name: 'Process Activity',
  categoryUid: 1,
  categoryName: 'System Activity',
};
const SCRIPT_ACTIVITY: OcsfClass = {
  uid: 1009,
  name: 'Script Activity',
  categoryUid: 1,
  categoryName: 'System Activity',
};
const WINDOWS_SERVICE_ACTIVITY: OcsfClass = {
  uid: 201004,
  name: 'Windows Service Activity',
  categoryUid: 1,
  categoryName: 'System Activity',
};
const API_ACTIVITY: OcsfClass = {
  uid: 6003,
  name: 'API Activity',
  categoryUid: 6,
  categoryName: 'Application Activity',
};
const DETECTION_FINDING: OcsfClass = { uid: 2004, name: 'Detection Finding', categoryUid: 2, categoryName: 'Findings' };

/**
 * Falco priorities (syslog levels) on the OCSF severity scale. Lookup tables keyed by source text are Maps so that a
 * value such as "constructor" never resolves to an Object.prototype member.
 */
const FALCO_SEVERITY: ReadonlyMap<string, number> = new Map([
  ['emergency', 6],
  ['alert', 5],
  ['critical', 5],
  ['error', 4],
  ['warning', 3],
  ['notice', 2],
  ['informational', 1],
  ['info', 1],
  ['debug', 1],
]);

function processActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const parent = parentProcessOf(readerOf(event.fields)); // a copy for actor.process; `fields` claims it below
  const process = processOf(fields) ?? {};
  const user = process.user;
  return envelope(event, fields, PROCESS_ACTIVITY, { id: 1, name: 'Launch' }, INFORMATIONAL, {
    // In a Launch the actor is the creating process (OCSF's guidance); the new process keeps it as parent_process.
    actor: compact({ process: parent, user }) ?? {},
    process,
    container: containerOf(fields),
  });
}

function scriptActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const text = fields.take('ScriptBlockText');
  const partial = fields.take('Partial');
  const process = processOf(fields);
  return envelope(event, fields, SCRIPT_ACTIVITY, { id: 1, name: 'Execute' }, INFORMATIONAL, {
    actor: compact({ process, user: process?.user }) ?? {},
    script: compact({
      // OCSF requires script_content; an absent block is reported as empty rather than invented.
      script_content: compact({ value: text ?? '', is_truncated: partial === true ? true : undefined }),
      type_id: 2,
      type: 'PowerShell',
      uid: fields.take('ScriptBlockId'),
      file: fileOf(fields.take('Path')),
    }),
  });
}

/** 7045 "Service Type" / "Start Type" texts on the OCSF win_service enums. */
const SERVICE_TYPES: ReadonlyMap<string, number> = new Map([
  ['kernel mode driver', 1],
  ['file system driver', 2],
  ['user mode service', 16],
  ['win32 own process', 16],
  ['win32 share process', 32],
]);
const START_TYPES: ReadonlyMap<string, number> = new Map([
  ['boot start', 0],
  ['system start', 1],
  ['auto start', 2],
  ['demand start', 3],
  ['disabled', 4],
]);

function serviceActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const serviceType = fields.take('ServiceType');
  const startType = fields.take('StartType');
  const user = userOf(fields);
  return envelope(
    event,
    fields,
    WINDOWS_SERVICE_ACTIVITY,
    { id: 1, name: 'Create' },
    INFORMATIONAL,
    {
      actor: compact({ user }) ?? {},
      win_service: compact({
        name: fields.take('ServiceName') ?? '',
        cmd_line: fields.take('ImagePath'),
        service_type: serviceType,
        service_type_id: serviceType === undefined ? undefined : (SERVICE_TYPES.get(serviceType.toLowerCase()) ?? 99),
        service_start_type: startType,
        service_start_type_id: startType === undefined ? undefined : (START_TYPES.get(startType.toLowerCase()) ?? 99),
        service_start_name: fields.take('AccountName'),
      }),
    },
    { extensions: [WINDOWS_EXTENSION] },
  );
}

/** API Activity's CRUD activity from the operation name (Kubernetes verbs, CloudTrail event names, CLI verbs). */
function apiActivityOf(operation: string | undefined, category: EventCategory): Activity {
  const op = operation ?? '';
  if (/^(create|run|start|register|put|post|launch|exec|attach)/i.test(op)) return { id: 1, name: 'Create' };
  if (/^(get|list|describe|watch|head)/i.test(op)) return { id: 2, name: 'Read' };
  if (/^(update|patch|modify|set)/i.test(op)) return { id: 3, name: 'Update' };
  if (/^(delete|remove|deregister|stop|kill|terminate)/i.test(op)) return { id: 4, name: 'Delete' };
  // Launching a container, or exec'ing into one, creates something even when the source names no verb.
  return category === 'cloud_api' ? { id: 99, name: 'Other' } : { id: 1, name: 'Create' };
}

/** HTTP codes below 400 and CloudTrail's "success" are successes; anything else reported is a failure. */
function statusOf(result: string | undefined): Record<string, unknown> | undefined {
  if (result === undefined) return undefined;
  const success = /^(success|ok)$/i.test(result) || /^[123]\d\d$/.test(result);
  return { status_id: success ? 1 : 2, status: success ? 'Success' : 'Failure', status_code: result };
}

function apiActivity(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const operation = fields.take('ApiOperation');
  const activity = apiActivityOf(operation, event.category);
  const actorName = fields.take('Actor') ?? fields.take('User');
  const sourceIp = fields.take('SourceIp');
  const userAgent = fields.take('UserAgent');
  const podName = fields.take('PodName');
  const resource = compact({
    type: fields.take('ApiResource') ?? (podName === undefined ? 'container' : 'pod'),
    name: podName ?? fields.peek('ContainerName'),
    uid: fields.peek('ContainerId'),
    data: compact({ namespace: fields.take('Namespace'), subresource: fields.take('ApiSubresource') }),
  });
  return envelope(event, fields, API_ACTIVITY, activity, INFORMATIONAL, {
    api: compact({
      operation: operation ?? (event.category === 'container_exec' ? 'exec' : event.category),
      service: compact({ name: fields.take('ApiService') ?? fields.peek('ContainerRuntime') }),
    }),
    actor: { user: compact({ name: actorName }) ?? {} },
    // OCSF requires src_endpoint: the caller's address when known, else the host the runtime reported from.
    src_endpoint: compact({ ip: sourceIp, hostname: sourceIp === undefined ? event.host.hostname : undefined }) ?? {},
    http_request: userAgent === undefined ? undefined : { user_agent: userAgent },
    resources: resource === undefined ? undefined : [resource],
    ...statusOf(fields.take('ApiResult')),
    container: containerOf(fields),
  });
}

function detectionFinding(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  const rule = fields.take('FalcoRule');
  const message = fields.take('Message');
  // Peeked, not taken: the source's own priority stays under unmapped beside the normalized severity.
  const priority = fields.peek('FalcoPriority');
  const known = priority === undefined ? 0 : FALCO_SEVERITY.get(priority.toLowerCase());
  const severity: Severity = known !== undefined ? { id: known } : { id: 99, caption: priority ?? 'Other' };
  const process = processOf(fields);
  const container = containerOf(fields);
  const evidence = compact({ process, container });
  return envelope(event, fields, DETECTION_FINDING, { id: 1, name: 'Create' }, severity, {
    finding_info: compact({
      uid: event.provenance.recordId ?? `${event.provenance.format}:${event.timeMs}:${rule ?? 'alert'}`,
      title: rule ?? message ?? `${event.provenance.format} alert`,
      desc: message,
      analytic: rule === undefined ? undefined : { name: rule, type_id: 1, type: 'Rule' },
      types: [event.provenance.format],
    }),
    status_id: 1,
    status: 'New',
    is_alert: true,
    evidences: evidence === undefined ? undefined : [evidence],
    container,
  });
}

const BASE_EVENT: OcsfClass = { uid: 0, name: 'Base Event', categoryUid: 0, categoryName: 'Uncategorized' };

/** Categories without a dedicated OCSF class mapping yet: a Base Event, every field kept under `unmapped`. */
function baseEvent(event: NormalizedEvent, fields: FieldReader): Record<string, unknown> {
  return envelope(event, fields, BASE_EVENT, { id: 99, name: 'Other' }, INFORMATIONAL, {});
}

const BUILDERS: Readonly<
  Partial<Record<EventCategory, (event: NormalizedEvent, fields: FieldReader) => Record<string, unknown>>>
> = {
  process_creation: processActivity,
  ps_script: scriptActivity,
  service_install: serviceActivity,
  container_launch: apiActivity,
  container_exec: apiActivity,
  cloud_api: apiActivity,
  alert: detectionFinding,
  ...activityBuilders,
};

/**
 * The event as an OCSF 1.x record (see docs/ocsf.md for the mapping per class). Fields OCSF has no attribute for
 * are kept under `unmapped`, with vmsentry's category, platform and provenance under `unmapped.vmsentry`.
 */
export function toOcsf(event: NormalizedEvent): Record<string, unknown> {
  return (BUILDERS[event.category] ?? baseEvent)(event, readerOf(event.fields));
}
