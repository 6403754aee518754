import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDbAllowlistStore } from '../../lib/adapters/dynamodb-allowlist-store';
import { type ConsoleDeps, handleConsoleRequest, MAX_BODY_BYTES, SECURITY_HEADERS } from '../../lib/console/api';
import type { CatalogueRule } from '../../lib/console/catalogue';
import type { ConsoleRequest } from '../../lib/console/contract';
import { FixedHealthReader } from '../../lib/console/health';
import { MemoryHistoryStore } from '../../lib/history/memory-store';
import { HistoryUnavailableError } from '../../lib/history/store';
import { historyAlert } from '../history/store-contract';
import { type Dynalite, startDynalite } from '../support/dynalite';

const NOW = Date.parse('2026-11-20T15:00:00Z');
const USER = { email: 'analyst@example.com' };
const RULE: CatalogueRule = {
  id: 'rule-vbox',
  title: 'Headless VirtualBox',
  level: 'high',
  kind: 'rule',
  description: 'VBoxHeadless started',
  tags: ['attack.t1564.006'],
  falsepositives: ['lab hosts'],
  samples: { positive: ['vboxheadless from temp'], negative: ['vboxsvc'] },
};
const QUIET_RULE: CatalogueRule = { ...RULE, id: 'rule-quiet', title: 'Quiet rule' };

let dynalite: Dynalite;
let counter = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

async function setup(): Promise<{ deps: ConsoleDeps; history: MemoryHistoryStore; allowlist: DynamoDbAllowlistStore }> {
  counter++;
  await dynalite.createTables({ allowlist: `allowlist-${counter}`, state: `state-${counter}` });
  const history = new MemoryHistoryStore();
  const allowlist = new DynamoDbAllowlistStore(dynalite.doc, `allowlist-${counter}`);
  const deps: ConsoleDeps = {
    history,
    allowlist,
    rules: [RULE, QUIET_RULE],
    health: new FixedHealthReader({
      window: 'this local run',
      records: 200,
      parseErrors: 3,
      parseErrorRate: 0.015,
      heartbeats: [{ source: '/vmsentry/sysmon', lastSeen: '2026-11-20T14:59:00.000Z', status: 'ok' }],
      failureQueues: [{ name: 'cloudwatch-failures', depth: 0 }],
    }),
    nowMs: () => NOW,
  };
  return { deps, history, allowlist };
}

