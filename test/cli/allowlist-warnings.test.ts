import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertsOf, FIXTURES, runCli } from './run-cli';

const SYSMON = `${FIXTURES}/sysmon-vboxmanage.txt`;
const scratch = mkdtempSync(path.join(tmpdir(), 'vmsentry-allowlist-warn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const expires = new Date(Date.now() + 3 * 86_400_000).toISOString();
const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({ host: 'fin-ws042', reason: 'lab image build', owner: 'secops', expiresAt: expires, ...fields });

/** Line 1 a comment; 2 rule "*" without broad; 3 a lowercase field; 4 an unknown field. */
const file = path.join(scratch, 'allowlist.jsonl');
writeFileSync(
  file,
  [
    '# entries an operator might write',
    entry({ rule: '*' }),
    entry({ rule: 'attack.t1564.006', match: { image: '*VBoxManage*' } }),
    entry({ rule: 'attack.t1564.006', match: { Frobnicate: 'x' } }),
  ].join('\n'),
);

const REFUSED = 'host "*" or rule "*" is broad: the entry must say broad: true (and expire)';
const LOWERCASE = "field 'image' is not a model field; did you mean 'Image'?";
const UNKNOWN = "field 'Frobnicate' is not a model field or a known alias: it matches only raw records that carry it";

describe('allowlist validation on the command line: scan, import and lint say the same thing', () => {
  it('scan --allowlist refuses rule "*" without broad and warns, with file:line, on field names', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--allowlist', file, SYSMON]);
    expect(code).toBe(0);
    expect(stderr).toContain(`allowlist ${file}:2: ${REFUSED} (entry ignored)`);
    expect(stderr).toContain(`allowlist ${file}:3: warning: ${LOWERCASE}`);
    expect(stderr).toContain(`allowlist ${file}:4: warning: ${UNKNOWN}`);
    // The warned entries are kept but match nothing: the host's alerts still print, nothing was suppressed.
    expect(alertsOf(stdout).some((alert) => String(alert['host']).startsWith('fin-ws042'))).toBe(true);
    expect(stderr).toContain('suppressed by allowlist: 0');
  });

  it('scan --allowlist prints no warning for a correctly spelled entry, and it suppresses', async () => {
    const good = path.join(scratch, 'good.jsonl');
    writeFileSync(good, entry({ rule: 'attack.t1564.006', match: { Image: '*VBoxManage*' } }));
    const { stdout, stderr } = await runCli(['scan', '--allowlist', good, SYSMON]);
    expect(stderr).not.toContain('warning:');
    expect(alertsOf(stdout).some((alert) => String(alert['host']).startsWith('fin-ws042'))).toBe(false);
  });

  it('allowlist import refuses the same line with the same reason and prints the same warnings', async () => {
    const { code, stderr } = await runCli(['allowlist', 'import', file, '--table', 't', '--print-only']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:2: ${REFUSED}`);
    expect(stderr).toContain(`${file}:3: warning: ${LOWERCASE}`);
    expect(stderr).toContain(`${file}:4: warning: ${UNKNOWN}`);
    expect(stderr).toContain('1 invalid entry: nothing written');
  });

  it('allowlist lint --file reports the refusal as malformed and the warnings as unknown-field findings', async () => {
    const { code, stdout } = await runCli(['allowlist', 'lint', '--file', file, '--json']);
    expect(code).toBe(1);
    const findings = alertsOf(stdout);
    expect(findings).toContainEqual(expect.objectContaining({ kind: 'malformed', id: 'line 2', detail: REFUSED }));
    expect(findings).toContainEqual(expect.objectContaining({ kind: 'unknown-field', detail: LOWERCASE }));
    expect(findings).toContainEqual(expect.objectContaining({ kind: 'unknown-field', detail: UNKNOWN }));
  });
});
