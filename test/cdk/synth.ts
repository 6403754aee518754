import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseConfig } from '../../cdk/config';
import { VmsentryStack } from '../../cdk/stack';

/**
 * Synthesize the stack for a configuration, with cdk-nag attached exactly as cdk/app.ts does, and bundling skipped
 * (NodejsFunction then emits a placeholder asset; bundling itself is exercised by `cdk synth` in CI).
 * A cdk-nag finding that is not acknowledged makes synthesis throw.
 */
/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')) as { context: Record<string, unknown> })
      .context,
  ).filter(([key]) => key.startsWith('@aws-cdk/')),
);

export function synth(rawConfig: unknown): Template {
  return synthWith(
    (app) =>
      new VmsentryStack(app, 'Test', {
        config: parseConfig(rawConfig),
        env: { account: '123456789012', region: 'eu-west-1' },
      }),
  );
}

/** Synthesize the stack `build` adds to the app, with cdk-nag and the cdk.json feature flags, as synth() does. */
export function synthWith(build: (app: App) => Stack): Template {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth({ validateOnSynthesis: true });
  return Template.fromStack(stack);
}

export const FULL_CONFIG = {
  logGroups: [
    { name: '/corp/windows/sysmon', source: 'sysmon-windows' },
    { name: '/corp/linux/audit', source: 'auditd', filterPattern: '?EXECVE ?SYSCALL ?PROCTITLE' },
  ],
  sourceHints: [{ prefix: '/aws/eks/', source: 'k8s-audit' }],
  accountPolicy: { enabled: true, excludeLogGroups: ['/noisy/app'] },
  edrFeed: {
    mode: 'import',
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:fdr',
    buckets: ['cs-prod-cannon'],
    kmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555'],
  },
  alerts: {
    emails: [{ address: 'soc@example.com', minSeverity: 'critical' }],
    chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' },
    slackWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vmsentry/slack-AbCdEf',
    siemQueue: true,
  },
  alarmEmail: 'ops@example.com',
  kinesis: { enabled: true, shards: 4, batchSize: 500, parallelizationFactor: 3 },
};
