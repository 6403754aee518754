import type { EventFields, NormalizedEvent, Platform } from '../../model';
import { defined, failure, hostOf, isRecord, prop, provenanceOf, str, timeOf } from '../common';
import { ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { addUnique, bool, bounded, listOf, MAX_LIST_ITEMS } from './values';

const FORMAT = 'falco';
/** Falco's `output` repeats the fields; a bounded copy is enough for alerts. */
const MAX_MESSAGE = 2048;
/** output_fields keys scanned for indexed mount fields (container.mount.source[/]). */
const MAX_SCANNED_KEYS = 512;

interface LaunchRule {
  /** What the rule's condition guarantees when the alert does not carry the field itself. */
  readonly implies?: { readonly Privileged?: true; readonly HostNetwork?: true };
}

/**
 * Falco's stock rules that fire when a container or pod starts (syscall and k8s_audit sources). Their alerts are
 * container launches with settings; any other rule is carried through as a generic alert.
 */
const LAUNCH_RULES: ReadonlyMap<string, LaunchRule> = new Map<string, LaunchRule>([
  ['launch privileged container', { implies: { Privileged: true } }],
  ['create privileged pod', { implies: { Privileged: true } }],
  ['launch sensitive mount container', {}],
  ['create sensitive mount pod', {}],
  ['launch disallowed container', {}],
  ['create disallowed pod', {}],
  ['launch excessively capable container', {}],
  ['create hostnetwork pod', { implies: { HostNetwork: true } }],
]);

/** Falco writes these for fields it could not resolve. */
const NOT_AVAILABLE = new Set(['<NA>', 'N/A', '']);

/** Falco alerts in json_output form (stdout/file/http output, Falcosidekick to CloudWatch Logs). */
export const falcoParser: ParserFactory = {
  format: FORMAT,
  description: 'Falco JSON alerts (json_output: rule, priority, output, time, output_fields, hostname)',
  create: (): RecordParser => ({ format: FORMAT, sniff: isFalcoAlert, parse: parseFalcoAlert }),
};

function isFalcoAlert(input: RecordInput): boolean {
  const json = input.json;
  return (
    typeof prop(json, 'rule') === 'string' &&
    typeof prop(json, 'priority') === 'string' &&
    typeof prop(json, 'output') === 'string' &&
    (isRecord(prop(json, 'output_fields')) || typeof prop(json, 'time') === 'string')
  );
}

function parseFalcoAlert(input: RecordInput): ParseOutcome {
  const alert = input.json;
  if (alert === undefined || !isFalcoAlert(input)) {
    return failure(
      input,
      FORMAT,
      'invalid-record',
      'not a Falco alert (rule, priority, output, output_fields or time)',
    );
  }
  const rawFields = prop(alert, 'output_fields');
  if (rawFields !== undefined && !isRecord(rawFields)) {
    return failure(input, FORMAT, 'invalid-record', 'output_fields is not an object');
  }
  const of = rawFields ?? {};
  const value = (key: string): string | undefined => available(prop(of, key));
  const time = timeOf(prop(alert, 'time') ?? prop(of, 'evt.time'), input);
  if (time === undefined) return failure(input, FORMAT, 'missing-field', 'time and evt.time are missing or invalid');

  const rule = String(prop(alert, 'rule'));
  const launch = LAUNCH_RULES.get(rule.trim().toLowerCase());
  const podName = value('k8s.pod.name') ?? value('ka.resp.name') ?? value('ka.target.name');
  const namespace = value('k8s.ns.name') ?? value('ka.target.namespace');
  const hostPaths = hostPathsOf(of);
  const fields: EventFields = defined({
    FalcoRule: rule,
    FalcoPriority: String(prop(alert, 'priority')),
    Message: bounded(String(prop(alert, 'output')), MAX_MESSAGE),
    ContainerRuntime: value('container.type'),
    ContainerImage: imageOf(of),
    ContainerName: notHost(value('container.name')),
    ContainerId: notHost(value('container.id')),
    PodName: podName,
    Namespace: namespace,
    Privileged:
      bool(prop(of, 'container.privileged')) ??
      anyTrue(prop(of, 'ka.req.pod.containers.privileged')) ??
      launch?.implies?.Privileged,
    HostNetwork: bool(prop(of, 'ka.req.pod.host_network')) ?? launch?.implies?.HostNetwork,
    HostPathMounts: hostPaths.length > 0 ? hostPaths : undefined,
    CommandLine: value('proc.cmdline'),
    Image: value('proc.exepath') ?? value('proc.exe') ?? value('proc.name'),
    ParentImage: value('proc.pexepath') ?? value('proc.pname'),
    User: value('user.name'),
    Actor: value('ka.user.name'),
  });
  const event: NormalizedEvent = {
    category: launch === undefined ? 'alert' : 'container_launch',
    platform: platformOf(str(prop(alert, 'source')), podName ?? namespace),
    time: time.time,
    timeMs: time.timeMs,
    host: hostOf(input, { hostname: str(prop(alert, 'hostname')) ?? value('evt.hostname') }),
    provenance: provenanceOf(input, FORMAT, str(prop(alert, 'uuid'))),
    fields,
    raw: alert,
  };
  return ok([event]);
}

/** Alerts from Falco's CloudTrail plugin concern AWS; k8s_audit alerts and pod-scoped syscall alerts, Kubernetes. */
function platformOf(source: string | undefined, podOrNamespace: string | undefined): Platform {
  if (source === 'aws_cloudtrail') return 'aws';
  return source === 'k8s_audit' || podOrNamespace !== undefined ? 'kubernetes' : 'linux';
}

/** A field value as text, or undefined when Falco marks it unavailable. Lists give their first item. */
function available(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const text = str(first);
  return text === undefined || NOT_AVAILABLE.has(text.trim()) ? undefined : text;
}

/** Falco reports host processes with container id/name "host": that is no container. */
function notHost(value: string | undefined): string | undefined {
  return value === 'host' ? undefined : value;
}

function imageOf(of: Record<string, unknown>): string | undefined {
  const repository = available(prop(of, 'container.image.repository'));
  const tag = available(prop(of, 'container.image.tag'));
  if (repository !== undefined) return tag === undefined ? repository : `${repository}:${tag}`;
  return available(prop(of, 'container.image')) ?? firstListItem(prop(of, 'ka.req.pod.containers.image'));
}

/** k8s_audit list fields arrive as JSON arrays or as "[a,b]" text depending on the Falco version. */
function listItems(value: unknown): string[] {
  if (Array.isArray(value)) return listOf(value).flatMap((item) => (typeof item === 'string' ? [item] : []));
  if (typeof value !== 'string') return [];
  const inner = value
    .trim()
    .replace(/^[[(]/, '')
    .replace(/[\])]$/, '');
  return inner
    .split(',', MAX_LIST_ITEMS)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !NOT_AVAILABLE.has(item));
}

