import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, parseConfig } from '../../cdk/config';
import { VmsentryStack } from '../../cdk/stack';
import { synth, synthWith } from './synth';

const EXAMPLE_CONFIG = JSON.parse(readFileSync(join(__dirname, '../../config/example.json'), 'utf8'));

/**
 * Resource types and counts of the example configuration's stack on main before the console (issue 15). With the
 * console off the stack must stay exactly this, apart from what the alert-history store adds (logical ids with
 * "History"). A change elsewhere in the stack that adds resources updates this list in the same commit.
 */
const BASELINE_WITHOUT_CONSOLE: Record<string, number> = {
  'AWS::CloudWatch::Alarm': 23,
  'AWS::CloudWatch::Dashboard': 1,
  'AWS::DynamoDB::Table': 2,
  'AWS::Events::Rule': 1,
  'AWS::IAM::Policy': 4,
  'AWS::IAM::Role': 4,
  'AWS::KMS::Key': 2,
  'AWS::Lambda::EventInvokeConfig': 1,
  'AWS::Lambda::EventSourceMapping': 2,
  'AWS::Lambda::Function': 4,
  'AWS::Lambda::Permission': 11,
  'AWS::Logs::LogGroup': 4,
  'AWS::Logs::SubscriptionFilter': 10,
  'AWS::S3::Bucket': 1,
  'AWS::S3::BucketPolicy': 1,
  'AWS::SNS::Subscription': 4,
  'AWS::SNS::Topic': 2,
  'AWS::SNS::TopicPolicy': 2,
  'AWS::SQS::Queue': 5,
  'AWS::SQS::QueuePolicy': 5,
};

function resourceCounts(template: Template, keep: (logicalId: string) => boolean): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [id, resource] of Object.entries(template.toJSON()['Resources'] as Record<string, { Type: string }>)) {
    if (keep(id)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

describe('the web console is off by default', () => {
  let example: Template;
  beforeAll(() => {
    example = synth(EXAMPLE_CONFIG);
  });

  it('is disabled unless the configuration says otherwise, in the example configuration too', () => {
    expect(parseConfig({}).console).toEqual({ enabled: false, adminEmails: [], mfa: 'optional' });
    expect(EXAMPLE_CONFIG.console).toMatchObject({ enabled: false });
    expect(parseConfig(EXAMPLE_CONFIG).console.enabled).toBe(false);
  });

  it('leaves the stack as it was before the console: the same resources, apart from the alert history', () => {
    expect(resourceCounts(example, (id) => !/History/.test(id))).toEqual(BASELINE_WITHOUT_CONSOLE);
    for (const type of Object.keys(resourceCounts(example, () => true))) {
      expect(type).not.toMatch(/Cognito|CloudFront|ApiGateway|CDKBucketDeployment/);
    }
  });

  it('deploys nothing of a configured but disabled console: the same template as without the setting', () => {
    const configured = synth({
      ...EXAMPLE_CONFIG,
      console: { enabled: false, adminEmails: ['analyst@example.com'], mfa: 'required', domainPrefix: 'corp' },
    });
    expect(configured.toJSON()).toEqual(example.toJSON());
  });
});

describe('console settings', () => {
  it.each([
    [{ enabled: true }, 'console.adminEmails: the console needs at least one admin'],
    [{ enabled: true, adminEmails: [] }, 'console.adminEmails: the console needs at least one admin'],
    [{ enabled: true, adminEmails: ['not-an-address'] }, 'console.adminEmails.0: must be an e-mail address'],
    [
      { enabled: true, adminEmails: ['a@example.com', 'A@Example.com'] },
      'console.adminEmails.1: a@example.com is listed twice',
    ],
    [{ mfa: 'sms' }, 'console.mfa: must be one of: off, optional, required'],
    [{ domainPrefix: 'Corp_Console' }, 'console.domainPrefix: must be 1-63 lowercase'],
    [{ domainPrefix: 'my-aws-console' }, 'console.domainPrefix: must not contain aws'],
    [{ domainPrefix: `v${'x'.repeat(63)}` }, 'console.domainPrefix'],
    [{ enabled: 'yes' }, 'console.enabled'],
    [{ enabeld: true }, 'console'],
  ])('refuses %j with one message naming the field', (settings, message) => {
    expect(() => parseConfig({ console: settings })).toThrow(ConfigError);
    expect(() => parseConfig({ console: settings })).toThrow(message);
  });

  it.each([
    [{ enabled: true, adminEmails: ['analyst@example.com'] }],
    [{ enabled: true, adminEmails: ['a@example.com', 'b@example.com'], mfa: 'required', domainPrefix: 'corp-soc-1' }],
    [{ enabled: false }],
  ])('accepts %j', (settings) => {
    expect(parseConfig({ console: settings }).console).toMatchObject(settings);
  });

  it('lists every bad console field in the one error, beside the other fields', () => {
    let message = '';
    try {
      parseConfig({ dedupWindowMinutes: 0, console: { enabled: true, mfa: 'sms', domainPrefix: 'AWS' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toEqual([
      expect.stringContaining('dedupWindowMinutes'),
      expect.stringContaining('console.mfa'),
      expect.stringContaining('console.domainPrefix'),
    ]);
  });

  it('stores admin e-mails in lower case, as Cognito compares them', () => {
    expect(parseConfig({ console: { adminEmails: ['Analyst@Example.COM'] } }).console.adminEmails).toEqual([
      'analyst@example.com',
    ]);
  });
});

describe('the whole stack with the console on', () => {
  it('synthesizes with cdk-nag clean, wiring the console to the history and allowlist tables and every failure queue', () => {
    const template = synthWith(
      (app) =>
        new VmsentryStack(app, 'Test', {
          config: parseConfig({
            ...EXAMPLE_CONFIG,
            console: { enabled: true, adminEmails: ['analyst@example.com'] },
          }),
          env: { account: '123456789012', region: 'eu-west-1' },
          consoleAssets: join(__dirname, '../fixtures/console-site'),
        }),
    );
    const consoleFunctions = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn).includes('HISTORY_TABLE'),
    );
    const withApi = consoleFunctions.filter((fn) => JSON.stringify(fn).includes('FAILURE_QUEUES'));
    expect(withApi).toHaveLength(1);
    const environment = JSON.stringify(withApi[0]);
    for (const queue of ['SubscriptionFailures', 'AlertDeliveryFailures', 'HistoryDeadLetters']) {
      expect(environment).toContain(queue);
    }
    expect(environment).toMatch(/"HISTORY_TABLE":\{"Ref":"TablesHistory/);
    expect(environment).toContain('HEARTBEAT_MINUTES');
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
  });
});