function request(method: string, path: string, extra: Partial<ConsoleRequest> = {}): ConsoleRequest {
  return { method, path, query: {}, user: USER, ...extra };
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in each test
type Body = any;

async function call(deps: ConsoleDeps, req: ConsoleRequest): Promise<{ status: number; body: Body }> {
  const response = await handleConsoleRequest(req, deps);
  expect(response.headers).toEqual(SECURITY_HEADERS);
  return { status: response.status, body: JSON.parse(response.body) };
}

describe('console API: alerts', () => {
  it('lists alerts newest first with filters from the query string, and shows one with its response steps', async () => {
    const { deps, history } = await setup();
    await history.record(historyAlert({ id: 'a-old', host: 'ws-01', lastSeen: '2026-11-18T00:00:00.000Z' }), NOW);
    await history.record(
      historyAlert({ id: 'a-new', host: 'ws-02', severity: 'critical', lastSeen: '2026-11-20T00:00:00.000Z' }),
      NOW,
    );

    const all = await call(deps, request('GET', '/api/alerts'));
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual(['a-new', 'a-old']);
    const critical = await call(deps, request('GET', '/api/alerts', { query: { severity: 'critical' } }));
    expect(critical.body.items.map((r: { id: string }) => r.id)).toEqual(['a-new']);
    const recent = await call(deps, request('GET', '/api/alerts', { query: { since: '1d' } }));
    expect(recent.body.items.map((r: { id: string }) => r.id)).toEqual(['a-new']);

    const shown = await call(deps, request('GET', '/api/alerts/a-old'));
    expect(shown.status).toBe(200);
    expect(shown.body.alert.schema).toBe('vmsentry.alert.v1');
    expect(shown.body.responseSteps.length).toBeGreaterThan(0);
    expect((await call(deps, request('GET', '/api/alerts/nope'))).status).toBe(404);
  });

  it('acknowledges and closes as the signed-in user; closing needs a reason (409 otherwise)', async () => {
    const { deps, history } = await setup();
    await history.record(historyAlert({ id: 'a1' }), NOW);
    const acked = await call(deps, request('POST', '/api/alerts/a1/ack'));
    expect(acked.body).toMatchObject({ state: 'acknowledged', stateBy: USER.email });
    expect((await call(deps, request('POST', '/api/alerts/a1/close', { body: '{}' }))).status).toBe(409);
    const closed = await call(deps, request('POST', '/api/alerts/a1/close', { body: '{"reason":"lab VM"}' }));
    expect(closed.body).toMatchObject({ state: 'closed', stateReason: 'lab VM' });
    expect((await call(deps, request('POST', '/api/alerts/a1/reopen'))).body.state).toBe('new');
  });

  it.each([
    [{ severity: 'loud' }, /severity/],
    [{ state: 'snoozed' }, /state/],
    [{ limit: '0' }, /limit/],
    [{ limit: '9999' }, /limit/],
    [{ since: 'last tuesday' }, /since/],
    [{ host: 'h'.repeat(600) }, /longer/],
  ])('refuses query %p with 400 and a reason', async (query, reason) => {
    const { deps } = await setup();
    const response = await call(deps, request('GET', '/api/alerts', { query }));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(reason);
  });

  it('answers 404 for unknown paths, 405 for a wrong method, 413 for an oversized body, 400 for bad JSON', async () => {
    const { deps } = await setup();
    expect((await call(deps, request('GET', '/api/nothing'))).status).toBe(404);
    expect((await call(deps, request('DELETE', '/api/alerts'))).status).toBe(405);
    expect((await call(deps, request('POST', '/api/allowlist', { body: 'x'.repeat(MAX_BODY_BYTES + 1) }))).status).toBe(
      413,
    );
    expect((await call(deps, request('POST', '/api/allowlist', { body: '{not json' }))).status).toBe(400);
    expect((await call(deps, request('POST', '/api/allowlist', { body: '[1]' }))).status).toBe(400);
  });

  it('answers 503 when the history store is down, and reports the cause to the composition root only', async () => {
    const { deps } = await setup();
    const seen: unknown[] = [];
    const down: ConsoleDeps = {
      ...deps,
      history: {
        ...deps.history,
        list: async () => {
          throw new HistoryUnavailableError('dynamodb unreachable', { cause: new Error('ECONNREFUSED') });
        },
      } as ConsoleDeps['history'],
      onError: (error) => seen.push(error),
    };
    const response = await call(down, request('GET', '/api/alerts'));
    expect(response.status).toBe(503);
    expect(response.body.error).not.toMatch(/ECONNREFUSED|dynamodb/);
    expect(seen).toHaveLength(1);
  });
});

describe('console API: allowlist', () => {
  const entryBody = {
    host: 'ws-07.corp.example.com',
    rule: 'rule-vbox',
    match: { Image: 'C:\\Program Files\\Oracle\\VirtualBox\\*' },
    reason: 'approved lab VM for the QA team',
    expires: '30d',
  };

  it('adds an entry with the CLI validation, owned by the signed-in user, and lists it per host', async () => {
    const { deps } = await setup();
    const added = await call(deps, request('POST', '/api/allowlist', { body: JSON.stringify(entryBody) }));
    expect(added.status).toBe(201);
    expect(added.body.entry).toMatchObject({ host: 'ws-07.corp.example.com', owner: USER.email });
    const again = await call(deps, request('POST', '/api/allowlist', { body: JSON.stringify(entryBody) }));
    expect(again.status).toBe(409);
    const listed = await call(deps, request('GET', '/api/allowlist', { query: { host: 'WS-07.corp.example.com' } }));
    expect(listed.body.entries).toHaveLength(1);
    expect(listed.body.entries[0]).toMatchObject({ expired: false, expiresInDays: 30 });
  });

  it.each([
    [{ expires: '400d' }, /days away/],
    [{ expires: '2020-01-01' }, /past/],
    [{ host: '*' }, /--allow-broad|broad/],
    [{ reason: '' }, /reason is required/],
    [{ match: { Image: 5 } }, /must be a string/],
    [{ pin: { source: 'hostname', value: 'x' } }, /pin/],
  ])('refuses %p with 400 and the reason the CLI would give', async (change, reason) => {
    const { deps } = await setup();
    const body = JSON.stringify({ ...entryBody, ...change });
    const response = await call(deps, request('POST', '/api/allowlist', { body }));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(reason);
  });

  it('refuses a "__proto__" field name in match as a field name, never as a prototype', async () => {
    const { deps } = await setup();
    const body = JSON.stringify({ ...entryBody, match: { PLACEHOLDER: 'x' } }).replace('PLACEHOLDER', '__proto__');
    const response = await call(deps, request('POST', '/api/allowlist', { body }));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/__proto__|field/);
  });

  it('pins an instance-id host to its log stream by default, as the CLI does', async () => {
    const { deps } = await setup();
    const added = await call(
      deps,
      request('POST', '/api/allowlist', { body: JSON.stringify({ ...entryBody, host: 'i-0abc123def4567890' }) }),
    );
    expect(added.body.entry.pin).toEqual({ source: 'logStream', value: 'i-0abc123def4567890' });
  });

  it('edits by writing the new entry and expiring the one it replaces; lists entries expiring soon', async () => {
    const { deps } = await setup();
    const first = await call(
      deps,
      request('POST', '/api/allowlist', { body: JSON.stringify({ ...entryBody, expires: '3d' }) }),
    );
    const edited = await call(
      deps,
      request('POST', '/api/allowlist', {
        body: JSON.stringify({ ...entryBody, match: { Image: 'D:\\VBox\\*' }, replaces: first.body.entry.id }),
      }),
    );
    expect(edited.body.replaced).toBe(true);
    const all = await call(deps, request('GET', '/api/allowlist', { query: { host: entryBody.host } }));
    expect(all.body.entries.map((e: { expired: boolean }) => e.expired).sort()).toEqual([false, true]);
    const soon = await call(deps, request('GET', '/api/allowlist', { query: { expiringWithinDays: '7' } }));
    expect(soon.body.entries).toHaveLength(0);
    const month = await call(deps, request('GET', '/api/allowlist', { query: { expiringWithinDays: '31' } }));
    expect(month.body.entries).toHaveLength(1);
  });

  it('expires an entry (kept for audit) and says 404 for one that does not exist', async () => {
    const { deps } = await setup();
    const added = await call(deps, request('POST', '/api/allowlist', { body: JSON.stringify(entryBody) }));
    const body = JSON.stringify({ host: entryBody.host, id: added.body.entry.id });
    expect((await call(deps, request('POST', '/api/allowlist/expire', { body }))).status).toBe(200);
    const missing = JSON.stringify({ host: entryBody.host, id: 'nope' });
    expect((await call(deps, request('POST', '/api/allowlist/expire', { body: missing }))).status).toBe(404);
  });
});

