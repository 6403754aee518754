import type { EventCategory, HostIdentity, Platform } from '../../model';
import { hostOf, int, isRecord, prop } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { actingFields, buildActivity } from './activity';
import { dotted, dottedStr, includesAny } from './lookup';
import { hashesOf, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { buildProcessStart, guarded, type LooseFields, outcomeOf } from './process-event';
import { isIpv6, queryResults, sysmonBool, sysmonDetails, sysmonRegistryPath } from './telemetry';

const FORMAT = 'ecs';

/** `event.action` values that mean a process started, per producer (Elastic Defend, Auditbeat, Sysmon via ECS). */
const START_ACTIONS = ['exec', 'process_started', 'executed', 'process create (rule: processcreate)'];
/** A fork copies the parent's image: the exec that follows is the start worth matching. */
const FORK = ['fork'];
/** `host.os.platform` / `family` values of Linux distributions (ECS gives the distribution, not the kernel). */
const LINUX_DISTRIBUTIONS = [
  'linux',
  'ubuntu',
  'debian',
  'centos',
  'rhel',
  'redhat',
  'fedora',
  'amzn',
  'amazon',
  'suse',
  'opensuse',
  'sles',
  'alpine',
  'arch',
  'oracle',
  'ol',
  'rocky',
  'almalinux',
  'bottlerocket',
];
const MAX_ARGS = 1_000;

/**
 * Winlogbeat output carries the Windows event under `winlog`: the Windows parsers own it, with its EventID and
 * channel semantics, so this parser must not claim it.
 */
function hasWinlog(json: Readonly<Record<string, unknown>>): boolean {
  if (prop(json, 'winlog') !== undefined) return true;
  return Object.keys(json).some((key) => key.startsWith('winlog.'));
}

/**
 * Any ECS event: ECS requires `@timestamp`, which sets it apart from look-alikes (SentinelOne Data Lake records also
 * carry `event.category`, but no `@timestamp`). Events of categories the parser does not read are valid and yield
 * nothing rather than counting as unknown-format errors.
 */
function sniff(input: RecordInput): boolean {
  const json = input.json;
  return (
    isRecord(json) &&
    prop(json, '@timestamp') !== undefined &&
    dotted(json, 'event.category') !== undefined &&
    !hasWinlog(json)
  );
}

function isStart(json: unknown): boolean {
  const action = dotted(json, 'event.action');
  if (includesAny(action, FORK)) return false;
  return includesAny(dotted(json, 'event.type'), ['start']) || includesAny(action, START_ACTIONS);
}

/** `process.args` as one command line, quoting arguments that hold spaces so it reads as it was typed. */
function joinArgs(args: unknown): string | undefined {
  const list = argsOf(args);
  if (list === undefined) return undefined;
  return list.map((arg) => (arg === '' || /\s/.test(arg) ? `"${arg}"` : arg)).join(' ');
}

function argsOf(args: unknown): string[] | undefined {
  if (!Array.isArray(args) || args.length === 0 || args.length > MAX_ARGS) return undefined;
  if (!args.every((arg): arg is string => typeof arg === 'string')) return undefined;
  return args;
}

function platformOf(json: unknown, image: string | undefined): Platform {
  for (const name of ['host.os.type', 'host.os.platform', 'host.os.family']) {
    const value = dotted(json, name);
    const platform = platformFromOs(value);
    if (platform) return platform;
    if (includesAny(value, LINUX_DISTRIBUTIONS)) return 'linux';
  }
  return platformFromPath(image) ?? 'linux';
}

type Json = Readonly<Record<string, unknown>>;

function hostOfEcs(input: RecordInput, json: Json): HostIdentity {
  const field = (name: string): string | undefined => dottedStr(json, name);
  return hostOf(input, {
    hostname: field('host.hostname') ?? field('host.name'),
    instanceId: field('cloud.instance.id'),
    agentId: field('agent.id'),
    accountId: field('cloud.account.id'),
    region: field('cloud.region'),
  });
}

/** The `process` object: the started process of a process event, the acting process of any other. */
function processOf(json: Json): LooseFields {
  const field = (name: string): string | undefined => dottedStr(json, name);
  return {
    Image: field('process.executable'),
    CommandLine: field('process.command_line') ?? joinArgs(dotted(json, 'process.args')),
    ProcessId: int(dotted(json, 'process.pid')),
    ProcessGuid: field('process.entity_id'),
    ParentImage: field('process.parent.executable'),
    ParentProcessId: int(dotted(json, 'process.parent.pid')),
    User: qualifiedUser(field('user.domain'), field('user.name')),
    UserId: field('user.id'),
    OriginalFileName: field('process.pe.original_file_name'),
    Company: field('process.pe.company'),
    Product: field('process.pe.product'),
    Description: field('process.pe.description'),
    FileVersion: field('process.pe.file_version'),
    Provider: field('event.module') ?? field('agent.type'),
  };
}

function processStart(input: RecordInput, json: Json): ParseOutcome {
  const field = (name: string): string | undefined => dottedStr(json, name);
  const image = field('process.executable');
  return outcomeOf(
    buildProcessStart(input, FORMAT, {
      platform: platformOf(json, image),
      time: dotted(json, '@timestamp'),
      host: hostOfEcs(input, json),
      fields: {
        ...processOf(json),
        Args: argsOf(dotted(json, 'process.args')),
        CurrentDirectory: field('process.working_directory'),
        ParentCommandLine: field('process.parent.command_line') ?? joinArgs(dotted(json, 'process.parent.args')),
        ParentProcessGuid: field('process.parent.entity_id'),
        IntegrityLevel: field('process.Ext.token.integrity_level_name'),
        Signer: field('process.code_signature.subject_name'),
        Hashes: hashesOf({
          SHA256: field('process.hash.sha256'),
          SHA1: field('process.hash.sha1'),
          MD5: field('process.hash.md5'),
        }),
      },
      recordId: field('event.id'),
      raw: json,
    }),
  );
}

/** Elastic Defend's code_signature.status values in Sysmon's SignatureStatus spelling. */
const SIGNATURE_STATUS: ReadonlyMap<string, string> = new Map([
  ['trusted', 'Valid'],
  ['errorexpired', 'Expired'],
  ['errorrevoked', 'Revoked'],
]);

/** ECS network.direction values, old (inbound/outbound) and new (ingress/egress), and Defend's actions. */
const OUTBOUND = ['egress', 'outbound', 'connection_attempted'];
const INBOUND = ['ingress', 'inbound', 'connection_accepted'];
/** Connection ends and teardown reports: the start of the same connection is the event worth matching. */
const CONNECTION_ENDS = ['disconnect_received', 'disconnect', 'connection_closed', 'end'];

/** What one ECS activity event describes, or undefined for events the parser does not read. */
function activityOf(json: Json): { category: EventCategory; fields: LooseFields } | undefined {
  const category = dotted(json, 'event.category');
  const action = dotted(json, 'event.action');
  const type = dotted(json, 'event.type');
  const field = (name: string): string | undefined => dottedStr(json, name);
  if (dotted(json, 'dns.question.name') !== undefined && includesAny(category, ['network', 'dns'])) {
    return {
      category: 'dns_query',
      fields: {
        QueryName: field('dns.question.name'),
        QueryResults:
          queryResults(dotted(json, 'dns.resolved_ip')) ?? queryResults(answersOf(dotted(json, 'dns.answers'))),
        QueryStatus: field('dns.response_code'),
      },
    };
  }
  if (includesAny(category, ['network'])) {
    if (includesAny(action, CONNECTION_ENDS) || (includesAny(type, ['end']) && !includesAny(type, ['start']))) {
      return undefined;
    }
    const direction = field('network.direction');
    const initiated =
      includesAny(direction, OUTBOUND) || includesAny(action, OUTBOUND)
        ? true
        : includesAny(direction, INBOUND) || includesAny(action, INBOUND)
          ? false
          : undefined;
    const destination = field('destination.ip') ?? field('destination.address');
    return {
      category: 'network_connection',
      fields: {
        Initiated: sysmonBool(initiated),
        Protocol: field('network.transport')?.toLowerCase(),
        SourceIp: field('source.ip') ?? field('source.address'),
        SourcePort: int(dotted(json, 'source.port')),
        DestinationIp: destination,
        DestinationPort: int(dotted(json, 'destination.port')),
        DestinationHostname: field('destination.domain'),
        DestinationIsIpv6: isIpv6(destination),
      },
    };
  }
  if (includesAny(category, ['file'])) return fileActivity(json, action, type);
  if (includesAny(category, ['registry'])) return registryActivity(json, action, type);
  if (includesAny(category, ['library', 'driver'])) {
    // Elastic Defend reports kernel drivers as library loads into System (pid 4); ECS 8 also has a driver category.
    const driver =
      includesAny(category, ['driver']) ||
      (int(dotted(json, 'process.pid')) === 4 && platformOf(json, undefined) === 'windows');
    if (!includesAny(action, ['load']) && !includesAny(type, ['start', 'info'])) return undefined;
    const status = field('dll.code_signature.status') ?? field('file.code_signature.status');
    const exists = dotted(json, 'dll.code_signature.exists') ?? dotted(json, 'file.code_signature.exists');
    const module = field('dll.path') !== undefined ? 'dll' : 'file';
    return {
      category: driver ? 'driver_load' : 'image_load',
      fields: {
        ImageLoaded: field(`${module}.path`),
        Hashes: hashesOf({
          SHA256: field(`${module}.hash.sha256`),
          SHA1: field(`${module}.hash.sha1`),
          MD5: field(`${module}.hash.md5`),
        }),
        Signed: typeof exists === 'boolean' ? sysmonBool(exists) : undefined,
        Signature: field(`${module}.code_signature.subject_name`),
        SignatureStatus: status === undefined ? undefined : (SIGNATURE_STATUS.get(status.toLowerCase()) ?? status),
        OriginalFileName: field(`${module}.pe.original_file_name`),
        Company: field(`${module}.pe.company`),
        Product: field(`${module}.pe.product`),
        Description: field(`${module}.pe.description`),
        FileVersion: field(`${module}.pe.file_version`),
      },
    };
  }
  return undefined;
}

const MAX_DNS_ANSWERS = 64;

function answersOf(answers: unknown): string[] | undefined {
  if (!Array.isArray(answers)) return undefined;
  return answers
    .slice(0, MAX_DNS_ANSWERS)
    .map((answer) => dottedStr(answer, 'data'))
    .filter((data): data is string => data !== undefined);
}

/** ECS file actions (Elastic Defend, Auditbeat FIM) and event.type values, to Sigma's file categories. */
function fileActivity(
  json: Json,
  action: unknown,
  type: unknown,
): { category: EventCategory; fields: LooseFields } | undefined {
  const field = (name: string): string | undefined => dottedStr(json, name);
  const path = field('file.path');
  const hashes = hashesOf({
    SHA256: field('file.hash.sha256'),
    SHA1: field('file.hash.sha1'),
    MD5: field('file.hash.md5'),
  });
  let category: EventCategory | undefined;
  if (includesAny(action, ['rename', 'moved'])) category = 'file_rename';
  else if (includesAny(action, ['deletion', 'deleted']) || includesAny(type, ['deletion'])) category = 'file_delete';
  else if (includesAny(action, ['creation', 'created', 'overwrite']) || includesAny(type, ['creation']))
    category = 'file_event';
  else if (includesAny(action, ['modification', 'updated']) || includesAny(type, ['change'])) category = 'file_change';
  if (category === undefined) return undefined;
  const renamed = category === 'file_rename';
  return {
    category,
    fields: {
      TargetFilename: path,
      // Sigma's file_rename names the new path TargetFilename and the old one SourceFilename.
      SourceFilename: renamed ? (field('file.Ext.original.path') ?? field('file.original.path')) : undefined,
      TargetFilenameNew: renamed ? path : undefined,
      Hashes: hashes,
    },
  };
}

/** ECS registry events: key or value by whether a value is named, created/changed/deleted by type or action. */
function registryActivity(
  json: Json,
  action: unknown,
  type: unknown,
): { category: EventCategory; fields: LooseFields } | undefined {
  const field = (name: string): string | undefined => dottedStr(json, name);
  const path = sysmonRegistryPath(field('registry.path') ?? joinKey(field('registry.hive'), field('registry.key')));
  const isValue = field('registry.value') !== undefined;
  const data = dotted(json, 'registry.data.strings');
  const text = Array.isArray(data) ? data.filter((item) => typeof item === 'string').join(' ') : data;
  const deleted = includesAny(action, ['deletion', 'deleted']) || includesAny(type, ['deletion']);
  const created = includesAny(action, ['creation', 'created']) || includesAny(type, ['creation']);
  const changed = includesAny(action, ['modification', 'modified']) || includesAny(type, ['change']);
  // A registry change that names no key at all is a broken record, not an irrelevant one.
  if (path === undefined) return deleted || created || changed ? { category: 'registry_set', fields: {} } : undefined;
  if (deleted) {
    return {
      category: 'registry_delete',
      fields: { TargetObject: path, EventType: isValue ? 'DeleteValue' : 'DeleteKey' },
    };
  }
  if (isValue && (created || changed)) {
    return {
      category: 'registry_set',
      fields: {
        TargetObject: path,
        EventType: 'SetValue',
        Details: sysmonDetails(field('registry.data.type'), text),
      },
    };
  }
  if (created) return { category: 'registry_add', fields: { TargetObject: path, EventType: 'CreateKey' } };
  return undefined;
}

function joinKey(hive: string | undefined, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return hive === undefined ? key : `${hive}\\${key}`;
}

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json)) return NOTHING;
    if (includesAny(dotted(json, 'event.category'), ['process'])) {
      return isStart(json) ? processStart(input, json) : NOTHING;
    }
    const found = activityOf(json);
    if (found === undefined) return NOTHING;
    const acting = processOf(json);
    return outcomeOf(
      buildActivity(input, FORMAT, {
        category: found.category,
        platform: platformOf(json, acting.Image ?? found.fields.TargetFilename ?? found.fields.ImageLoaded),
        time: dotted(json, '@timestamp'),
        host: hostOfEcs(input, json),
        fields: { ...actingFields(acting, found.category), ...found.fields },
        recordId: dottedStr(json, 'event.id'),
        raw: json,
      }),
    );
  });
}

/**
 * Elastic Common Schema events (Elastic Defend, Auditbeat; not Winlogbeat `winlog` records): process starts, network
 * connections, DNS lookups, file and registry changes, library and driver loads.
 */
export const ecsParser: ParserFactory = {
  format: FORMAT,
  description:
    'Elastic Common Schema process starts, network, DNS, file, registry, library and driver events (Elastic Defend, Auditbeat, ECS-shaped Sysmon without winlog)',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
