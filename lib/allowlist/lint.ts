import { type AllowlistEntry, type FieldName, GLOBAL_HOST, isInstanceId } from '../model';
import { compileGlob } from './glob';
import { partitionOf } from './host';
import { entryIdFor } from './item';
import { DAY_SECONDS, DEFAULT_MAX_DAYS, isBroad } from './policy';

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

export type LintKind =
  | 'expired'
  | 'broad'
  | 'any-value'
  | 'unpinned'
  | 'never-matching'
  | 'duplicate'
  | 'unbounded'
  | 'malformed';

export interface LintFinding {
  readonly kind: LintKind;
  readonly host: string;
  readonly id: string;
  readonly detail: string;
}

/** Findings for a set of entries: what an auditor should look at. Pure. */
export function lintEntries(
  entries: readonly AllowlistEntry[],
  nowSeconds: number,
  maxDays = DEFAULT_MAX_DAYS,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const id = entry.id ?? entryIdFor(entry);
    const at = (kind: LintKind, detail: string) => findings.push({ kind, host: entry.host, id, detail });
    if (entry.expiresAt === undefined) at('unbounded', 'no expiresAt: the entry never ends');
    else if (entry.expiresAt <= nowSeconds)
      at('expired', `expired ${new Date(entry.expiresAt * 1000).toISOString()} (kept for audit; remove when done)`);
    else if (entry.expiresAt - nowSeconds > maxDays * DAY_SECONDS)
      at('unbounded', `expires more than ${maxDays} days from now`);
    if (isBroad(entry))
      at(
        'broad',
        `host "${entry.host}" rule "${entry.rule}" applies ${entry.host === GLOBAL_HOST ? 'to every host' : 'to every rule'}`,
      );
    for (const field of entry.matchAny ?? []) {
      at(
        'any-value',
        `matchAny: one value of ${field} matching "${entry.match?.[field] ?? ''}" suppresses an event that also carries other values`,
      );
    }
    const unpinned = unpinnedDetail(entry);
    if (unpinned) at('unpinned', unpinned);
    for (const [field, pattern] of Object.entries(entry.match ?? {})) {
      const problem = neverMatching(field, pattern);
      if (problem) at('never-matching', problem);
    }
    const content = JSON.stringify([partitionOf(entry.host), entry.host, entryIdFor(entry)]);
    const first = seen.get(content);
    if (first !== undefined) at('duplicate', `same host, rule and match as entry ${first}`);
    else seen.set(content, id);
  }
  return findings;
}

/**
 * An entry for a named host without a pin covers any record that claims that host (SECURITY.md F1). Every source
 * vmsentry reads in production can be pinned: CloudWatch deliveries by log stream, the EDR feed by agent id.
 */
function unpinnedDetail(entry: AllowlistEntry): string | undefined {
  if (entry.pin || entry.host === GLOBAL_HOST) return undefined;
  const how = isInstanceId(entry.host)
    ? `pin it to the log stream the CloudWatch agent names after it (--pin-log-stream ${entry.host})`
    : 'pin it to the log stream (--pin-log-stream) or EDR agent id (--pin-agent-id) its source proves';
  return `unpinned: any record that claims host ${entry.host} is covered; ${how}`;
}

function neverMatching(field: string, pattern: string): string | undefined {
  if (!field.includes('.') && !isModelField(field)) {
    return `match field "${field}" is not a normalized field: it matches only raw records that happen to carry it`;
  }
  if (pattern === '') return `match.${field} is empty: it matches only an empty value`;
  const glob = compileGlob(pattern);
  if (glob.hasStar && glob.segments.every((segment) => segment.length === 0)) {
    return `match.${field} is "${pattern}": it matches any value, so the condition filters nothing`;
  }
  if (pattern !== pattern.trim()) return `match.${field} has leading or trailing spaces: values rarely do`;
  if (/Image|Path|CommandLine|Directory/.test(field) && /^[A-Za-z]:\//.test(pattern)) {
    return `match.${field} uses "/" in a Windows path: Windows paths use "\\"`;
  }
  return undefined;
}