function firstListItem(value: unknown): string | undefined {
  return listItems(value)[0];
}

function anyTrue(value: unknown): boolean | undefined {
  const flags = Array.isArray(value) ? listOf(value).map(bool) : listItems(value).map(bool);
  if (flags.includes(true)) return true;
  return flags.includes(false) ? false : undefined;
}

/**
 * Host paths from container.mounts ("source:dest:mode:rdrw:propagation" items, comma separated), indexed
 * container.mount.source[...] fields, and the k8s_audit ka.req.pod.volumes.hostpath list.
 */
function hostPathsOf(of: Record<string, unknown>): string[] {
  const paths: string[] = [];
  const mounts = prop(of, 'container.mounts');
  if (typeof mounts === 'string') {
    for (const item of mounts.split(/[,\s]+/, MAX_LIST_ITEMS)) addUnique(paths, absolute(item.split(':', 1)[0]));
  }
  for (const key of Object.keys(of).slice(0, MAX_SCANNED_KEYS)) {
    if (key.startsWith('container.mount.source')) addUnique(paths, absolute(available(prop(of, key))));
  }
  for (const item of listItems(prop(of, 'ka.req.pod.volumes.hostpath'))) addUnique(paths, absolute(item));
  return paths;
}

function absolute(value: string | undefined): string | undefined {
  return value?.startsWith('/') ? value : undefined;
}
