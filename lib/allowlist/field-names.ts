import type { FieldName } from '../model';
import { aliasFieldNames } from '../rules/field-resolution';

/** Every normalized field name; a Record keyed by FieldName makes the compiler keep this list complete. */
const MODEL_FIELDS: Record<FieldName, true> = {
  Image: true,
  OriginalFileName: true,
  CommandLine: true,
  CurrentDirectory: true,
  ProcessId: true,
  ProcessGuid: true,
  ParentImage: true,
  ParentCommandLine: true,
  ParentProcessId: true,
  ParentProcessGuid: true,
  User: true,
  UserId: true,
  LoginUser: true,
  LogonId: true,
  IntegrityLevel: true,
  Hashes: true,
  Product: true,
  Company: true,
  Description: true,
  FileVersion: true,
  Signer: true,
  Args: true,
  ScriptBlockText: true,
  ScriptBlockId: true,
  Path: true,
  MessageNumber: true,
  MessageTotal: true,
  Partial: true,
  ServiceName: true,
  ImagePath: true,
  ServiceType: true,
  StartType: true,
  AccountName: true,
  ContainerRuntime: true,
  ContainerImage: true,
  ContainerName: true,
  ContainerId: true,
  PodName: true,
  Namespace: true,
  Privileged: true,
  HostPID: true,
  HostNetwork: true,
  HostIPC: true,
  HostPathMounts: true,
  CapabilitiesAdded: true,
  AllowPrivilegeEscalation: true,
  RunAsUser: true,
  Actor: true,
  Ephemeral: true,
  ApiService: true,
  ApiOperation: true,
  ApiResource: true,
  ApiSubresource: true,
  SourceIp: true,
  UserAgent: true,
  ApiResult: true,
  EventID: true,
  Channel: true,
  Provider: true,
  FalcoRule: true,
  FalcoPriority: true,
  Message: true,
  Initiated: true,
  Protocol: true,
  SourcePort: true,
  SourceHostname: true,
  DestinationIp: true,
  DestinationPort: true,
  DestinationHostname: true,
  DestinationIsIpv6: true,
  QueryName: true,
  QueryStatus: true,
  QueryResults: true,
  ImageLoaded: true,
  Signed: true,
  Signature: true,
  SignatureStatus: true,
  TargetFilename: true,
  TargetFilenameNew: true,
  SourceFilename: true,
  CreationUtcTime: true,
  PreviousCreationUtcTime: true,
  IsExecutable: true,
  Contents: true,
  FileOperation: true,
  AuditKey: true,
  TargetObject: true,
  Details: true,
  EventType: true,
  NewName: true,
  SourceImage: true,
  SourceProcessId: true,
  SourceProcessGuid: true,
  TargetImage: true,
  TargetProcessId: true,
  TargetProcessGuid: true,
  GrantedAccess: true,
  CallTrace: true,
  StartAddress: true,
  StartModule: true,
  StartFunction: true,
  PipeName: true,
  Payload: true,
  ContextInfo: true,
  Data: true,
};

export function isModelField(name: string): boolean {
  return Object.hasOwn(MODEL_FIELDS, name);
}

/**
 * Names a rule can resolve without the raw record: model fields and Sigma/source aliases (lib/rules/field-resolution),
 * indexed by lowercased name so a case mistake finds its intended field in one lookup.
 */
const KNOWN: ReadonlySet<string> = new Set([...Object.keys(MODEL_FIELDS), ...aliasFieldNames()]);
// Model fields last, so where a model field and a native alias differ only in case (UserAgent, userAgent) the
// suggestion is the model field.
const KNOWN_BY_LOWER: ReadonlyMap<string, string> = new Map(
  [...aliasFieldNames(), ...Object.keys(MODEL_FIELDS)].map((name) => [name.toLowerCase(), name]),
);

/** Suggestions are looked for only among names this close: further away a guess misleads more than it helps. */
const MAX_SUGGESTION_DISTANCE = 2;
/** Longer names are not compared at all, which keeps the check linear in the entry's size. */
const MAX_SUGGESTION_NAME = 64;

/**
 * Why an allowlist match field will probably never match, or undefined when it resolves like a rule field. A warning,
 * not an error: a field outside the model may still name a key of the raw record. Dotted names are raw-record paths
 * and are only checked for a case mistake on a known alias. Field matching is case-sensitive, so `image` never finds
 * `Image`: the case-insensitive lookup names the intended field, and a bounded edit distance catches near misses.
 */
export function fieldNameWarning(name: string): string | undefined {
  if (KNOWN.has(name)) return undefined;
  const suggestion = KNOWN_BY_LOWER.get(name.toLowerCase()) ?? (name.includes('.') ? undefined : nearest(name));
  if (suggestion) return `field '${name}' is not a model field; did you mean '${suggestion}'?`;
  if (name.includes('.')) return undefined;
  return `field '${name}' is not a model field or a known alias: it matches only raw records that carry it`;
}

function nearest(name: string): string | undefined {
  if (name.length > MAX_SUGGESTION_NAME) return undefined;
  const lowered = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const [candidate, canonical] of KNOWN_BY_LOWER) {
    const distance = boundedDistance(lowered, candidate, bestDistance - 1);
    if (distance < bestDistance) {
      best = canonical;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, or limit + 1 as soon as it must exceed limit (length gap, or a row all above it). */
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
