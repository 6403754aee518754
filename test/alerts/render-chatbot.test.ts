import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { toPublishedAlert } from '../../lib/alerts/published-alert';
import { renderChatbot } from '../../lib/alerts/render-chatbot';
import type { Alert } from '../../lib/model';
import { vmAlert } from './fixtures';
import { HOSTILE, hostileAlert } from './hostile';

const NOW = Date.parse('2026-11-20T15:00:00Z');

function chatbot(alert: Alert) {
  return renderChatbot(toPublishedAlert(alert, { region: 'eu-west-1' }, CONTENT_LEVELS[0]!, NOW));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('renderChatbot', () => {
  it('follows the custom notification schema (version 1.0, source custom, client-markdown)', () => {
    const notification = chatbot(vmAlert());
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { eventType: 'vmsentry.alert', threadId: vmAlert().id },
    });
    expect(notification.content.title).toBe(
      'HIGH: VirtualBox VM started headless from a user-writable path on wks-0142.corp.example.com',
    );
  });

  it('describes host, user, image and the command, and lists response steps and the Logs Insights link', () => {
    const { content } = chatbot(vmAlert());
    expect(content.description).toContain('*User:* `CORP\\alice`');
    expect(content.description).toContain('*Command line:*\n```"C:\\Users\\alice');
    expect(content.description).toContain('*Seen:* 3 times between');
    expect(content.nextSteps[0]).toMatch(/^Verify the source/);
    expect(
      content.nextSteps.some((s) => s.startsWith('Logs Insights: https://eu-west-1.console.aws.amazon.com/')),
    ).toBe(true);
    expect(content.keywords).toEqual(['high', 'T1564.006', 'wks-0142.corp.example.com', 'sysmon-windows']);
  });

  it.each(Object.entries(HOSTILE))('escapes %s everywhere in the notification', (_name, text) => {
    for (const s of strings(chatbot(hostileAlert(text)))) {
      expect(s).not.toContain('<');
      expect(s).not.toMatch(/[\r\u001b\u202e]/);
    }
  });

  it('stays bounded for a 300 KB command line', () => {
    const notification = chatbot(hostileAlert('A'.repeat(300_000)));
    expect(notification.content.description.length).toBeLessThanOrEqual(3600);
    expect(JSON.stringify(notification).length).toBeLessThan(12_000);
  });
});
