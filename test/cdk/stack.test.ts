import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ConfigError, parseConfig } from '../../cdk/config';
import { deliveryTimings } from '../../lib/settings';
import { FULL_CONFIG, synth } from './synth';

const EXAMPLE_CONFIG = JSON.parse(readFileSync(join(__dirname, '../../config/example.json'), 'utf8'));

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function statementsOf(template: Template): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (policy) => (policy.Properties?.['PolicyDocument'] as { Statement: never[] } | undefined)?.Statement ?? [],
  );
}

const actionsOf = (statement: { Action: string | string[] }): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every S3 write grant, one per resource, with the roles holding it (CDK merges statements with equal actions). */
function s3WritesOf(template: Template): { actions: string[]; resource: string; roles: string }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((policy) => {
    const roles = JSON.stringify(policy.Properties?.['Roles']);
    const statements =
      (policy.Properties?.['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] })
        ?.Statement ?? [];
    return statements
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:Put')))
      .flatMap((statement) =>
        [statement.Resource].flat().map((resource) => ({
          actions: actionsOf(statement),
          resource: JSON.stringify(resource),
          roles,
        })),
      );
  });
}

describe('the vmsentry stack with the example configuration', () => {
  let template: Template;
  beforeAll(() => {
    template = synth(EXAMPLE_CONFIG);
  });

  it('keeps the allowlist retained, deletion-protected, recoverable, encrypted, and streamed to the audit function', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'host', KeyType: 'HASH' },
          { AttributeName: 'entryId', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('Allowlist'), 'StreamArn'] }),
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: Match.objectLike({ Destination: Match.anyValue() }) },
    });
  });

  it('has no set-aside alarm without the Kinesis path (nothing is ever set aside)', () => {
    expect(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StreamRecordsSetAside' } }),
    ).toEqual({});
  });

  it('bounds dedup state with a TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('indexes dedup windows owed a follow-up (sparse GSI) and sweeps them on a schedule', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'followUps',
          KeySchema: [
            { AttributeName: 'followUpShard', KeyType: 'HASH' },
            { AttributeName: 'followUpAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    const sweepers = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('DedupSweeper'),
    );
    expect(sweepers).toHaveLength(1);
    const [sweeperId, sweeper] = sweepers[0] as [string, Resources[string]];
    const environment = sweeper.Properties?.['Environment'] as { Variables: object } | undefined;
    expect(Object.keys(environment?.Variables ?? {}).sort()).toEqual([
      'ALERT_TOPIC_ARN',
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'STATE_TABLE',
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } })],
    });
    // It may only Query the follow-up index, and read and write items of the state table.
    const queries = statementsOf(template).filter(
      (statement) =>
        actionsOf(statement).includes('dynamodb:Query') && JSON.stringify(statement.Resource).includes('followUps'),
    );
    expect(queries).toHaveLength(1);
  });

  it('runs every function on ARM64 with the current Node runtime, tracing, bounded memory and timeout', () => {
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    // Subscription, EDR feed, allowlist audit, dedup sweeper, history writer.
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
      });
      expect(fn.Properties?.['MemorySize']).toBeLessThanOrEqual(1024);
      expect(fn.Properties?.['Timeout']).toBeLessThanOrEqual(120);
    }
  });

  it('gives every function its own log group with the configured retention', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(5);
    for (const group of groups) expect(group.Properties?.['RetentionInDays']).toBe(90);
  });

  it('has no failure payload bucket without the stream path (direct invocations keep the event on failure)', () => {
    expect(JSON.stringify(resourcesOf(template, 'AWS::Lambda::Function'))).not.toContain('FAILURE_PAYLOAD_BUCKET');
  });

  it('configures the detection functions through environment variables that hold no secrets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALLOWLIST_TABLE: Match.anyValue(),
          STATE_TABLE: Match.anyValue(),
          ALERT_TOPIC_ARN: Match.anyValue(),
          DEDUP_WINDOW_SECONDS: '3600',
          ALLOWLIST_CACHE_SECONDS: '60',
          MIN_SEVERITY: 'low',
          SOURCE_HINTS: Match.stringLikeRegexp('sysmon-windows'),
        }),
      },
      KmsKeyArn: Match.anyValue(),
    });
    const variables = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).flatMap((fn) =>
      Object.keys((fn.Properties?.['Environment'] as { Variables: object } | undefined)?.Variables ?? {}),
    );
    expect(variables.filter((name) => /SECRET(?!_ARN)|PASSWORD|TOKEN|WEBHOOK(?!_SECRET_ARN)/.test(name))).toEqual([]);
  });

  it('keeps each failed asynchronous invocation once: retries, then an on-failure destination and no DLQ beside it', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    // A DLQ next to the on-failure destination receives every failed event a second time (Slack notifier included).
    for (const each of [template, full]) {
      expect(Object.values(resourcesOf(each, 'AWS::Lambda::EventInvokeConfig')).length).toBeGreaterThan(0);
      for (const fn of Object.values(resourcesOf(each, 'AWS::Lambda::Function'))) {
        expect(fn.Properties?.['DeadLetterConfig']).toBeUndefined();
      }
    }
  });

  it('subscribes each configured log group to the detection function, with the invoke permission', () => {
    const filters = Object.values(resourcesOf(template, 'AWS::Logs::SubscriptionFilter'));
    expect(filters.map((filter) => filter.Properties?.['LogGroupName']).sort()).toEqual(
      EXAMPLE_CONFIG.logGroups.map((group: { name: string }) => group.name).sort(),
    );
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
    });
  });

  it('encrypts the alert topic, refuses plain HTTP, and filters e-mail by severity rank', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.anyValue(),
      DisplayName: Match.stringLikeRegexp('alerts'),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'soc@example.com',
      FilterPolicy: { severityRank: [{ numeric: ['>=', 3] }] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'detection-eng@example.com',
      FilterPolicy: { severityRank: [{ numeric: ['>=', 1] }] },
    });
  });

  it('reads the EDR feed from a queue with a DLQ, reporting partial batch failures', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('encrypts every queue and refuses plain HTTP to it', () => {
    for (const queue of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) {
      expect(queue.Properties?.['KmsMasterKeyId']).toBeDefined();
    }
    const queuePolicies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    expect(queuePolicies.length).toBeGreaterThan(0);
    for (const policy of queuePolicies) {
      expect(JSON.stringify(policy.Properties)).toContain('aws:SecureTransport');
    }
  });

  it('lets AWS services use the keys only on behalf of this account', () => {
    const keyPolicies = Object.values(resourcesOf(template, 'AWS::KMS::Key')).flatMap(
      (key) =>
        (
          key.Properties?.['KeyPolicy'] as
            | { Statement: { Principal?: { Service?: string }; Condition?: unknown }[] }
            | undefined
        )?.Statement ?? [],
    );
    const servicePrincipals = keyPolicies.filter((statement) => statement.Principal?.Service);
    expect(servicePrincipals.length).toBeGreaterThan(0);
    // aws:SourceAccount for service-wide grants; aws:SourceArn (the alert topic) for SNS delivering to our queues.
    for (const statement of servicePrincipals) {
      expect(JSON.stringify(statement.Condition ?? {})).toMatch(/aws:SourceAccount|aws:SourceArn/);
    }
  });

  it('rotates its KMS keys', () => {
    const keys = Object.values(resourcesOf(template, 'AWS::KMS::Key'));
    expect(keys.length).toBe(2);
    for (const key of keys) expect(key.Properties?.['EnableKeyRotation']).toBe(true);
  });

  it('alarms on function errors and throttles, every failure queue, the parse-error ratio, and each silent source', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const names = (metric: string) => alarms.filter((alarm) => alarm.Properties?.['MetricName'] === metric);
    expect(names('Errors')).toHaveLength(5);
    expect(names('Throttles')).toHaveLength(5);
    expect(names('ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    expect(alarms.filter((alarm) => JSON.stringify(alarm.Properties).includes('ParseErrors'))).toHaveLength(1);
    expect(names('FailClosedLookups')).toHaveLength(1);
    const heartbeats = names('IncomingLogEvents');
    // One per subscribed group, except the groups of logs that are quiet by nature (heartbeat: false).
    const watched = EXAMPLE_CONFIG.logGroups.filter((group: { heartbeat?: boolean }) => group.heartbeat !== false);
    expect(watched.length).toBeLessThan(EXAMPLE_CONFIG.logGroups.length);
    expect(heartbeats).toHaveLength(watched.length);
    const alarmed = JSON.stringify(heartbeats.map((heartbeat) => heartbeat.Properties));
    for (const group of EXAMPLE_CONFIG.logGroups as { name: string; heartbeat?: boolean }[]) {
      expect(alarmed.includes(JSON.stringify(group.name))).toBe(group.heartbeat !== false);
    }
    for (const heartbeat of heartbeats) {
      expect(heartbeat.Properties).toMatchObject({
        TreatMissingData: 'breaching',
        ComparisonOperator: 'LessThanThreshold',
      });
    }
    for (const alarm of alarms) expect(alarm.Properties?.['AlarmActions']).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

let full: Template;
beforeAll(() => {
  full = synth(FULL_CONFIG);
});

describe('least privilege', () => {
  let template: Template;
  beforeAll(() => {
    template = full;
  });

  it('grants no wildcard actions', () => {
    for (const statement of statementsOf(template)) {
      for (const action of actionsOf(statement)) expect(action).not.toBe('*');
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
    }
  });

  it('uses Resource "*" only for actions AWS offers no resource-level permission for', () => {
    // X-Ray trace upload, and dynamodb:ListStreams (the stream event source of the audit function).
    const wildcard = statementsOf(template).filter((statement) => statement.Resource === '*');
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      for (const action of actionsOf(statement)) expect(action).toMatch(/^xray:Put|^dynamodb:ListStreams$/);
    }
  });

  it('lets the detection functions only Query the allowlist and never Scan any table', () => {
    const dynamo = statementsOf(template)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('dynamodb:'));
    expect(dynamo).not.toContain('dynamodb:Scan');
    const batchWrites = statementsOf(template).filter((statement) =>
      actionsOf(statement).includes('dynamodb:BatchWriteItem'),
    );
    for (const statement of batchWrites) expect(JSON.stringify(statement.Resource)).toContain('TablesState');
    const allowlistWrites = statementsOf(template).filter(
      (statement) =>
        JSON.stringify(statement.Resource).includes('TablesAllowlist') &&
        actionsOf(statement).some((action) => /PutItem|UpdateItem|DeleteItem/.test(action)),
    );
    expect(allowlistWrites).toEqual([]);
  });

  it('reads the Slack webhook secret by its exact ARN only', () => {
    const secretStatements = statementsOf(template).filter((statement) =>
      actionsOf(statement).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]?.Resource).toBe(FULL_CONFIG.alerts.slackWebhookSecretArn);
  });

  it('reads EDR objects from the configured bucket only, read-only', () => {
    const reads = statementsOf(template).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:Get')),
    );
    expect(reads.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(reads[0]?.Resource)).toContain('cs-prod-cannon/*');
    // The feed bucket is never written; S3 writes go to the quarantine prefix and the failure bucket (below).
    const feedWrites = statementsOf(template).filter(
      (statement) =>
        JSON.stringify(statement.Resource).includes('cs-prod-cannon') &&
        actionsOf(statement).some((action) => !action.startsWith('s3:Get')),
    );
    expect(feedWrites).toEqual([]);
  });

  it('lets each ingest function write quarantine samples under its own prefix only', () => {
    const writes = s3WritesOf(template).filter((write) => write.resource.includes('Quarantine'));
    expect(writes.flatMap((write) => write.actions)).toEqual(['s3:PutObject', 's3:PutObject']);
    const where = (prefix: string) => writes.filter((write) => write.resource.includes(`/quarantine/${prefix}/*"`));
    // Each grant sits on its own function's role only, so neither can write under the other's prefix.
    expect(where('cloudwatch-subscription')).toEqual([
      expect.objectContaining({ roles: expect.stringMatching(/CloudWatchSubscription/) }),
    ]);
    expect(where('edr-feed')).toEqual([expect.objectContaining({ roles: expect.stringMatching(/EdrFeed/) })]);
    expect(writes).toHaveLength(2);
    for (const description of [/CloudWatch Logs subscription/, /EDR feed/]) {
      const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((candidate) =>
        description.test(String(candidate.Properties?.['Description'])),
      );
      expect(JSON.stringify(fn?.Properties?.['Environment'])).toMatch(/"QUARANTINE_BUCKET":\{"Ref":"Quarantine/);
    }
  });

  it('keeps quarantine samples in an encrypted, private, expiring bucket and alarms on unprocessed objects and S3 read failures', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 30 })] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUARANTINE_BUCKET: Match.anyValue() }) },
    });
    for (const metric of ['ObjectsUnprocessed', 'S3ReadFailures', 'QuarantineFailures']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'vmsentry',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'vmsentry' }],
        AlarmActions: [Match.anyValue()],
      });
    }
  });
});

