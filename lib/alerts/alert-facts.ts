import { type Alert, describePosition } from '../model';

/** One labelled value. Values are raw event text: every renderer escapes them for its medium. */
export interface Fact {
  readonly label: string;
  readonly value: string;
  /** Shown as code (command lines, scripts): never interpreted as markup. */
  readonly code?: 'command' | 'script';
}

/** What an analyst needs without opening another console, grouped the way they ask: what, where, who, when. */
export interface AlertFacts {
  readonly what: readonly Fact[];
  readonly where: readonly Fact[];
  readonly who: readonly Fact[];
  readonly parent: readonly Fact[];
  readonly when: readonly Fact[];
  readonly source: readonly Fact[];
}

export function alertFacts(alert: Alert): AlertFacts {
  const f = alert.event.fields as Readonly<Record<string, unknown>>;
  const host = alert.event.host as Readonly<Record<string, unknown>>;
  return {
    what: compact([
      fact('Image', f['Image']),
      fact('Command line', f['CommandLine'], 'command'),
      fact('Script', f['ScriptBlockText'], 'script'),
      fact('Script path', f['Path']),
      fact('Service', f['ServiceName']),
      fact('Service binary', f['ImagePath'], 'command'),
      fact('Service account', f['AccountName']),
      fact('Container image', f['ContainerImage']),
      fact('Container', f['ContainerName'] ?? f['ContainerId']),
      fact('Runtime', f['ContainerRuntime']),
      fact('Privileges', privilegesOf(f)),
      fact('API call', joinDefined([f['ApiService'], f['ApiOperation'], f['ApiResource'], f['ApiSubresource']], ' ')),
      fact('Result', f['ApiResult']),
      fact('Signer', f['Signer']),
      fact('Hashes', f['Hashes']),
      fact('Source message', f['Message']),
    ]),
    where: compact([
      fact('Host', alert.host),
      fact('Identities', identitiesOf(host)),
      fact('Namespace/pod', joinDefined([f['Namespace'], f['PodName']], '/')),
      fact('Working directory', f['CurrentDirectory']),
    ]),
    who: compact([
      fact('User', f['User']),
      fact('Login user', f['LoginUser']),
      fact('User id', f['UserId']),
      fact('Actor', f['Actor']),
      fact('Integrity', f['IntegrityLevel']),
      fact('Source IP', f['SourceIp']),
      fact('User agent', f['UserAgent']),
    ]),
    parent: compact([
      fact('Parent image', f['ParentImage']),
      fact('Parent command line', f['ParentCommandLine'], 'command'),
      fact('Parent PID', f['ParentProcessId']),
    ]),
    when: compact([fact('Event time', alert.event.time), fact('Seen', seenOf(alert))]),
    source: compact([
      fact('Format', alert.event.provenance.format),
      fact('Record', describePosition(alert.input)),
      fact('Record id', alert.event.provenance.recordId),
    ]),
  };
}

/** "3 times between <first> and <last> (window 3600 s)". */
export function seenOf(alert: Alert): string {
  const { count, firstSeen, lastSeen, windowSeconds } = alert.dedup;
  if (count <= 1) return `once (window ${windowSeconds} s)`;
  return `${count} times between ${firstSeen} and ${lastSeen} (window ${windowSeconds} s)`;
}

function privilegesOf(f: Readonly<Record<string, unknown>>): string | undefined {
  const flags = [
    f['Privileged'] === true ? 'privileged' : undefined,
    f['HostPID'] === true ? 'hostPID' : undefined,
    f['HostNetwork'] === true ? 'hostNetwork' : undefined,
    f['HostIPC'] === true ? 'hostIPC' : undefined,
    f['AllowPrivilegeEscalation'] === true ? 'allowPrivilegeEscalation' : undefined,
    f['Ephemeral'] === true ? 'ephemeral debug container' : undefined,
    textOf(f['RunAsUser']) !== undefined ? `runAsUser ${textOf(f['RunAsUser'])}` : undefined,
    textOf(f['CapabilitiesAdded']) !== undefined ? `capabilities ${textOf(f['CapabilitiesAdded'])}` : undefined,
    textOf(f['HostPathMounts']) !== undefined ? `host mounts ${textOf(f['HostPathMounts'])}` : undefined,
  ];
  return joinDefined(flags, ', ');
}

const IDENTITY_LABELS: readonly (readonly [string, string])[] = [
  ['hostname', 'hostname'],
  ['instanceId', 'instance'],
  ['agentId', 'agent'],
  ['cluster', 'cluster'],
  ['accountId', 'account'],
  ['region', 'region'],
  ['logStream', 'log stream'],
];

function identitiesOf(host: Readonly<Record<string, unknown>>): string | undefined {
  return joinDefined(
    IDENTITY_LABELS.map(([key, label]) => {
      const value = textOf(host[key]);
      return value === undefined ? undefined : `${label}=${value}`;
    }),
    ', ',
  );
}

/** A value as display text: strings as they are, numbers and booleans stringified, arrays joined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return joinDefined(value.map(textOf), ', ');
  return undefined;
}

function joinDefined(values: readonly unknown[], separator: string): string | undefined {
  const texts = values.map(textOf).filter((v): v is string => v !== undefined);
  return texts.length > 0 ? texts.join(separator) : undefined;
}

function fact(label: string, value: unknown, code?: Fact['code']): Fact | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  return code ? { label, value: text, code } : { label, value: text };
}

function compact(facts: readonly (Fact | undefined)[]): Fact[] {
  return facts.filter((f): f is Fact => f !== undefined);
}
