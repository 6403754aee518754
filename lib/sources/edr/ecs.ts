import type { Platform } from '../../model';
import { hostOf, int, isRecord, prop } from '../common';
import { NOTHING, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { dotted, dottedStr, includesAny } from './lookup';
import { hashesOf, platformFromOs, platformFromPath, qualifiedUser } from './paths';
import { buildProcessStart, guarded, outcomeOf } from './process-event';

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
 * ECS requires `@timestamp`; with `event.category` "process" it sets ECS apart from look-alikes (SentinelOne Data Lake
 * records also carry `event.category: "process"`, but no `@timestamp`).
 */
/**
 * Any ECS event (not only process ones): network, file and DNS events of the same feed are valid ECS and must not be
 * counted as unknown-format errors; parse() keeps only process starts.
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

function parse(input: RecordInput): ParseOutcome {
  return guarded(input, FORMAT, () => {
    const json = input.json;
    if (!isRecord(json) || !includesAny(dotted(json, 'event.category'), ['process']) || !isStart(json)) return NOTHING;
    const field = (name: string): string | undefined => dottedStr(json, name);
    const image = field('process.executable');
    return outcomeOf(
      buildProcessStart(input, FORMAT, {
        platform: platformOf(json, image),
        time: dotted(json, '@timestamp'),
        host: hostOf(input, {
          hostname: field('host.hostname') ?? field('host.name'),
          instanceId: field('cloud.instance.id'),
          agentId: field('agent.id'),
          accountId: field('cloud.account.id'),
          region: field('cloud.region'),
        }),
        fields: {
          Image: image,
          CommandLine: field('process.command_line') ?? joinArgs(dotted(json, 'process.args')),
          Args: argsOf(dotted(json, 'process.args')),
          ProcessId: int(dotted(json, 'process.pid')),
          ProcessGuid: field('process.entity_id'),
          CurrentDirectory: field('process.working_directory'),
          ParentImage: field('process.parent.executable'),
          ParentCommandLine: field('process.parent.command_line') ?? joinArgs(dotted(json, 'process.parent.args')),
          ParentProcessId: int(dotted(json, 'process.parent.pid')),
          ParentProcessGuid: field('process.parent.entity_id'),
          User: qualifiedUser(field('user.domain'), field('user.name')),
          UserId: field('user.id'),
          IntegrityLevel: field('process.Ext.token.integrity_level_name'),
          OriginalFileName: field('process.pe.original_file_name'),
          Company: field('process.pe.company'),
          Product: field('process.pe.product'),
          Description: field('process.pe.description'),
          FileVersion: field('process.pe.file_version'),
          Signer: field('process.code_signature.subject_name'),
          Hashes: hashesOf({
            SHA256: field('process.hash.sha256'),
            SHA1: field('process.hash.sha1'),
            MD5: field('process.hash.md5'),
          }),
          Provider: field('event.module') ?? field('agent.type'),
        },
        recordId: field('event.id'),
        raw: json,
      }),
    );
  });
}

/** Elastic Common Schema process start events (Elastic Defend, Auditbeat; not Winlogbeat `winlog` records). */
export const ecsParser: ParserFactory = {
  format: FORMAT,
  description: 'Elastic Common Schema process starts (Elastic Defend, Auditbeat, ECS-shaped Sysmon without winlog)',
  create(): RecordParser {
    return { format: FORMAT, sniff, parse };
  },
};
