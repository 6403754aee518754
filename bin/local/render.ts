/** What subscribers of the alert topic would see, for the terminal: the e-mail body and the Slack message as text. */
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import type { PublishedAlert } from '../../lib/alerts/published-alert';
import { renderSlack, type SlackBlock, type SlackMessage, type SlackText } from '../../lib/alerts/render-slack';
import type { CapturedMessage } from './sns';

export interface DeliveredAlert {
  readonly alert: PublishedAlert;
  /** The `email` body SNS sends to e-mail subscriptions. */
  readonly email: string;
  /** The Block Kit message the Slack notifier posts for the `default` body. */
  readonly slack: SlackMessage;
}

export type DeliveryParse =
  | { readonly ok: true; readonly delivered: DeliveredAlert }
  | { readonly ok: false; readonly reason: string };

/** Unpack a captured SNS message (MessageStructure 'json': default / email / https bodies). */
export function deliveredAlertOf(message: CapturedMessage): DeliveryParse {
  let bodies: unknown;
  try {
    bodies = message.structure === 'json' ? JSON.parse(message.message) : { default: message.message };
  } catch (error) {
    return { ok: false, reason: `message is not JSON: ${(error as Error).message}` };
  }
  const { default: body, email } = (bodies ?? {}) as { default?: unknown; email?: unknown };
  if (typeof body !== 'string') return { ok: false, reason: 'message has no default body' };
  const parsed = parsePublishedAlert(body);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return {
    ok: true,
    delivered: {
      alert: parsed.alert,
      email: typeof email === 'string' ? email : body,
      slack: renderSlack(parsed.alert),
    },
  };
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

/** A Block Kit message as a terminal would show it: one block after another, mrkdwn left as written. */
export function slackAsText(message: SlackMessage): string {
  return message.blocks.flatMap(blockText).join('\n');
}
