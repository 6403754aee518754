import { type FollowUp, followUpText } from '../dedup/follow-up';
import type { Severity } from '../model';
import { alertFacts, type Fact, seenOf, textOf } from './alert-facts';
import type { PublishedAlert } from './published-alert';
import { responseSteps } from './response-steps';
import { slackCode, slackCodeBlock, slackPlain } from './slack-text';
import { foldLines } from './text';

/** The subset of Block Kit this renderer emits. */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  /** mrkdwn only: true stops Slack from auto-linking names and mentions in the text. */
  readonly verbatim?: boolean;
  readonly emoji?: boolean;
}
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'divider' }
  | {
      readonly type: 'actions';
      readonly elements: readonly { type: 'button'; text: SlackText; url: string; action_id: string }[];
    };
export interface SlackMessage {
  /** Notification and accessibility fallback. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Block Kit limits (characters). */
export const SLACK_LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, button: 75, url: 3000 } as const;

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_diamond:',
  low: ':large_blue_circle:',
  informational: ':information_source:',
};

/** Characters of a command line shown in Slack; the e-mail and JSON bodies carry more. */
const COMMAND_MAX = 1500;

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text, verbatim: true };
}

/**
 * A Slack incoming-webhook message: header, the key facts as fields, the command in a code block, why it matters,
 * what to do, when it was seen, and buttons to Logs Insights and the runbook. All event text is escaped.
 */
