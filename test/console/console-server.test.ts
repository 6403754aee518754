import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LocalConsole, PAGE_HEADERS, startLocalConsole } from '../../bin/local/console-server';
import { FixedHealthReader } from '../../lib/console/health';
import { MemoryHistoryStore } from '../../lib/history/memory-store';

let server: LocalConsole;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'console-dir-'));
  for (const file of ['index.html', 'app.js', 'styles.css']) writeFileSync(path.join(dir, file), `/* ${file} */`);
  writeFileSync(path.join(dir, 'secret.txt'), 'not served');
  server = await startLocalConsole(
    {
      history: new MemoryHistoryStore(),
      allowlist: {
        list: async () => ({ entries: [], malformed: [] }),
        put: async () => 'written',
        expire: async () => true,
      },
      rules: [],
      health: new FixedHealthReader({
        window: 't',
        records: 0,
        parseErrors: 0,
        parseErrorRate: 0,
        heartbeats: [],
        failureQueues: [],
      }),
    },
    { dir, accessCode: 'right-code' },
  );
});
afterAll(() => server.close());

const at = (p: string) => new URL(p, server.url).toString();

describe('local console server', () => {
  it('listens on loopback only and serves the page with the CSP and security headers', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(page.headers.get(name)).toBe(value);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
  });

  it('serves only the console files and the local config', async () => {
    expect((await fetch(at('/secret.txt'))).status).toBe(404);
    expect((await fetch(at('/../package.json'))).status).toBe(404);
    expect(await (await fetch(at('/config.json'))).json()).toEqual({ auth: 'local', apiUrl: '' });
  });

  it('answers the API only with a session from the access code', async () => {
    expect((await fetch(at('/api/alerts'))).status).toBe(401);
    const wrong = await fetch(at('/auth/local'), { method: 'POST', body: '{"email":"a@example.com","code":"nope"}' });
    expect(wrong.status).toBe(401);
    const signIn = await fetch(at('/auth/local'), {
      method: 'POST',
      body: '{"email":"a@example.com","code":"right-code"}',
    });
    const { token } = (await signIn.json()) as { token: string };
    const alerts = await fetch(at('/api/alerts'), { headers: { authorization: `Bearer ${token}` } });
    expect(alerts.status).toBe(200);
    expect(await alerts.json()).toEqual({ items: [] });
    const me = await fetch(at('/api/me'), { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ email: 'a@example.com' });
  });
});
