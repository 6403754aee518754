import type { EventCategory, EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, isRecord, path, prop, provenanceOf, str, timeOf } from '../common';
import { NOTHING, ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { readTaskDefinition } from './ecs-task-definition';
import { outcomeOfItems } from './record-items';
import { bounded, listOf, nameFromArn, stringsOf } from './values';

const FORMAT = 'cloudtrail';
const ECS_SOURCE = 'ecs.amazonaws.com';

/**
 * Most records read from one `{"Records":[...]}` file. CloudTrail delivers files every ~5 minutes per region; a
 * file past this is not CloudTrail's and is refused rather than half read.
 */
export const MAX_CLOUDTRAIL_RECORDS = 100_000;

type EcsCall = 'task-definition' | 'task' | 'service' | 'exec';

/** The ECS calls that start containers or enter them; every other call is valid but not ours. */
const ECS_CALLS: ReadonlyMap<string, EcsCall> = new Map([
  ['RegisterTaskDefinition', 'task-definition'],
  ['RunTask', 'task'],
  ['StartTask', 'task'],
  ['CreateService', 'service'],
  ['UpdateService', 'service'],
  ['ExecuteCommand', 'exec'],
]);

const CATEGORY: Readonly<Record<EcsCall, EventCategory>> = {
  'task-definition': 'container_launch',
  task: 'cloud_api',
  service: 'cloud_api',
  exec: 'container_exec',
};

const RESOURCE: Readonly<Record<EcsCall, string>> = {
  'task-definition': 'taskDefinition',
  task: 'task',
  service: 'service',
  exec: 'task',
};

/** AWS CloudTrail records (one per CloudWatch log event, or an S3 log file's Records array): the ECS control plane. */
export const cloudTrailParser: ParserFactory = {
  format: FORMAT,
  description:
    'AWS CloudTrail records (CloudWatch Logs delivery or S3 {"Records":[...]} files): ECS task and exec calls',
  create: (): RecordParser => ({ format: FORMAT, sniff: isCloudTrail, parse: parseCloudTrail }),
};

function isCloudTrailRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof prop(value, 'eventVersion') === 'string' &&
    typeof prop(value, 'eventSource') === 'string' &&
    typeof prop(value, 'eventName') === 'string'
  );
}

function isCloudTrail(input: RecordInput): boolean {
  if (isCloudTrailRecord(input.json)) return true;
  const records = prop(input.json, 'Records');
  return Array.isArray(records) && isCloudTrailRecord(records[0]);
}

function parseCloudTrail(input: RecordInput): ParseOutcome {
  const json = input.json;
  if (json === undefined) return failure(input, FORMAT, 'invalid-record', 'not a JSON object');
  if (isCloudTrailRecord(json)) return parseRecord(json, input);
  const records = prop(json, 'Records');
  if (records === undefined) {
    return failure(
      input,
      FORMAT,
      'missing-field',
      'neither a CloudTrail record (eventVersion, eventSource, eventName) nor Records',
    );
  }
  if (!Array.isArray(records)) return failure(input, FORMAT, 'invalid-record', 'Records is not an array');
  if (records.length > MAX_CLOUDTRAIL_RECORDS) {
    return failure(
      input,
      FORMAT,
      'record-too-large',
      `Records holds ${records.length} entries (max ${MAX_CLOUDTRAIL_RECORDS})`,
    );
  }
  return parseRecords(records, input);
}

/** One outcome for the whole file: the events of every usable record (outcomeOfItems). */
function parseRecords(records: readonly unknown[], input: RecordInput): ParseOutcome {
  return outcomeOfItems(
    records,
    input,
    FORMAT,
    { is: isCloudTrailRecord, parse: (record) => parseRecord(record, input) },
    'Records holds no CloudTrail record',
  );
}

function parseRecord(record: Record<string, unknown>, input: RecordInput): ParseOutcome {
  const eventSource = str(prop(record, 'eventSource'));
  const eventName = str(prop(record, 'eventName'));
  if (eventSource !== ECS_SOURCE || eventName === undefined) return NOTHING;
  const call = ECS_CALLS.get(eventName);
  if (call === undefined) return NOTHING;
  const time = timeOf(prop(record, 'eventTime'), input);
  if (time === undefined) return failure(input, FORMAT, 'missing-field', 'eventTime is missing or invalid');

  const request = prop(record, 'requestParameters');
  const parameters = isRecord(request) ? request : {};
  const response = prop(record, 'responseElements');
  const fields: EventFields = defined({
    ...callFields(call, parameters, response),
    ContainerRuntime: 'ecs',
    Actor: str(path(record, 'userIdentity', 'arn')) ?? str(path(record, 'userIdentity', 'principalId')),
    ApiService: eventSource,
    ApiOperation: eventName,
    ApiResource: RESOURCE[call],
    SourceIp: str(prop(record, 'sourceIPAddress')),
    UserAgent: str(prop(record, 'userAgent')),
    ApiResult: str(prop(record, 'errorCode')) ?? 'success',
  });
  const event: NormalizedEvent = {
    category: CATEGORY[call],
    platform: 'aws',
    time: time.time,
    timeMs: time.timeMs,
    host: hostOf(input, {
      accountId: str(prop(record, 'recipientAccountId')) ?? str(path(record, 'userIdentity', 'accountId')),
      region: str(prop(record, 'awsRegion')),
      cluster: nameFromArn(str(prop(parameters, 'cluster')) ?? str(prop(response, 'clusterArn'))),
    }),
    provenance: provenanceOf(input, FORMAT, str(prop(record, 'eventID'))),
    fields,
    raw: record,
  };
  return ok([event]);
}

function callFields(call: EcsCall, parameters: Record<string, unknown>, response: unknown): EventFields {
  switch (call) {
    case 'task-definition':
      return readTaskDefinition(parameters);
    case 'exec': {
      const command = str(prop(parameters, 'command'));
      return defined({
        CommandLine: command === undefined ? undefined : bounded(command),
        ContainerName: str(prop(parameters, 'container')) ?? str(prop(response, 'containerName')),
      });
    }
    case 'task':
      return overrideFields(parameters);
    case 'service':
      return {};
  }
}

/** RunTask/StartTask overrides: the first container override that replaces the command says what will run. */
function overrideFields(parameters: Record<string, unknown>): EventFields {
  for (const override of listOf(path(parameters, 'overrides', 'containerOverrides'))) {
    const command = stringsOf(prop(override, 'command'));
    if (command.length === 0) continue;
    return defined({
      CommandLine: bounded(command.join(' ')),
      Args: command,
      ContainerName: str(prop(override, 'name')),
    });
  }
  return {};
}