describe('optional parts of the stack', () => {
  let template: Template;
  beforeAll(() => {
    template = full;
  });

  it('routes subscriptions through an encrypted Kinesis stream with bisect-on-error and partial batch responses', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      ParallelizationFactor: 3,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: Match.objectLike({ Destination: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/corp/linux/audit',
      FilterPattern: '?EXECVE ?SYSCALL ?PROCTITLE',
      RoleArn: Match.anyValue(),
    });
  });

  it('lets the stream retry past the claim lease instead of discarding a batch after a few quick retries', () => {
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
      (candidate) => candidate.Properties?.['ParallelizationFactor'] !== undefined,
    );
    // Stream retries come back at once: a retry count would be spent in seconds on a crashed attempt's live claim.
    expect([undefined, -1]).toContain(mapping?.Properties?.['MaximumRetryAttempts']);
    const lease = deliveryTimings(60).claimLeaseSeconds;
    expect(mapping?.Properties?.['MaximumRecordAgeInSeconds']).toBeGreaterThan(lease);
  });

  it("keeps failed stream records' data in an encrypted bucket the subscription function may only write", () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 14, Status: 'Enabled' })] },
    });
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((candidate) =>
      /CloudWatch Logs subscription/.test(String(candidate.Properties?.['Description'])),
    );
    const variables = (fn?.Properties?.['Environment'] as { Variables: Record<string, unknown> } | undefined)
      ?.Variables;
    expect(JSON.stringify(variables?.['FAILURE_PAYLOAD_BUCKET'])).toMatch(/FailurePayloads/);
    // Besides the EDR feed's quarantine prefix, the only S3 write is the subscription function's, under kinesis/.
    const s3 = s3WritesOf(template).filter((write) => !write.resource.includes('Quarantine'));
    expect(s3.flatMap((write) => write.actions)).toEqual(['s3:PutObject', 's3:PutObject']);
    // Two prefixes: failed batch remainders (kinesis/) and records set aside for good (kinesis-set-aside/); no more.
    const resources = s3.map((write) => write.resource);
    expect(resources).toHaveLength(2);
    expect(resources.filter((resource) => /FailurePayloads.*\/kinesis\/\*/.test(resource))).toHaveLength(1);
    expect(resources.filter((resource) => /FailurePayloads.*\/kinesis-set-aside\/\*/.test(resource))).toHaveLength(1);
    template.hasOutput('FailurePayloadBucketName', {});
  });

  it('alarms when the subscription function sets a stream record aside for good', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'vmsentry',
      MetricName: 'StreamRecordsSetAside',
      Dimensions: [{ Name: 'service', Value: 'vmsentry' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [Match.anyValue()],
      OKActions: [Match.anyValue()],
    });
    const [alarm] = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StreamRecordsSetAside' } }),
    );
    // The alarm says where the record is: the failure bucket's set-aside prefix.
    expect(JSON.stringify(alarm?.['Properties']['AlarmDescription'])).toMatch(
      /FailurePayloadsBucket.*\/kinesis-set-aside\//,
    );
  });

  it('adds an account-level subscription policy that never subscribes our own log groups', () => {
    template.hasResourceProperties('AWS::Logs::AccountPolicy', {
      PolicyType: 'SUBSCRIPTION_FILTER_POLICY',
      SelectionCriteria: Match.anyValue(),
    });
    const policy = Object.values(resourcesOf(template, 'AWS::Logs::AccountPolicy'))[0];
    const criteria = JSON.stringify(policy?.Properties?.['SelectionCriteria']);
    expect(criteria).toContain('LogGroupName NOT IN');
    expect(criteria).toContain('/noisy/app');
    expect(criteria.match(/Ref/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });

  it('connects AWS Chatbot to the alert topic without any chat-driven permissions', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [Match.anyValue()],
    });
    const configuration = Object.values(resourcesOf(template, 'AWS::Chatbot::SlackChannelConfiguration'))[0];
    expect(JSON.stringify(configuration?.Properties?.['GuardrailPolicies'])).toContain('ReadOnlyAccess');
  });

  it('subscribes the Slack notifier and the SIEM queue, each with a redrive policy', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: { severityRank: [{ numeric: ['>=', 2] }] },
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      RedrivePolicy: Match.anyValue(),
    });
  });

  it('imports an existing EDR queue instead of creating one', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:fdr',
    });
  });

  it('synthesizes with no EDR feed and no e-mail at all', () => {
    const minimal = synth({ edrFeed: { mode: 'none' } });
    // Only the alert history's own queue subscribes to the topic; the mappings are the audit stream and that queue.
    minimal.resourceCountIs('AWS::SNS::Subscription', 1);
    minimal.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    expect(Object.keys(resourcesOf(minimal, 'AWS::Lambda::EventSourceMapping'))).toHaveLength(2);
  });
});