describe('console API: rules, health, me', () => {
  it('lists the catalogue with the last time each rule fired', async () => {
    const { deps, history } = await setup();
    await history.record(historyAlert({ id: 'a1', ruleId: 'rule-vbox', lastSeen: '2026-11-19T10:00:00.000Z' }), NOW);
    const rules = await call(deps, request('GET', '/api/rules'));
    const byId = Object.fromEntries(rules.body.rules.map((r: { id: string }) => [r.id, r]));
    expect(byId['rule-vbox']).toMatchObject({ lastFired: '2026-11-19T10:00:00.000Z', samples: RULE.samples });
    expect(byId['rule-quiet'].lastFired).toBeNull();
  });

  it('reports health and who is signed in', async () => {
    const { deps } = await setup();
    expect((await call(deps, request('GET', '/api/health'))).body).toMatchObject({ parseErrors: 3, records: 200 });
    expect((await call(deps, request('GET', '/api/me'))).body).toEqual({ email: USER.email });
  });
});

describe('console API: the contract', () => {
  it('routes every path lib/console/contract.ts lists (the CDK routes come from the same list)', async () => {
    const { deps } = await setup();
    const contract = readFileSync(path.join(__dirname, '../../lib/console/contract.ts'), 'utf8');
    const routes = [...contract.matchAll(/^ \*\s+(GET|POST)\s+(\/api\/[^\s?]+)/gm)].map((m) => [m[1], m[2]] as const);
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const [method, route] of routes) {
      const response = await call(
        deps,
        request(method as string, (route as string).replace('{id}', 'x'), { body: '{}' }),
      );
      expect(response.body.error ?? '').not.toBe('not found');
      expect(response.status).not.toBe(405);
    }
  });
});
