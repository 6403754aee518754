import type { SNSEvent } from 'aws-lambda';
import { createSlackNotifier, slackMessageOf } from '../../lambdas/slack-notifier';
import { postJson, WebhookPostError } from '../../lib/adapters/secrets-webhook';
import { toSnsPublishEntry } from '../../lib/alerts/sns-message';
import { FOLLOW_UP_SCHEMA, type FollowUp, followUpEntry } from '../../lib/dedup/follow-up';
import { vmAlert } from '../alerts/fixtures';
import { HOSTILE, hostileAlert } from '../alerts/hostile';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';

/** The body SNS hands a Lambda subscriber: the `default` body of the JSON message. */
function snsEvent(defaultBody: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:vmsentry-alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'msg-1',
          TopicArn: 'arn:aws:sns:eu-west-1:111122223333:vmsentry-alerts',
          Subject: 'x',
          Message: defaultBody,
          Timestamp: '2026-11-20T14:03:13.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function defaultBodyOf(alert = vmAlert()): string {
  return JSON.parse(toSnsPublishEntry(alert, { region: 'eu-west-1' }).Message).default;
}

/** A fetch double that records requests and answers with the given status. */
function fakeFetch(status: number, body = 'ok') {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(body, { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('slack-notifier', () => {
  it('posts the alert as Block Kit JSON to the webhook from the secret', async () => {
    const { fetch, requests } = fakeFetch(200);
    const notify = createSlackNotifier({
      getWebhookUrl: async () => WEBHOOK,
      post: (url, body) => postJson(url, body, { fetch }),
    });
    await notify(snsEvent(defaultBodyOf()));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(WEBHOOK);
    expect(requests[0]?.init).toMatchObject({
      method: 'POST',
      redirect: 'error',
      headers: { 'content-type': 'application/json' },
    });
    const payload = JSON.parse(String(requests[0]?.init.body));
    expect(payload.blocks[0]).toMatchObject({ type: 'header' });
    expect(JSON.stringify(payload)).toContain('VBoxHeadless.exe');
  });

  it('throws on a non-2xx answer so SNS retries, without the webhook URL in the error', async () => {
    const { fetch } = fakeFetch(500, 'internal_error');
    const notify = createSlackNotifier({
      getWebhookUrl: async () => WEBHOOK,
      post: (u, b) => postJson(u, b, { fetch }),
    });
    const failure = notify(snsEvent(defaultBodyOf()));
    await expect(failure).rejects.toBeInstanceOf(WebhookPostError);
    await expect(failure).rejects.toMatchObject({ status: 500, message: expect.stringContaining('internal_error') });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('SECRETTOKEN') });
  });

  it('throws when the post times out or the network fails, without the URL', async () => {
    const fetch = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', url: WEBHOOK } });
    }) as unknown as typeof globalThis.fetch;
    const error = await postJson(WEBHOOK, '{}', { fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookPostError);
    expect((error as Error).message).toBe('webhook post failed: TypeError (ECONNRESET)');
  });

  it('does not post when the webhook URL cannot be read, and fails the invocation', async () => {
    const { fetch, requests } = fakeFetch(200);
    const notify = createSlackNotifier({
      getWebhookUrl: async () => {
        throw new Error('AccessDeniedException');
      },
      post: (u, b) => postJson(u, b, { fetch }),
    });
    await expect(notify(snsEvent(defaultBodyOf()))).rejects.toThrow('AccessDeniedException');
    expect(requests).toHaveLength(0);
  });

  it('escapes hostile event content end to end', async () => {
    const message = slackMessageOf(defaultBodyOf(hostileAlert(`${HOSTILE.slackBroadcast} ${HOSTILE.slackLink}`)));
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('posts a message that is not an alert as an escaped "unrecognized" notice instead of dropping it', async () => {
    const { fetch, requests } = fakeFetch(200);
    const notify = createSlackNotifier({
      getWebhookUrl: async () => WEBHOOK,
      post: (u, b) => postJson(u, b, { fetch }),
    });
    await notify(snsEvent('<!here> plain text test publish'));
    const payload = String(requests[0]?.init.body);
    expect(payload).toContain('Unrecognized message');
    expect(payload).toContain('&lt;!here&gt;');
  });
});

describe('dedup follow-ups in Slack ("seen N more times")', () => {
  const followUp: FollowUp = {
    id: 'f'.repeat(32),
    alertId: 'a'.repeat(32),
    ruleId: 'vmsentry-vboxmanage-headless',
    title: 'VirtualBox VM started headless',
    severity: 'high',
    host: 'fin-ws042 <!channel>',
    moreEvents: 48,
    count: 49,
    windowStart: '2026-11-20T14:00:00.000Z',
    windowEnd: '2026-11-20T15:00:00.000Z',
    lastSeen: '2026-11-20T14:59:00.000Z',
  };
  /** What the notifier receives: the `default` body of the follow-up's SNS entry. */
  const defaultBody = (JSON.parse(followUpEntry(followUp, 0).Message) as { default: string }).default;

  it('renders a follow-up as one, with title, rule, host, counts and window, never as an unrecognised message', () => {
    const message = slackMessageOf(defaultBody);
    const text = JSON.stringify(message);
    expect(message.text).toMatch(/seen 48 more time/);
    expect(text).not.toMatch(/Unrecognized/i);
    for (const part of [
      'VirtualBox VM started headless',
      'vmsentry-vboxmanage-headless',
      '48',
      '49',
      '2026-11-20T14:00:00.000Z',
      '2026-11-20T15:00:00.000Z',
      'a'.repeat(32),
    ]) {
      expect(text).toContain(part);
    }
    // Host names are untrusted: a mention in one is escaped, never a ping.
    expect(text).not.toContain('<!channel>');
  });

  it('shows a follow-up body that lacks its fields as unrecognised (escaped), never drops it', () => {
    const message = slackMessageOf(JSON.stringify({ schema: FOLLOW_UP_SCHEMA, host: 42 }));
    expect(message.text).toMatch(/Unrecognized/);
  });
});
