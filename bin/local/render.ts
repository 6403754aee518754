/**
 * What each subscriber of the alert topic received, for the terminal: the e-mail body, the Slack message the
 * notifier posts, the Chatbot notification and the SIEM queue's JSON, keyed by alert id.
 */
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import type { PublishedAlert } from '../../lib/alerts/published-alert';
import { renderSlack, type SlackBlock, type SlackText } from '../../lib/alerts/render-slack';
import { severityRank } from '../../lib/model/severity';
import type { SubscriberProtocol, TopicSubscriber } from './subscribers';

/** What one subscriber received in one pass: each body by the alert id it carries. */
export interface SubscriberInbox {
  readonly subscriber: TopicSubscriber;
  readonly byAlertId: ReadonlyMap<string, string>;
  /** Bodies that name no alert: a delivery problem worth reporting. */
  readonly unreadable: readonly string[];
}

/** The alert id a subscriber's body carries: JSON bodies have it as `id`, the e-mail text on its "Alert id" line. */
export function alertIdOf(protocol: SubscriberProtocol, body: string): string | undefined {
  if (protocol === 'email') return /^Alert id (\S+)/m.exec(body)?.[1];
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function inboxOf(subscriber: TopicSubscriber, bodies: readonly string[]): SubscriberInbox {
  const byAlertId = new Map<string, string>();
  const unreadable: string[] = [];
  for (const body of bodies) {
    const id = alertIdOf(subscriber.protocol, body);
    if (id === undefined) unreadable.push(body);
    else byAlertId.set(id, body);
  }
  return { subscriber, byAlertId, unreadable };
}

/** The alerts an unfiltered JSON subscriber (the SIEM queue) received, most severe first. */
export function alertsIn(inbox: SubscriberInbox): { alerts: PublishedAlert[]; problems: string[] } {
  const alerts: PublishedAlert[] = [];
  const problems: string[] = [];
  for (const body of inbox.byAlertId.values()) {
    const parsed = parsePublishedAlert(body);
    if (parsed.ok) alerts.push(parsed.alert);
    else problems.push(`${inbox.subscriber.name} received a body that is not an alert: ${parsed.reason}`);
  }
  alerts.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  return { alerts, problems };
}

/** One subscriber's rendition of an alert for the terminal. */
export function renderFor(protocol: SubscriberProtocol, body: string): string {
  switch (protocol) {
    case 'email':
      return body;
    case 'lambda': {
      const parsed = parsePublishedAlert(body);
      return parsed.ok ? slackAsText(renderSlack(parsed.alert).blocks) : `(not an alert: ${parsed.reason})`;
    }
    case 'https': {
      const notification = JSON.parse(body) as { content?: { title?: string; nextSteps?: unknown[] } };
      return `${notification.content?.title ?? '(no title)'}  [custom notification, ${notification.content?.nextSteps?.length ?? 0} next steps]`;
    }
    case 'sqs':
      return body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body;
  }
}

function plain(text: SlackText): string {
  return text.text;
}

function blockText(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [`== ${plain(block.text)} ==`];
    case 'section':
      return [
        ...(block.text ? [plain(block.text)] : []),
        ...(block.fields ?? []).map((field) => `  ${plain(field).replace(/\n/g, ' ')}`),
      ];
    case 'context':
      return [block.elements.map(plain).join('  ·  ')];
    case 'divider':
      return ['----'];
    case 'actions':
      return block.elements.map((button) => `[${plain(button.text)}] ${button.url}`);
  }
}

/** Block Kit blocks as a terminal would show them: one block after another, mrkdwn left as written. */
export function slackAsText(blocks: readonly SlackBlock[]): string {
  return blocks.flatMap(blockText).join('\n');
}