export function renderSlack(alert: PublishedAlert): SlackMessage {
  const facts = alertFacts(alert);
  const fields = alert.event.fields as Readonly<Record<string, unknown>>;
  const emoji = SEVERITY_EMOJI[alert.severity] ?? ':grey_question:';
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: slackPlain(`${alert.severity.toUpperCase()}: ${alert.title}`, SLACK_LIMITS.header),
        emoji: true,
      },
    },
  ];
  if (alert.allowlist === 'unfiltered') {
    blocks.push({
      type: 'section',
      text: mrkdwn(':warning: *The allowlist could not be read:* this alert was sent without allowlist filtering.'),
    });
  }

  const keyFacts = [
    field('Severity', `${emoji} ${alert.severity}`, false),
    field('Host', alert.host),
    field('User', textOf(fields['User']) ?? textOf(fields['Actor']) ?? textOf(fields['LoginUser'])),
    field('Rule', `${alert.ruleId}`),
    field('Image', textOf(fields['Image']) ?? textOf(fields['ContainerImage']) ?? textOf(fields['ImagePath'])),
    field('Parent', textOf(fields['ParentImage'])),
    field('Technique', alert.technique.join(', ')),
    field('Privileges', facts.what.find((f) => f.label === 'Privileges')?.value),
    field('Identities', facts.where.find((f) => f.label === 'Identities')?.value),
    field('Event time', alert.event.time),
  ].filter((f): f is SlackText => f !== undefined);
  blocks.push({ type: 'section', fields: keyFacts.slice(0, SLACK_LIMITS.fields) });

  const command = commandFact(facts.what);
  if (command) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${command.label}*\n${slackCodeBlock(command.value, COMMAND_MAX)}`),
    });
  }
  const parentCommand = facts.parent.find((f) => f.code === 'command');
  if (parentCommand) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Parent command line*\n${slackCodeBlock(parentCommand.value, 800)}`),
    });
  }

  const why = [
    `*Why it matters*\n${slackPlain(foldLines(alert.description), 1200)}`,
    ...alert.context.slice(0, 5).map((c) => `• ${slackPlain(c, 300)}`),
    ...(alert.falsepositives.length > 0
      ? [`_Known false positives:_ ${slackPlain(alert.falsepositives.slice(0, 5).join('; '), 600)}`]
      : []),
  ].join('\n');
  blocks.push({ type: 'section', text: mrkdwn(why) });

  const steps = responseSteps(alert)
    .slice(0, 6)
    .map((step, i) => `${i + 1}. ${slackPlain(step, 400)}`);
  blocks.push({ type: 'section', text: mrkdwn(`*Response*\n${steps.join('\n')}`) });

  if (alert.suppression) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Suppress if sanctioned* (set reason and owner)\n${slackCodeBlock(alert.suppression.cli, 2600)}`),
    });
  }

  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`Seen ${slackPlain(seenOf(alert), 400)}`),
      mrkdwn(`Source ${slackCode(alert.event.provenance.format, 60)} · alert ${slackCode(alert.id, 80)}`),
    ],
  });

  const buttons = [
    button('Logs Insights', alert.links.logsInsights, 'logs_insights'),
    button('Runbook', alert.links.runbook, 'runbook'),
  ].filter((b) => b !== undefined);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });

  return {
    text: slackPlain(`${alert.severity.toUpperCase()}: ${alert.title} on ${alert.host}`, 300),
    blocks,
  };
}

function field(label: string, value: string | undefined, asCode = true): SlackText | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const budget = SLACK_LIMITS.field - label.length - 8;
  return mrkdwn(`*${label}*\n${asCode ? slackCode(value, Math.min(budget, 600)) : slackPlain(value, budget)}`);
}

function commandFact(what: readonly Fact[]): Fact | undefined {
  return what.find((f) => f.code === 'command') ?? what.find((f) => f.code === 'script');
}

function button(
  label: string,
  url: string | undefined,
  actionId: string,
): { type: 'button'; text: SlackText; url: string; action_id: string } | undefined {
  // Only links we built (https, no spaces or angle brackets) become buttons.
  if (!url || url.length > SLACK_LIMITS.url || !/^https:\/\/[^\s<>"]+$/.test(url)) return undefined;
  return { type: 'button', text: { type: 'plain_text', text: label }, url, action_id: actionId };
}

/**
 * A dedup follow-up ("seen N more times" after the window's alert): what it follows up, how many more events, in
 * which window. All text escaped: rule titles and host names come from events.
 */
export function renderSlackFollowUp(followUp: FollowUp): SlackMessage {
  const emoji = SEVERITY_EMOJI[followUp.severity] ?? ':grey_question:';
  const header = `${emoji} Seen ${followUp.moreEvents} more time(s): ${followUp.title}`;
  return {
    text: slackPlain(followUpText(followUp), 500),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: header.slice(0, SLACK_LIMITS.header), emoji: true } },
      {
        type: 'section',
        fields: [
          mrkdwn(`*Rule:*\n${slackCode(followUp.ruleId, 200)}`),
          mrkdwn(`*Host:*\n${slackPlain(followUp.host, 300)}`),
          mrkdwn(`*Severity:*\n${followUp.severity}`),
          mrkdwn(`*Events:*\n${followUp.moreEvents} more after the alert, ${followUp.count} in the window`),
          mrkdwn(`*Window:*\n${slackPlain(followUp.windowStart, 40)} to ${slackPlain(followUp.windowEnd, 40)}`),
          mrkdwn(`*Last seen:*\n${slackPlain(followUp.lastSeen, 40)}`),
        ],
      },
      { type: 'context', elements: [mrkdwn(`Follow-up to alert ${slackCode(followUp.alertId, 80)}`)] },
    ],
  };
}

/**
 * A message on the alert topic that is not a vmsentry alert (a test publish, a newer schema, a bug) still reaches the
 * channel: shown as an escaped excerpt, never dropped.
 */
export function renderSlackUnrecognized(message: string, reason: string): SlackMessage {
  return {
    text: 'Unrecognized message on the vmsentry alert topic',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Unrecognized message on the alert topic' } },
      { type: 'section', text: mrkdwn(`*Why:* ${slackPlain(reason, 500)}`) },
      { type: 'section', text: mrkdwn(slackCodeBlock(message, 2000)) },
    ],
  };
}
