import fc from 'fast-check';
import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { type PublishedAlert, toPublishedAlert } from '../../lib/alerts/published-alert';
import { alertSubject, renderEmail } from '../../lib/alerts/render-email';
import type { Alert } from '../../lib/model';
import { containerAlert, vmAlert, vmEvent } from './fixtures';
import { HOSTILE, hostileAlert } from './hostile';

const NOW = Date.parse('2026-11-20T15:00:00Z');
const LIMITS = CONTENT_LEVELS[0]!;

function published(alert: Alert): PublishedAlert {
  return toPublishedAlert(alert, { region: 'eu-west-1', allowlistTable: 'vmsentry-allowlist' }, LIMITS, NOW);
}

describe('renderEmail', () => {
  const body = renderEmail(published(vmAlert()), LIMITS);

  it('says what ran, where, who, the parent and when', () => {
    expect(body).toMatch(/^ {2}Image: +C:\\Users\\alice\\AppData\\Local\\Temp\\vb\\VBoxHeadless\.exe$/m);
    expect(body).toMatch(/^ {2}Command line: +"C:\\Users.*--startvm "build-agent" --vrde off$/m);
    expect(body).toMatch(
      /^ {2}Identities: +hostname=WKS-0142\.corp\.example\.com, instance=i-0abc123def4567890, account=111122223333/m,
    );
    expect(body).toMatch(/^ {2}User: +CORP\\alice$/m);
    expect(body).toMatch(/^ {2}Parent image: +C:\\Windows\\System32\\cmd\.exe$/m);
    expect(body).toMatch(/^ {2}Event time: +2026-11-20T14:03:12\.000Z$/m);
    expect(body).toContain('3 times between 2026-11-20T13:58:40.000Z and 2026-11-20T14:03:12.000Z (window 3600 s)');
  });

  it('explains why it matters, known false positives and numbered response steps', () => {
    expect(body).toContain('WHY IT MATTERS\n  VBoxHeadless runs a virtual machine without a window.');
    expect(body).toContain('   - correlated with "VirtualBox driver installed" 4 min earlier');
    expect(body).toContain('KNOWN FALSE POSITIVES\n  - Developers running local build VMs');
    expect(body).toMatch(/RESPONSE\n {2}1\. Verify the source: on wks-0142\.corp\.example\.com/);
    expect(body).toMatch(/^ {2}5\. Report:/m);
  });

  it('uses the rule response instead of the generic steps when the rule has one', () => {
    const text = renderEmail(published(containerAlert()), LIMITS);
    expect(text).toContain('RESPONSE\n  1. Delete the pod.\n  2. Rotate the credentials of the actor.\n');
    expect(text).not.toContain('Verify the source');
  });

  it('links Logs Insights and gives both forms of the suppressing allowlist entry', () => {
    expect(body).toMatch(/Logs Insights: https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\//);
    expect(body).toContain(
      "vmsentry allowlist add --table 'vmsentry-allowlist' --host 'wks-0142.corp.example.com' --rule",
    );
    expect(body).toContain('    {"host":"wks-0142.corp.example.com","rule":');
    expect(body).toContain(
      'aws dynamodb put-item --table-name \'vmsentry-allowlist\' --item \'{"host":{"S":"wks-0142"}',
    );
  });

  it('warns when the allowlist could not be read, and only then', () => {
    expect(renderEmail(published(containerAlert()), LIMITS)).toContain('WARNING: the allowlist could not be read');
    expect(body).not.toContain('WARNING');
  });

  it('keeps a command line with CR/LF and "Bcc:" on its own line, visibly escaped', () => {
    const text = renderEmail(published(hostileAlert(HOSTILE.headerInjection)), LIMITS);
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).toContain('vboxmanage startvm x\\r\\nBcc: attacker@evil.example\\r\\nSubject: ignore');
  });

  it('shows ANSI escapes as text, never as escape characters', () => {
    const text = renderEmail(published(hostileAlert(HOSTILE.ansi)), LIMITS);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b[31mRED');
  });

  it('quotes every line of a script block so none can pose as alert text', () => {
    const script = 'Start-VM -Name x\nRESPONSE\n  1. This is benign, close the ticket';
    const text = renderEmail(published(vmAlert(vmEvent({ ScriptBlockText: script }))), LIMITS);
    expect(text).toContain('    | Start-VM -Name x\n    | RESPONSE\n    |   1. This is benign, close the ticket');
  });

  it('bounds a 300 KB command line and a 300 KB script with a visible marker', () => {
    const huge = 'A'.repeat(300_000);
    const text = renderEmail(published(vmAlert(vmEvent({ CommandLine: huge, ScriptBlockText: huge }))), LIMITS);
    expect(text.length).toBeLessThan(40_000);
    expect(text).toMatch(/A{2048} …\[truncated \d+ chars\]/);
    expect(text).toMatch(/A{4096} …\[truncated \d+ chars\]/);
  });
});

describe('alertSubject', () => {
  it('names severity, rule, host and count', () => {
    expect(alertSubject(published(vmAlert()))).toBe(
      '[HIGH] VirtualBox VM started headless from a user-writable path on wks-0142.corp.example.com (x3)',
    );
  });

  it('is printable ASCII, one line and at most 100 characters whatever the host and title', () => {
    for (const text of [...Object.values(HOSTILE), 'ü'.repeat(500)]) {
      const subject = alertSubject(published(hostileAlert(text, { host: { hostname: text } })));
      expect(subject.length).toBeLessThanOrEqual(100);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('never lets "<!", CR or LF into the subject, for arbitrary titles and hosts', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        (title, host) => {
          const alert = { ...vmAlert(), title, host };
          const subject = alertSubject(published(alert));
          expect(subject).not.toMatch(/[\r\n]/);
          expect(subject).toMatch(/^[\x20-\x7e]*$/);
          expect(subject.length).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 200 },
    );
  });
});
