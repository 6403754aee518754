import { cloudTrailParser, MAX_CLOUDTRAIL_RECORDS } from '../../../lib/sources/containers/cloudtrail';
import { errorOf, eventsOf, fixture, onlyEventOf, recordOf } from './support';

const TRAIL_GROUP = 'aws-cloudtrail-logs-111122223333-org';
const TRAIL_STREAM = '111122223333_CloudTrail_us-east-1';
const parse = (value: unknown, options: Parameters<typeof recordOf>[1] = {}) =>
  cloudTrailParser.create().parse(recordOf(value, { logGroup: TRAIL_GROUP, logStream: TRAIL_STREAM, ...options }));

describe('cloudTrailParser', () => {
  describe('sniffing', () => {
    it('recognises a single record and an S3 log file of records', () => {
      const parser = cloudTrailParser.create();
      expect(parser.sniff(recordOf(fixture('cloudtrail-execute-command.json')))).toBe(true);
      expect(parser.sniff(recordOf(fixture('cloudtrail-s3-file.json')))).toBe(true);
    });

    it('ignores objects without eventVersion, eventSource and eventName as strings', () => {
      const parser = cloudTrailParser.create();
      const record = fixture('cloudtrail-execute-command.json');
      delete record['eventVersion'];
      expect(parser.sniff(recordOf(record))).toBe(false);
      expect(parser.sniff(recordOf({ Records: [{ eventName: 'x' }] }))).toBe(false);
      expect(parser.sniff(recordOf(fixture('k8s-pods-exec.json')))).toBe(false);
    });
  });

  describe('an ECS task definition with a privileged container mounting the host root', () => {
    const event = onlyEventOf(parse(fixture('cloudtrail-register-task-definition-privileged.json')));

    it('is an AWS container launch keyed by account and region', () => {
      expect(event.category).toBe('container_launch');
      expect(event.platform).toBe('aws');
      expect(event.host).toEqual({ accountId: '111122223333', region: 'us-east-1', logStream: TRAIL_STREAM });
      expect(event.time).toBe('2026-11-20T10:20:41.000Z');
      expect(event.provenance).toMatchObject({
        format: 'cloudtrail',
        recordId: '0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9',
      });
    });

    it('reports privileged mode, host namespaces, mounted host paths and added capabilities', () => {
      expect(event.fields).toMatchObject({
        ContainerRuntime: 'ecs',
        Privileged: true,
        HostPID: true,
        HostNetwork: true,
        HostIPC: false,
        HostPathMounts: ['/'],
        CapabilitiesAdded: ['SYS_ADMIN', 'SYS_MODULE'],
        ContainerName: 'tools',
        ContainerImage: 'public.ecr.aws/docker/library/alpine:3.19',
        RunAsUser: '0',
        CommandLine: 'sh -c chroot /host /bin/bash',
      });
    });

    it('names the caller and the call', () => {
      expect(event.fields).toMatchObject({
        Actor: 'arn:aws:sts::111122223333:assumed-role/dev-admin/mallory',
        ApiService: 'ecs.amazonaws.com',
        ApiOperation: 'RegisterTaskDefinition',
        ApiResource: 'taskDefinition',
        SourceIp: '203.0.113.10',
        ApiResult: 'success',
      });
      expect(event.fields.UserAgent).toMatch(/^aws-cli\/2\.15\.30/);
    });

    it('keeps the record as raw for rules written on requestParameters', () => {
      expect(event.raw?.['eventName']).toBe('RegisterTaskDefinition');
      expect(event.raw?.['requestParameters']).toMatchObject({ pidMode: 'host' });
    });
  });

  describe('a plain Fargate task definition', () => {
    const event = onlyEventOf(parse(fixture('cloudtrail-register-task-definition-plain.json')));

    it('is still a container launch, with nothing dangerous set', () => {
      expect(event.category).toBe('container_launch');
      expect(event.fields).toMatchObject({ Privileged: false, HostPID: false, HostNetwork: false, HostIPC: false });
      expect(event.fields.HostPathMounts).toBeUndefined();
      expect(event.fields.CapabilitiesAdded).toBeUndefined();
    });
  });

  describe('ECS Exec', () => {
    it('is a container exec with the command and the cluster named from its ARN', () => {
      const event = onlyEventOf(parse(fixture('cloudtrail-execute-command.json')));
      expect(event.category).toBe('container_exec');
      expect(event.host.cluster).toBe('prod');
      expect(event.fields).toMatchObject({
        CommandLine: "/bin/sh -c 'cat /proc/1/environ'",
        ContainerName: 'api',
        ApiOperation: 'ExecuteCommand',
        ApiResource: 'task',
      });
    });

    it('reports a denied call with its error code', () => {
      const event = onlyEventOf(parse(fixture('cloudtrail-execute-command-denied.json')));
      expect(event.fields.ApiResult).toBe('AccessDenied');
    });
  });

  describe('RunTask', () => {
    it('is a cloud API call carrying the overridden command', () => {
      const event = onlyEventOf(parse(fixture('cloudtrail-run-task.json')));
      expect(event.category).toBe('cloud_api');
      expect(event.host.cluster).toBe('prod');
      expect(event.fields).toMatchObject({
        CommandLine: 'sh -c nsenter -t 1 -m -u -i -n -p -- bash',
        Args: ['sh', '-c', 'nsenter -t 1 -m -u -i -n -p -- bash'],
        ContainerName: 'tools',
        ApiResource: 'task',
      });
    });

    it('has no command line when no override replaces the command', () => {
      const record = fixture('cloudtrail-run-task.json');
      record['requestParameters'] = { cluster: 'prod', taskDefinition: 'web:1' };
      expect(onlyEventOf(parse(record)).fields.CommandLine).toBeUndefined();
    });

    it('reports CreateService as a cloud API call', () => {
      const record = fixture('cloudtrail-run-task.json');
      record['eventName'] = 'CreateService';
      const event = onlyEventOf(parse(record));
      expect(event.category).toBe('cloud_api');
      expect(event.fields.ApiResource).toBe('service');
    });
  });

  describe('records that are not ours', () => {
    it('produces no event for DescribeTasks', () => {
      expect(eventsOf(parse(fixture('cloudtrail-describe-tasks.json')))).toEqual([]);
    });

    it('produces no event for another service using the same call name', () => {
      const record = fixture('cloudtrail-execute-command.json');
      record['eventSource'] = 'ssm.amazonaws.com';
      expect(eventsOf(parse(record))).toEqual([]);
    });
  });

  describe('an S3 log file', () => {
    it('yields one event per interesting record, in order, skipping the rest', () => {
      const events = eventsOf(parse(fixture('cloudtrail-s3-file.json')));
      expect(events.map((e) => e.fields.ApiOperation)).toEqual(['RegisterTaskDefinition', 'ExecuteCommand']);
    });

    it('skips entries that are not records but keeps the good ones', () => {
      const file = fixture('cloudtrail-s3-file.json');
      (file['Records'] as unknown[]).push(null, 'x', { eventName: 1 });
      expect(eventsOf(parse(file))).toHaveLength(2);
    });

    it('reports the first failure when no record of the file could be used', () => {
      const record = fixture('cloudtrail-execute-command.json');
      delete record['eventTime'];
      expect(errorOf(parse({ Records: [record] })).code).toBe('missing-field');
    });

    it('refuses a Records value that is not an array or holds no record', () => {
      expect(errorOf(parse({ Records: { length: 1 } })).code).toBe('invalid-record');
      expect(errorOf(parse({ Records: [1, 2] })).code).toBe('invalid-record');
    });

    it('accepts an empty file', () => {
      expect(eventsOf(parse({ Records: [] }))).toEqual([]);
    });

    it('refuses a file over the record cap instead of reading half of it', () => {
      const records = new Array<unknown>(MAX_CLOUDTRAIL_RECORDS + 1).fill(0);
      const outcome = cloudTrailParser.create().parse({
        text: '{"Records":[...]}',
        json: { Records: records },
        position: { envelope: 's3', index: 0, bucket: 'trail', key: 'x.json.gz' },
        context: {},
      });
      expect(errorOf(outcome).code).toBe('record-too-large');
    });
  });

  describe('invalid records', () => {
    it('fails with missing-field at the record position when eventTime is missing and no envelope time is known', () => {
      const record = fixture('cloudtrail-execute-command.json');
      delete record['eventTime'];
      const error = errorOf(parse(record, { index: 3 }));
      expect(error).toMatchObject({ code: 'missing-field', format: 'cloudtrail' });
      expect(error.position).toMatchObject({ index: 3, logGroup: TRAIL_GROUP });
    });

    it('refuses a record that is neither a CloudTrail record nor a file', () => {
      expect(errorOf(parse({ something: 'else' })).code).toBe('missing-field');
      expect(errorOf(parse('text')).code).toBe('invalid-record');
    });
  });

  describe('hostile values', () => {
    it('reads wrong types as absent and caps long lists', () => {
      const record = fixture('cloudtrail-register-task-definition-privileged.json');
      record['requestParameters'] = {
        pidMode: ['host'],
        volumes: Array.from({ length: 5000 }, (_, i) => ({ name: `v${i}`, host: { sourcePath: `/p${i}` } })),
        containerDefinitions: [
          null,
          'x',
          {
            name: 'c',
            privileged: 'TRUE',
            linuxParameters: { capabilities: { add: 'SYS_ADMIN' } },
            mountPoints: Array.from({ length: 5000 }, (_, i) => ({ sourceVolume: `v${i}` })),
          },
        ],
      };
      record['userIdentity'] = { principalId: 7 };
      const event = onlyEventOf(parse(record));
      expect(event.fields).toMatchObject({ Privileged: true, HostPID: false, Actor: '7' });
      expect(event.fields.HostPathMounts).toHaveLength(64);
      expect(event.fields.CapabilitiesAdded).toBeUndefined();
    });

    it('treats prototype keys as data', () => {
      const record = JSON.parse(
        '{"eventVersion":"1.09","eventSource":"ecs.amazonaws.com","eventName":"ExecuteCommand",' +
          '"eventTime":"2026-11-20T10:00:00Z","requestParameters":{"__proto__":{"command":"id"}}}',
      ) as Record<string, unknown>;
      expect(onlyEventOf(parse(record)).fields.CommandLine).toBeUndefined();
    });
  });
});
