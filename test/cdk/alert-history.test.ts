import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ConfigError, parseConfig } from '../../cdk/config';
import { HISTORY_MAX_RECEIVE_COUNT } from '../../cdk/constructs/alert-history';
import { HISTORY_TABLE } from '../../lib/model';
import { synth } from './synth';

type Resource = { Properties?: Record<string, unknown>; DependsOn?: unknown };
const resourcesOf = (template: Template, type: string): Record<string, Resource> =>
  template.findResources(type) as Record<string, Resource>;

/** The logical id of the one resource of `type` whose JSON contains `marker`. */
function idOf(template: Template, type: string, marker: string): string {
  const ids = Object.entries(resourcesOf(template, type))
    .filter(([, resource]) => JSON.stringify(resource).includes(marker))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('alert history in the stack (default configuration)', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({});
  });

  it('keeps history in a retained, recoverable, KMS-encrypted table with TTL and the time, host and rule indexes', () => {
    const [history] = Object.entries(resourcesOf(template, 'AWS::DynamoDB::Table')).filter(
      ([, table]) =>
        JSON.stringify(table.Properties?.['KeySchema']) === JSON.stringify([{ AttributeName: 'id', KeyType: 'HASH' }]),
    );
    expect(history).toBeDefined();
    const [, table] = history as [string, Resource & { DeletionPolicy?: string }];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    const indexes = table.Properties?.['GlobalSecondaryIndexes'] as { IndexName: string; Projection: unknown }[];
    for (const index of indexes) expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(
      (HISTORY_TABLE.indexes ?? []).map((index) => index.name).sort(),
    );
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(['byHost', 'byRule', 'byTime']);
  });

  it('feeds the writer from its own raw-delivery SQS subscription of the alert topic, with a DLQ', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('HistoryQueue'), 'Arn'] },
      RedrivePolicy: Match.anyValue(),
    });
    expect(HISTORY_MAX_RECEIVE_COUNT).toBe(5);
    const queue = resourcesOf(template, 'AWS::SQS::Queue')[idOf(template, 'AWS::SQS::Queue', 'HistoryDeadLetters')];
    expect(queue).toBeDefined();
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('HistoryDeadLetters'), 'Arn'] },
        maxReceiveCount: HISTORY_MAX_RECEIVE_COUNT,
      },
      // Six times the writer's 30 s timeout (docs/alert-history.md).
      VisibilityTimeout: 180,
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('HistoryQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('configures the writer with the table and the default 90-day retention', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ HISTORY_TABLE: Match.anyValue(), HISTORY_RETENTION_DAYS: '90' }),
      },
    });
  });

  it('lets the writer only read and update items of the history table, and nothing else write to it', () => {
    const historyTable = idOf(template, 'AWS::DynamoDB::Table', 'byHost');
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy.Properties?.['PolicyDocument'] as
            | { Statement: { Action: string | string[]; Resource: unknown }[] }
            | undefined
        )?.Statement ?? [],
    );
    const onHistory = statements.filter((statement) => JSON.stringify(statement.Resource).includes(historyTable));
    const actions = onHistory
      .flatMap((statement) => [statement.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // The detection functions' grants never name the history table: history adds nothing to the detection path.
    expect(onHistory).toHaveLength(1);
  });

  it('alarms on the history dead-letter queue and on writer errors', () => {
    const alarms = JSON.stringify(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('HistoryDeadLetters');
    expect(alarms).toContain('HistoryWriter');
  });
});

describe('history configuration', () => {
  it('takes the retention from `history.retentionDays`', () => {
    const template = synth({ history: { retentionDays: 30 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HISTORY_RETENTION_DAYS: '30' }) },
    });
  });

  it('refuses a retention outside 1..3653 days or unknown history keys', () => {
    expect(() => parseConfig({ history: { retentionDays: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ history: { retentionDays: 3654 } })).toThrow(ConfigError);
    expect(() => parseConfig({ history: { retentionDays: 1.5 } })).toThrow(ConfigError);
    expect(() => parseConfig({ history: { retention: 30 } })).toThrow(ConfigError);
    expect(parseConfig({}).history.retentionDays).toBe(90);
  });
});
