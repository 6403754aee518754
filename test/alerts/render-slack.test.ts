import fc from 'fast-check';
import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { type PublishedAlert, toPublishedAlert } from '../../lib/alerts/published-alert';
import { renderSlack, renderSlackUnrecognized, SLACK_LIMITS, type SlackMessage } from '../../lib/alerts/render-slack';
import type { Alert } from '../../lib/model';
import { containerAlert, vmAlert } from './fixtures';
import { HOSTILE, hostileAlert } from './hostile';

const NOW = Date.parse('2026-11-20T15:00:00Z');
const OPTIONS = { region: 'eu-west-1', runbookUrl: 'https://wiki.example.com/runbooks/{ruleId}' };

function published(alert: Alert): PublishedAlert {
  return toPublishedAlert(alert, OPTIONS, CONTENT_LEVELS[0]!, NOW);
}

/** Every text a Slack client renders from the payload. */
function textsOf(message: SlackMessage): string[] {
  const texts: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'text' && typeof item === 'string') texts.push(item);
        else walk(item);
      }
    }
  };
  walk(message.blocks);
  return texts;
}

function newlines(message: SlackMessage): number {
  return textsOf(message).join('').split('\n').length;
}

describe('renderSlack', () => {
  it('shows severity, host, user and rule as fields and the command in a code block', () => {
    const message = renderSlack(published(vmAlert()));
    const [header, fields, command] = message.blocks;
    expect(header).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(JSON.stringify(header)).toContain('HIGH: VirtualBox VM started headless');
    const fieldTexts = fields?.type === 'section' ? (fields.fields ?? []).map((f) => f.text) : [];
    expect(fieldTexts).toEqual(
      expect.arrayContaining([
        '*Severity*\n:red_circle: high',
        '*Host*\n`wks-0142.corp.example.com`',
        '*User*\n`CORP\\alice`',
        `*Rule*\n\`${vmAlert().ruleId}\``,
      ]),
    );
    expect(command).toMatchObject({
      type: 'section',
      text: { text: expect.stringMatching(/^\*Command line\*\n```"C:/) },
    });
  });

  it('gives context with count, first and last seen, and link buttons to Logs Insights and the runbook', () => {
    const message = renderSlack(published(vmAlert()));
    const context = message.blocks.find((b) => b.type === 'context');
    expect(JSON.stringify(context)).toContain('3 times between 2026-11-20T13:58:40.000Z and 2026-11-20T14:03:12.000Z');
    const actions = message.blocks.find((b) => b.type === 'actions');
    const urls = actions?.type === 'actions' ? actions.elements.map((e) => e.url) : [];
    expect(urls[0]).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights/,
    );
    expect(urls[1]).toBe(`https://wiki.example.com/runbooks/${vmAlert().ruleId}`);
  });

  it('has no buttons when there is no log group and no runbook', () => {
    const alert = vmAlert();
    const noLinks = {
      ...alert,
      event: { ...alert.event, provenance: { ...alert.event.provenance, logGroup: undefined } },
    };
    const { logGroup: _lg, ...input } = alert.input;
    const message = renderSlack(
      toPublishedAlert({ ...noLinks, input } as unknown as Alert, {}, CONTENT_LEVELS[0]!, NOW),
    );
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('warns at the top when the allowlist could not be read', () => {
    const message = renderSlack(published(containerAlert()));
    expect(JSON.stringify(message.blocks[1])).toContain('allowlist could not be read');
    expect(JSON.stringify(renderSlack(published(vmAlert())).blocks[1])).not.toContain('allowlist could not be read');
  });

  it.each(Object.entries(HOSTILE))('neutralizes %s in every text', (_name, text) => {
    const texts = textsOf(renderSlack(published(hostileAlert(text))));
    for (const t of texts) {
      expect(t).not.toContain('<');
      expect(t).not.toContain('>');
      expect(t).not.toMatch(/[\r\u001b\u202e]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  it('keeps backticks from closing the code block around a command line', () => {
    const message = renderSlack(published(hostileAlert(HOSTILE.mrkdwn)));
    const command = message.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*Command line*'));
    const body = command?.type === 'section' ? (command.text?.text ?? '') : '';
    const inner = body.slice(body.indexOf('```') + 3, body.lastIndexOf('```'));
    expect(inner).not.toContain('`');
    expect(inner).toContain('*bold* _it_ ~strike~');
  });

  it('stays within Block Kit limits for a 300 KB command line', () => {
    const message = renderSlack(published(hostileAlert(`vboxmanage ${'A<&'.repeat(100_000)}`)));
    for (const block of message.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      if (block.type === 'section') {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.field);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      }
    }
    expect(JSON.stringify(message)).toContain('truncated');
  });

  it('never lets event text add a raw "<" or a line to any Slack text, for arbitrary strings', () => {
    const baseline = newlines(renderSlack(published(hostileAlert('x'))));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }).filter((s) => s.trim() !== ''),
        (s) => {
          const message = renderSlack(published(hostileAlert(s)));
          for (const t of textsOf(message)) {
            expect(t).not.toContain('<');
            expect(t).not.toContain('<!');
            expect(t).not.toContain('\r');
          }
          expect(newlines(message)).toBe(baseline);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never lets a hostile host name add a raw "<" either', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const alert = hostileAlert('x', { host: { hostname: s } });
        for (const t of textsOf(renderSlack(published(alert)))) expect(t).not.toContain('<');
      }),
      { numRuns: 100 },
    );
  });
});

describe('renderSlackUnrecognized', () => {
  it('posts a message that is not an alert as an escaped excerpt instead of dropping it', () => {
    const message = renderSlackUnrecognized('<!channel> hello', 'not JSON');
    const texts = textsOf(message).join(' ');
    expect(texts).toContain('&lt;!channel&gt; hello');
    expect(texts).not.toContain('<!channel>');
  });
});
