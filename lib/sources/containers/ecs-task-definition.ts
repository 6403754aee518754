import type { ContainerFields } from '../../model';
import { isRecord, path, prop, str } from '../common';
import { addUnique, bool, capabilityName, listOf, stringsOf } from './values';

/** What an ECS RegisterTaskDefinition request says about the containers it will run. */
export type TaskDefinitionFields = Pick<
  ContainerFields,
  | 'Privileged'
  | 'HostPID'
  | 'HostNetwork'
  | 'HostIPC'
  | 'HostPathMounts'
  | 'CapabilitiesAdded'
  | 'RunAsUser'
  | 'ContainerImage'
  | 'ContainerName'
> & { CommandLine?: string };

interface ContainerView {
  readonly name: string | undefined;
  readonly image: string | undefined;
  readonly privileged: boolean | undefined;
  readonly user: string | undefined;
  readonly capabilities: readonly string[];
  readonly hostPaths: readonly string[];
  readonly command: readonly string[];
}

/**
 * Reads RegisterTaskDefinition requestParameters (the ECS API request body): containerDefinitions[].privileged,
 * linuxParameters.capabilities.add, mountPoints joined to volumes[].host.sourcePath, pidMode/ipcMode/networkMode
 * 'host'. The most privileged container names the event.
 */
export function readTaskDefinition(request: Record<string, unknown>): TaskDefinitionFields {
  const hostVolumes = hostVolumesOf(request);
  const containers: ContainerView[] = [];
  for (const definition of listOf(prop(request, 'containerDefinitions'))) {
    if (isRecord(definition)) containers.push(viewOf(definition, hostVolumes));
  }
  const fields: { -readonly [K in keyof TaskDefinitionFields]: TaskDefinitionFields[K] } = {};
  if (containers.length > 0) fields.Privileged = containers.some((c) => c.privileged === true);
  fields.HostPID = prop(request, 'pidMode') === 'host';
  fields.HostIPC = prop(request, 'ipcMode') === 'host';
  fields.HostNetwork = prop(request, 'networkMode') === 'host';

  const hostPaths: string[] = [];
  const capabilities: string[] = [];
  for (const container of containers) {
    for (const hostPath of container.hostPaths) addUnique(hostPaths, hostPath);
    for (const cap of container.capabilities) addUnique(capabilities, cap);
  }
  if (hostPaths.length > 0) fields.HostPathMounts = hostPaths;
  if (capabilities.length > 0) fields.CapabilitiesAdded = capabilities;

  const chosen = mostPrivileged(containers);
  if (chosen?.name !== undefined) fields.ContainerName = chosen.name;
  if (chosen?.image !== undefined) fields.ContainerImage = chosen.image;
  if (chosen?.user !== undefined) fields.RunAsUser = chosen.user;
  if (chosen !== undefined && chosen.command.length > 0) fields.CommandLine = chosen.command.join(' ');
  return fields;
}

/** Volume name -> host source path, for volumes bound to a host directory. */
function hostVolumesOf(request: Record<string, unknown>): Map<string, string> {
  const volumes = new Map<string, string>();
  for (const volume of listOf(prop(request, 'volumes'))) {
    const name = str(prop(volume, 'name'));
    const sourcePath = str(path(volume, 'host', 'sourcePath'));
    if (name !== undefined && sourcePath !== undefined) volumes.set(name, sourcePath);
  }
  return volumes;
}

function viewOf(definition: Record<string, unknown>, hostVolumes: ReadonlyMap<string, string>): ContainerView {
  const capabilities: string[] = [];
  for (const cap of listOf(path(definition, 'linuxParameters', 'capabilities', 'add'))) {
    addUnique(capabilities, capabilityName(cap));
  }
  const hostPaths: string[] = [];
  for (const mount of listOf(prop(definition, 'mountPoints'))) {
    const volume = str(prop(mount, 'sourceVolume'));
    if (volume !== undefined) addUnique(hostPaths, hostVolumes.get(volume));
  }
  return {
    name: str(prop(definition, 'name')),
    image: str(prop(definition, 'image')),
    privileged: bool(prop(definition, 'privileged')),
    user: str(prop(definition, 'user')),
    capabilities,
    hostPaths,
    command: [...stringsOf(prop(definition, 'entryPoint')), ...stringsOf(prop(definition, 'command'))],
  };
}

/** Privileged first, then host mounts and added capabilities; the first container wins ties. */
function mostPrivileged(containers: readonly ContainerView[]): ContainerView | undefined {
  let best: ContainerView | undefined;
  let bestScore = -1;
  for (const container of containers) {
    const score =
      (container.privileged === true ? 10_000 : 0) + container.hostPaths.length * 100 + container.capabilities.length;
    if (score > bestScore) {
      best = container;
      bestScore = score;
    }
  }
  return best;
}
