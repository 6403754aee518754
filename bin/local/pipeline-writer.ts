/**
 * `validate --local`: local mode has no CloudWatch Logs, so a scenario's telemetry is delivered the way the log
 * group's subscription would deliver it, as a CloudWatch Logs subscription event handed to the real handler in this
 * process, wired to the served instance's tables and topic.
 */
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { loadRules } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { parseConfig } from '../../lib/config';
import type { LogWriter, TelemetryRecord } from '../../lib/validate';
import type { AwsClients } from '../aws-clients';
import { BUILTIN_RULES_DIR } from '../rule-sources';
import { cloudWatchDeliveries } from './scenario';
import type { LocalTarget } from './target';

export class LocalPipelineWriter implements LogWriter {
  private readonly handler: ReturnType<typeof createCloudWatchHandler>;

  constructor(target: LocalTarget, clients: Pick<AwsClients, 'doc' | 'sns'>) {
    const { tables, topicArn, dynamodbEndpoint } = target.state;
    const parsed = parseConfig({
      ALLOWLIST_TABLE: tables.allowlist,
      STATE_TABLE: tables.state,
      ALERT_TOPIC_ARN: topicArn,
    });
    if (!parsed.ok) throw new Error(`the served instance's configuration is invalid: ${parsed.problems.join('; ')}`);
    this.handler = createCloudWatchHandler({
      config: parsed.config,
      doc: clients.doc,
      publisher: new SnsAlertPublisher(clients.sns, topicArn, {
        allowlistTable: tables.allowlist,
        localDynamoEndpoint: dynamodbEndpoint,
      }),
      rules: loadRules(BUILTIN_RULES_DIR),
    });
  }

  async write(logGroup: string, logStream: string, records: readonly TelemetryRecord[]): Promise<void> {
    const startMs = records[0]?.timestampMs ?? Date.now();
    const messages = records.map((record) => record.message);
    for (const delivery of cloudWatchDeliveries(messages, { logGroup, logStream }, startMs))
      await this.handler(delivery.event);
  }
}
