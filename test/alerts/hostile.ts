import type { Alert, NormalizedEvent } from '../../lib/model';
import { VM_RULE, vmAlert, vmEvent } from './fixtures';

/** Strings an attacker controls on the host: they end up in command lines, user names and paths. */
export const HOSTILE = {
  slackBroadcast: '<!channel> <!here> <@U123ABC> please run this',
  slackLink: '<https://evil.example|click to approve>',
  headerInjection: 'vboxmanage startvm x\r\nBcc: attacker@evil.example\r\nSubject: ignore',
  ansi: '\u001b[31mRED\u001b[0m \u001b]0;title\u0007 \u001b[2J',
  mrkdwn: '*bold* _it_ ~strike~ `code` ```block``` > quote',
  bidi: 'invoice\u202egnp.exe',
} as const;

/** The same hostile text in every event field a renderer shows, with a benign host so structure stays comparable. */
export function hostileAlert(text: string, overrides: Partial<NormalizedEvent> = {}): Alert {
  const event = vmEvent({
    Image: text,
    CommandLine: text,
    ParentImage: text,
    ParentCommandLine: text,
    User: text,
    ScriptBlockText: text,
    ContainerImage: text,
    Actor: text,
    Message: text,
  });
  const alert = vmAlert({ ...event, ...overrides }, { ...VM_RULE, title: `Rule ${text}` });
  return { ...alert, context: [`context ${text}`] };
}
