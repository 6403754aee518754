import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { postJson, secretWebhookUrl } from '../lib/adapters/secrets-webhook';
import { parsePublishedAlert } from '../lib/alerts/parse-published';
import {
  renderSlack,
  renderSlackFollowUp,
  renderSlackUnrecognized,
  type SlackMessage,
} from '../lib/alerts/render-slack';
import { FOLLOW_UP_SCHEMA, parseFollowUp } from '../lib/dedup/follow-up';

export interface SlackNotifierDeps {
  /** The incoming-webhook URL (a credential: never logged). */
  readonly getWebhookUrl: () => Promise<string>;
  /** POST the JSON body; must throw on a non-2xx answer. */
  readonly post: (url: string, body: string) => Promise<unknown>;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The SNS body as a Slack message: an alert or a dedup follow-up rendered as Block Kit, anything else as an escaped
 * excerpt.
 */
export function slackMessageOf(snsMessage: string): SlackMessage {
  if (snsMessage.includes(FOLLOW_UP_SCHEMA)) {
    const followUp = parseFollowUp(snsMessage);
    if (followUp.ok) return renderSlackFollowUp(followUp.followUp);
    return renderSlackUnrecognized(snsMessage, followUp.reason);
  }
  const parsed = parsePublishedAlert(snsMessage);
  return parsed.ok ? renderSlack(parsed.alert) : renderSlackUnrecognized(snsMessage, parsed.reason);
}

/**
 * SNS -> Slack. Each record is posted; a failed post throws so Lambda reports the failure and SNS retries the
 * delivery (SNS invokes with one record, so a retry never re-posts another alert).
 */
export function createSlackNotifier(deps: SlackNotifierDeps): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    for (const record of event.Records) {
      const message = slackMessageOf(record.Sns.Message);
      const url = await deps.getWebhookUrl();
      await deps.post(url, JSON.stringify(message));
      deps.logger?.info('posted to Slack', { messageId: record.Sns.MessageId, blocks: message.blocks.length });
    }
  };
}

const logger = new Logger({ serviceName: 'vmsentry-slack-notifier' });
const secrets = new SecretsManagerClient({ maxAttempts: 3 });
const secretArn = process.env['SLACK_WEBHOOK_SECRET_ARN'] ?? '';

export const handler = createSlackNotifier({
  getWebhookUrl: secretArn
    ? secretWebhookUrl(secrets, secretArn)
    : () => Promise.reject(new Error('SLACK_WEBHOOK_SECRET_ARN is not set')),
  post: (url, body) => postJson(url, body, { timeoutMs: 5000 }),
  logger,
});
