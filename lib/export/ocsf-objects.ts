import type { HostIdentity, NormalizedEvent, Platform } from '../model';
import { compact, type FieldReader } from './ocsf-fields';

/** The OCSF schema version the export targets: the first release with Script Activity (1009). */
export const OCSF_VERSION = '1.4.0';
/** The Windows extension, which defines Windows Service Activity (201004). */
export const WINDOWS_EXTENSION = { name: 'win', uid: '2', version: '1.1.0' } as const;

const OS: Partial<Record<Platform, { name: string; type: string; type_id: number }>> = {
  windows: { name: 'Windows', type: 'Windows', type_id: 100 },
  linux: { name: 'Linux', type: 'Linux', type_id: 200 },
  macos: { name: 'macOS', type: 'macOS', type_id: 300 },
};

/** OCSF fingerprint algorithm ids for the digests a Sysmon-style Hashes value may list. */
const HASH_ALGORITHMS: ReadonlyMap<string, { id: number; name: string }> = new Map([
  ['MD5', { id: 1, name: 'MD5' }],
  ['SHA1', { id: 2, name: 'SHA-1' }],
  ['SHA256', { id: 3, name: 'SHA-256' }],
  ['SHA512', { id: 4, name: 'SHA-512' }],
]);

/** `device`: the host the event happened on (the `host` profile). */
export function deviceOf(host: HostIdentity, platform: Platform): Record<string, unknown> | undefined {
  if (host.hostname === undefined && host.instanceId === undefined && host.agentId === undefined) return undefined;
  return compact({
    hostname: host.hostname,
    instance_uid: host.instanceId,
    uid: host.agentId,
    region: host.region,
    type_id: 0,
    type: 'Unknown',
    os: OS[platform],
  });
}

/** `cloud`: the AWS account and region the envelope named. */
export function cloudOf(host: HostIdentity): Record<string, unknown> | undefined {
  if (host.accountId === undefined && host.region === undefined) return undefined;
  return compact({
    provider: 'AWS',
    region: host.region,
    account: host.accountId === undefined ? undefined : { uid: host.accountId },
  });
}

/** `metadata`: vmsentry as the product, the source's record id and log coordinates. */
export function metadataOf(event: NormalizedEvent, fields: FieldReader, extras: Record<string, unknown> = {}) {
  const eventId = fields.take('EventID');
  return compact({
    version: OCSF_VERSION,
    product: { name: 'vmsentry', vendor_name: 'vmsentry' },
    uid: event.provenance.recordId,
    log_name: fields.take('Channel') ?? event.provenance.format,
    log_provider: fields.take('Provider'),
    event_code: eventId === undefined ? undefined : String(eventId),
    original_time: event.time,
    ...extras,
  });
}

/**
 * `hashes`: OCSF fingerprints from a `SHA256=...,MD5=...` value; unknown algorithms are kept as Other (99). A value
 * that does not read as such a list gives undefined, so the caller leaves it under `unmapped` rather than lose it.
 */
export function fingerprintsOf(hashes: string | undefined): Record<string, unknown>[] | undefined {
  if (hashes === undefined) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const part of hashes.split(',')) {
    const match = /^\s*([A-Za-z0-9-]+)=([0-9A-Fa-f]+)\s*$/.exec(part);
    if (!match?.[1] || !match[2]) return undefined;
    const known = HASH_ALGORITHMS.get(match[1].toUpperCase().replace('-', ''));
    list.push(
      known
        ? { algorithm_id: known.id, algorithm: known.name, value: match[2] }
        : { algorithm_id: 99, algorithm: match[1], value: match[2] },
    );
  }
  return list;
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut < 0 ? path : path.slice(cut + 1);
}

/** A `file` object for a path (type Regular File), or undefined without a path. */
export function fileOf(
  path: string | undefined,
  details: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  if (path === undefined) return undefined;
  return compact({ name: baseName(path), path, type_id: 1, type: 'Regular File', ...details });
}

/**
 * Which file details describe the process's own image: all of them for a process event; its version info but not
 * Hashes when the event is about another file (Hashes then describe that file); none for a load, where Sysmon's
 * version info and Hashes describe the loaded module.
 */
export type ProcessFileDetails = 'all' | 'version' | 'none';

/** A process as an OCSF `process`, its parent nested: the new process of a launch, the actor of any other event. */
export function processOf(
  fields: FieldReader,
  details: ProcessFileDetails = 'all',
): Record<string, unknown> | undefined {
  const image = fields.take('Image');
  return compact({
    pid: fields.take('ProcessId'),
    uid: fields.take('ProcessGuid'),
    name: image === undefined ? undefined : baseName(image),
    cmd_line: fields.take('CommandLine'),
    // File details are only claimed when there is a file to hang them on; otherwise they stay unmapped.
    file:
      image === undefined
        ? undefined
        : fileOf(image, details === 'none' ? {} : fileDetailsOf(fields, details === 'all')),
    user: userOf(fields),
    integrity: fields.take('IntegrityLevel'),
    working_directory: fields.take('CurrentDirectory'),
    session: compact({ uid: fields.take('LogonId') }),
    parent_process: parentProcessOf(fields),
  });
}

/** Hashes (when they read as a list) and version info as OCSF `file` attributes. */
export function fileDetailsOf(fields: FieldReader, withHashes = true): Record<string, unknown> {
  const fingerprints = withHashes ? fingerprintsOf(fields.peek('Hashes')) : undefined;
  if (fingerprints !== undefined) fields.take('Hashes');
  const product = fields.take('Product');
  return {
    hashes: fingerprints,
    company_name: fields.take('Company'),
    desc: fields.take('Description'),
    version: fields.take('FileVersion'),
    product: product === undefined ? undefined : { name: product },
  };
}

/** The parent process (the actor of a launch). */
export function parentProcessOf(fields: FieldReader): Record<string, unknown> | undefined {
  const image = fields.take('ParentImage');
  return compact({
    pid: fields.take('ParentProcessId'),
    uid: fields.take('ParentProcessGuid'),
    name: image === undefined ? undefined : baseName(image),
    cmd_line: fields.take('ParentCommandLine'),
    file: fileOf(image),
  });
}

/** The `user` the process ran as. */
export function userOf(fields: FieldReader): Record<string, unknown> | undefined {
  return compact({ name: fields.take('User'), uid: fields.take('UserId') });
}

/** The `container` object (container profile); OCSF requires an image, so it is kept even when only named. */
export function containerOf(fields: FieldReader): Record<string, unknown> | undefined {
  const image = fields.take('ContainerImage');
  const container = compact({
    uid: fields.take('ContainerId'),
    name: fields.take('ContainerName'),
    runtime: fields.take('ContainerRuntime'),
    image: image === undefined ? undefined : imageOf(image),
  });
  if (container === undefined) return undefined;
  const orchestrated = fields.peek('PodName') !== undefined || fields.peek('Namespace') !== undefined;
  return orchestrated ? { ...container, orchestrator: 'Kubernetes' } : container;
}

/** An OCSF image: the reference as given (`registry/repo:tag`), plus its tag or `sha256:` digest when it has one. */
function imageOf(reference: string): Record<string, unknown> {
  const at = reference.indexOf('@');
  if (at >= 0) return compact({ name: reference, uid: reference.slice(at + 1) || undefined }) ?? { name: reference };
  const colon = reference.lastIndexOf(':');
  const tag = colon > reference.lastIndexOf('/') ? reference.slice(colon + 1) : '';
  return tag === '' ? { name: reference } : { name: reference, tag };
}