describe('timeouts that add up', () => {
  it('derives the EDR queue visibility timeout and the stream record age from the function timeout', () => {
    const template = synth({ functionTimeoutSeconds: 900, kinesis: { enabled: true }, edrFeed: { mode: 'create' } });
    const timings = deliveryTimings(900);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.anyValue(),
      VisibilityTimeout: timings.sqsVisibilityTimeoutSeconds,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRecordAgeInSeconds: timings.kinesisMaxRecordAgeSeconds,
    });
    // The lease the runtime derives (lib/config.ts) outlasts the 900 s invocation; the redelivery comes after it.
    expect(timings.claimLeaseSeconds).toBeGreaterThan(900);
    expect(timings.sqsVisibilityTimeoutSeconds).toBeGreaterThanOrEqual(900 + timings.claimLeaseSeconds);
  });
});

describe('configuration validation', () => {
  it('fills defaults for an empty configuration', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      dedupWindowMinutes: 60,
      minSeverity: 'low',
      edrFeed: { mode: 'create' },
      kinesis: { enabled: false },
    });
  });

  it.each([
    [{ logGroups: [{ name: '/x', source: 'syslog' }] }, 'logGroups.0.source'],
    [{ alerts: { emails: [{ address: 'not-an-address' }] } }, 'alerts.emails.0.address'],
    [{ dedupWindowMinutes: 0 }, 'dedupWindowMinutes'],
    [{ logRetentionDays: 42 }, 'logRetentionDays'],
    [{ edrFeed: { mode: 'import' } }, 'edrFeed.queueArn'],
    [{ unknownKey: true }, '(root)'],
  ])('rejects %j naming the field %s', (raw, field) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(field);
  });
});
