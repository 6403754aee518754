import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import { renderSlack } from '../../lib/alerts/render-slack';
import { toSnsPublishEntry } from '../../lib/alerts/sns-message';
import { vmAlert } from './fixtures';

/** The examples in docs/alerts.md are this fixture's current rendering: a change to a renderer shows up here. */
const entry = toSnsPublishEntry(vmAlert(), {
  region: 'eu-west-1',
  allowlistTable: 'vmsentry-allowlist',
  runbookUrl: 'https://wiki.example.com/runbooks/{ruleId}',
  nowMs: Date.parse('2026-11-20T15:00:00Z'),
});
const bodies = JSON.parse(entry.Message) as { default: string; email: string; https: string };
const docs = readFileSync(join(__dirname, '../../docs/alerts.md'), 'utf8');

function fenced(lang: string, text: string): string {
  return `\`\`\`${lang}\n${text.replace(/\n$/, '')}\n\`\`\``;
}

describe('docs/alerts.md examples', () => {
  it('shows the current e-mail rendering of the fixture', () => {
    expect(docs).toContain(fenced('text', bodies.email));
  });

  it('shows the current Slack rendering of the fixture', () => {
    const parsed = parsePublishedAlert(bodies.default);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(docs).toContain(fenced('json', JSON.stringify(renderSlack(parsed.alert), null, 2)));
  });

  it('shows the current default body, Chatbot body, subject and attributes', () => {
    expect(docs).toContain(fenced('json', JSON.stringify(JSON.parse(bodies.default), null, 2)));
    expect(docs).toContain(fenced('json', JSON.stringify(JSON.parse(bodies.https), null, 2)));
    expect(docs).toContain(`Subject: \`${entry.Subject}\``);
    expect(docs).toContain(fenced('json', JSON.stringify(entry.MessageAttributes, null, 2)));
  });
});
