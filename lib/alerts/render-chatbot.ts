import { alertFacts, seenOf } from './alert-facts';
import type { PublishedAlert } from './published-alert';
import { responseSteps } from './response-steps';
import { slackCode, slackCodeBlock, slackPlain } from './slack-text';
import { foldLines } from './text';

/** AWS Chatbot (Amazon Q Developer in chat applications) custom notification, version 1.0. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

/** Our own bounds, well inside what chat clients show without collapsing. */
const LIMITS = { title: 250, description: 3500, step: 400, steps: 7, keyword: 60, keywords: 6 } as const;

/**
 * The `https` body of the SNS message: Chatbot renders client-markdown as the channel's markdown (Slack mrkdwn in
 * Slack), so the same escaping as the Slack renderer applies; event values are in code spans and blocks.
 */
export function renderChatbot(alert: PublishedAlert): ChatbotNotification {
  const facts = alertFacts(alert);
  const lines: string[] = [];
  if (alert.allowlist === 'unfiltered') lines.push(':warning: *Allowlist unreadable: sent without filtering.*');
  for (const f of [...facts.where, ...facts.who, ...facts.what, ...facts.parent].filter((f) => !f.code)) {
    lines.push(`*${f.label}:* ${slackCode(f.value, 300)}`);
  }
  const command = [...facts.what, ...facts.parent].find((f) => f.code);
  if (command) lines.push(`*${command.label}:*`, slackCodeBlock(command.value, 1000));
  lines.push(
    `*Seen:* ${slackPlain(seenOf(alert), 300)}`,
    `*Why it matters:* ${slackPlain(foldLines(alert.description), 800)}`,
  );
  for (const c of alert.context.slice(0, 4)) lines.push(`• ${slackPlain(c, 200)}`);
  if (alert.falsepositives.length > 0) {
    lines.push(`*Known false positives:* ${slackPlain(alert.falsepositives.join('; '), 300)}`);
  }
  const description = boundedLines(lines, LIMITS.description);

  const nextSteps = [
    ...responseSteps(alert).map((step) => slackPlain(step, LIMITS.step)),
    ...(alert.links.logsInsights ? [`Logs Insights: ${alert.links.logsInsights}`] : []),
    ...(alert.links.runbook ? [`Runbook: ${slackPlain(alert.links.runbook, 300)}`] : []),
  ].slice(0, LIMITS.steps);

  const keywords = [alert.severity, ...alert.technique, alert.host, alert.event.provenance.format]
    .filter((k) => k.trim() !== '')
    .slice(0, LIMITS.keywords)
    .map((k) => slackPlain(k, LIMITS.keyword));

  return {
    version: '1.0',
    source: 'custom',
    id: alert.id,
    content: {
      textType: 'client-markdown',
      title: slackPlain(`${alert.severity.toUpperCase()}: ${alert.title} on ${alert.host}`, LIMITS.title),
      description,
      nextSteps,
      keywords,
    },
    metadata: {
      threadId: alert.id,
      summary: slackPlain(`${alert.severity}: ${alert.title} on ${alert.host}`, 200),
      eventType: 'vmsentry.alert',
      relatedResources: alert.hostKeys.slice(0, 5).map((key) => slackPlain(key, 200)),
      additionalContext: {
        alertId: alert.id,
        ruleId: slackPlain(alert.ruleId, 100),
        severity: alert.severity,
        count: String(alert.dedup.count),
      },
    },
  };
}

/** Whole lines up to `max` characters, so no code block or entity is cut in half. */
function boundedLines(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > max) {
      kept.push('…[more in the e-mail and JSON alert]');
      break;
    }
    kept.push(line);
    size += line.length + 1;
  }
  return kept.join('\n');
}
