import type { FormatName, NormalizedEvent } from '../model';

/**
 * Sigma and source-native field names that mean one of our normalized fields. Consulted after `fields` and before
 * the raw record, so rules written for another taxonomy (Security 4688, MDE, 7045 variants) still run.
 */
const SIGMA_ALIASES: Readonly<Record<string, readonly string[]>> = {
  Provider_Name: ['Provider'],
  NewProcessName: ['Image'],
  ParentProcessName: ['ParentImage'],
  ProcessCommandLine: ['CommandLine'],
  InitiatingProcessCommandLine: ['ParentCommandLine'],
  SubjectUserName: ['User'],
  TargetUserName: ['User'],
  ServiceFileName: ['ImagePath'],
  NewProcessId: ['ProcessId'],
  ProcessName: ['Image'],
};

/**
 * Source-native names, used only when the raw record does not carry them (events re-read in the `normalized`
 * format keep no raw record).
 */
const NATIVE_ALIASES: Partial<Record<FormatName | 'kubernetes' | 'aws', Readonly<Record<string, readonly string[]>>>> =
  {
    'k8s-audit': {
      verb: ['ApiOperation'],
      'objectRef.resource': ['ApiResource'],
      'objectRef.subresource': ['ApiSubresource'],
      'objectRef.namespace': ['Namespace'],
      'objectRef.name': ['PodName'],
      'user.username': ['Actor'],
      sourceIPs: ['SourceIp'],
      userAgent: ['UserAgent'],
    },
    cloudtrail: {
      eventName: ['ApiOperation'],
      eventSource: ['ApiService'],
      sourceIPAddress: ['SourceIp'],
      userAgent: ['UserAgent'],
      'userIdentity.arn': ['Actor'],
      errorCode: ['ApiResult'],
    },
  };

/** Every Sigma and source-native alias name (allowlist validation warns on names that are neither this nor a model field). */
export function aliasFieldNames(): string[] {
  const native = Object.values(NATIVE_ALIASES).flatMap((table) => Object.keys(table ?? {}));
  return [...new Set([...Object.keys(SIGMA_ALIASES), ...native])];
}

/** Alias lookup by own key only: a rule field named `constructor` must not find Object.prototype members. */
function aliasOf(
  table: Readonly<Record<string, readonly string[]>> | undefined,
  name: string,
): readonly string[] | undefined {
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

function nativeAliases(event: NormalizedEvent): Readonly<Record<string, readonly string[]>> | undefined {
  const format = event.provenance.format;
  const byFormat = Object.hasOwn(NATIVE_ALIASES, format) ? NATIVE_ALIASES[format] : undefined;
  if (byFormat) return byFormat;
  if (event.platform === 'kubernetes') return NATIVE_ALIASES['k8s-audit'];
  if (event.platform === 'aws') return NATIVE_ALIASES.cloudtrail;
  return undefined;
}

function own(record: unknown, key: string): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

function fromFields(event: NormalizedEvent, names: readonly string[] | undefined): unknown {
  if (!names) return undefined;
  for (const name of names) {
    const value = own(event.fields, name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/**
 * Dotted-path lookup. Keys that themselves contain dots (`authorization.k8s.io/decision`) are tried longest first;
 * arrays on the way are walked element by element and the results flattened.
 */
function dotted(value: unknown, parts: readonly string[], from: number, depth: number): unknown[] {
  if (from === parts.length) return value === undefined || value === null ? [] : [value];
  if (depth > 32) return [];
  if (Array.isArray(value)) return value.flatMap((item) => dotted(item, parts, from, depth + 1));
  const out: unknown[] = [];
  for (let end = parts.length; end > from; end--) {
    const child = own(value, parts.slice(from, end).join('.'));
    if (child !== undefined) out.push(...dotted(child, parts, end, depth + 1));
  }
  return out;
}

/**
 * Resolve a rule's field name against an event: the normalized (Sigma-named) field first, then Sigma aliases, then
 * the raw record by exact key, then by dotted path (arrays flattened), then source-native aliases. `undefined` when
 * the event has no such field.
 */
export function getField(event: NormalizedEvent, name: string): unknown {
  const direct = own(event.fields, name);
  if (direct !== undefined && direct !== null) return direct;
  const aliased = fromFields(event, aliasOf(SIGMA_ALIASES, name));
  if (aliased !== undefined) return aliased;
  if (event.raw) {
    const exact = own(event.raw, name);
    if (exact !== undefined && exact !== null) return exact;
    if (name.includes('.')) {
      const found = dotted(event.raw, name.split('.'), 0, 0);
      if (found.length === 1) return found[0];
      if (found.length > 1) return found;
    }
  }
  return fromFields(event, aliasOf(nativeAliases(event), name));
}
