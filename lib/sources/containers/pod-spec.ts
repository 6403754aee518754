import type { ContainerFields } from '../../model';
import { int, isRecord, path, prop, str } from '../common';
import { addUnique, bool, capabilityName, listOf } from './values';

/** The pod-spec facts a container launch carries. */
export type PodSecurityFields = Pick<
  ContainerFields,
  | 'Privileged'
  | 'HostPID'
  | 'HostNetwork'
  | 'HostIPC'
  | 'HostPathMounts'
  | 'CapabilitiesAdded'
  | 'AllowPrivilegeEscalation'
  | 'RunAsUser'
  | 'ContainerImage'
  | 'ContainerName'
>;

export interface PodSpecReading {
  /**
   * The object is a whole pod (create, update): settings left out take their Kubernetes defaults (false).
   * A patch is partial, so only what it states is reported.
   */
  readonly complete: boolean;
  /** Only the newest ephemeral container counts (the `pods/ephemeralcontainers` subresource adds one at a time). */
  readonly newestEphemeralOnly: boolean;
}

interface ContainerView {
  readonly name: string | undefined;
  readonly image: string | undefined;
  readonly privileged: boolean | undefined;
  readonly allowPrivilegeEscalation: boolean | undefined;
  readonly runAsUser: number | undefined;
  readonly capabilities: readonly string[];
}

/** Workload kinds whose pod template sits at spec.template.spec; CronJobs nest one level deeper. */
const TEMPLATE_RESOURCES = new Set([
  'deployments',
  'daemonsets',
  'statefulsets',
  'replicasets',
  'replicationcontrollers',
  'jobs',
]);

/** The resources whose create/update/patch starts (or will start) pods. */
export function isPodCarryingResource(resource: string): boolean {
  return resource === 'pods' || resource === 'cronjobs' || TEMPLATE_RESOURCES.has(resource);
}

/** The pod spec inside a request object for this resource, if the object holds one. */
export function podSpecOf(requestObject: unknown, resource: string): Record<string, unknown> | undefined {
  let spec: unknown;
  if (resource === 'pods') spec = path(requestObject, 'spec');
  else if (resource === 'cronjobs') spec = path(requestObject, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  else if (TEMPLATE_RESOURCES.has(resource)) spec = path(requestObject, 'spec', 'template', 'spec');
  return isRecord(spec) ? spec : undefined;
}

/** Reads the security-relevant settings of a pod spec, reporting the most privileged container's identity. */
export function readPodSpec(spec: Record<string, unknown>, reading: PodSpecReading): PodSecurityFields {
  const containers = containersOf(spec, reading.newestEphemeralOnly);
  const chosen = mostPrivileged(containers);
  const podRunAsUser = int(path(spec, 'securityContext', 'runAsUser'));
  const fields: { -readonly [K in keyof PodSecurityFields]: PodSecurityFields[K] } = {};

  const privileged = anyFlag(containers.map((c) => c.privileged));
  setFlag(fields, 'Privileged', privileged, reading.complete && containers.length > 0);
  setFlag(fields, 'HostPID', bool(prop(spec, 'hostPID')), reading.complete);
  setFlag(fields, 'HostNetwork', bool(prop(spec, 'hostNetwork')), reading.complete);
  setFlag(fields, 'HostIPC', bool(prop(spec, 'hostIPC')), reading.complete);
  const escalation = anyFlag(containers.map((c) => c.allowPrivilegeEscalation));
  if (escalation !== undefined) fields.AllowPrivilegeEscalation = escalation;

  const hostPaths: string[] = [];
  for (const volume of listOf(prop(spec, 'volumes'))) addUnique(hostPaths, str(path(volume, 'hostPath', 'path')));
  if (hostPaths.length > 0) fields.HostPathMounts = hostPaths;

  const capabilities: string[] = [];
  for (const container of containers) for (const cap of container.capabilities) addUnique(capabilities, cap);
  if (capabilities.length > 0) fields.CapabilitiesAdded = capabilities;

  const runAsUser = chosen?.runAsUser ?? podRunAsUser;
  if (runAsUser !== undefined) fields.RunAsUser = String(runAsUser);
  if (chosen?.image !== undefined) fields.ContainerImage = chosen.image;
  if (chosen?.name !== undefined) fields.ContainerName = chosen.name;
  return fields;
}

function containersOf(spec: Record<string, unknown>, newestEphemeralOnly: boolean): ContainerView[] {
  if (newestEphemeralOnly) {
    // Kubernetes appends: the last entry is the one this request adds. Read the real tail of a long list.
    const all = prop(spec, 'ephemeralContainers');
    const last = Array.isArray(all) ? all[all.length - 1] : undefined;
    return isRecord(last) ? [viewOf(last)] : [];
  }
  const out: ContainerView[] = [];
  for (const list of [
    listOf(prop(spec, 'containers')),
    listOf(prop(spec, 'initContainers')),
    listOf(prop(spec, 'ephemeralContainers')),
  ]) {
    for (const item of list) if (isRecord(item)) out.push(viewOf(item));
  }
  return out;
}

function viewOf(container: Record<string, unknown>): ContainerView {
  const context = prop(container, 'securityContext');
  const capabilities: string[] = [];
  for (const cap of listOf(path(context, 'capabilities', 'add'))) addUnique(capabilities, capabilityName(cap));
  return {
    name: str(prop(container, 'name')),
    image: str(prop(container, 'image')),
    privileged: bool(prop(context, 'privileged')),
    allowPrivilegeEscalation: bool(prop(context, 'allowPrivilegeEscalation')),
    runAsUser: int(prop(context, 'runAsUser')),
    capabilities,
  };
}

/** Privileged first, then the most added capabilities, then root; the first container wins ties. */
function mostPrivileged(containers: readonly ContainerView[]): ContainerView | undefined {
  let best: ContainerView | undefined;
  let bestScore = -1;
  for (const container of containers) {
    const score =
      (container.privileged === true ? 1000 : 0) +
      Math.min(container.capabilities.length, 64) * 10 +
      (container.runAsUser === 0 ? 5 : 0) +
      (container.allowPrivilegeEscalation === true ? 1 : 0);
    if (score > bestScore) {
      best = container;
      bestScore = score;
    }
  }
  return best;
}

/** true if any says true; false if some say false and none true; undefined when none say. */
function anyFlag(values: readonly (boolean | undefined)[]): boolean | undefined {
  if (values.includes(true)) return true;
  return values.includes(false) ? false : undefined;
}

function setFlag(
  fields: { Privileged?: boolean; HostPID?: boolean; HostNetwork?: boolean; HostIPC?: boolean },
  name: 'Privileged' | 'HostPID' | 'HostNetwork' | 'HostIPC',
  value: boolean | undefined,
  defaultsToFalse: boolean,
): void {
  if (value !== undefined) fields[name] = value;
  else if (defaultsToFalse) fields[name] = false;
}
