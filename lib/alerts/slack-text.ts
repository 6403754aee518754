import { oneLine, truncate } from './text';

/**
 * Slack mrkdwn escaping (also used for AWS Chatbot's client-markdown). Slack parses `&`, `<` and `>` as control
 * characters in every text object (`<!channel>`, `<@U123>`, `<http://x|y>`), so they become entities; event values
 * go into code spans or code blocks, where `*`, `_` and `~` are literal, with backticks replaced by a look-alike
 * (U+02CB) so they cannot close the span. Event text is made single-line first, so it cannot add lines or quotes.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const BACKTICK_LOOKALIKE = '\u02cb';

function noBackticks(text: string): string {
  return text.replace(/`/g, BACKTICK_LOOKALIKE);
}

/** Plain text (rule titles, labels): single line, entities escaped. */
export function slackPlain(text: string, max: number): string {
  return escapedWithin(text, max, (t) => escapeSlack(oneLine(t)));
}

/** An inline code span of an event value. */
export function slackCode(text: string, max: number): string {
  return escapedWithin(
    text,
    max - 2,
    (t) => escapeSlack(noBackticks(oneLine(t))),
    (s) => `\`${s}\``,
  );
}

/** A code block of an event value (command lines): one line, backticks neutralized. */
export function slackCodeBlock(text: string, max: number): string {
  return escapedWithin(
    text,
    max - 6,
    (t) => escapeSlack(noBackticks(oneLine(t))),
    (s) => `\`\`\`${s}\`\`\``,
  );
}

/**
 * Escape, then cut the source (never the escaped text, which would split an entity) until the result fits `max`.
 * Escaping can grow text up to six times (`\u202e`), so the source is shrunk proportionally and retried.
 */
function escapedWithin(
  text: string,
  max: number,
  render: (t: string) => string,
  wrap: (s: string) => string = (s) => s,
): string {
  let length = text.length;
  let out = render(text);
  while (out.length > max && length > 0) {
    length = Math.max(0, Math.min(length - 1, Math.floor((length * max) / out.length) - 32));
    out = render(truncate(text, length));
  }
  return wrap(out.length > max ? '' : out);
}
