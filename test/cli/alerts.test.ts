import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../bin/cli-io';
import { actorOf, type ListOptions, runAck, runClose, runList, runReopen, runShow } from '../../bin/commands/alerts';
import { startLocalDynamo } from '../../bin/local/dynamodb';
import { LOCAL_HISTORY_TABLE, recordLocalHistory } from '../../bin/local/history';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import { responseSteps } from '../../lib/alerts/response-steps';
import { HISTORY_TABLE } from '../../lib/model';
import { historyAlert } from '../history/store-contract';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { jsonLines, memoryIo, runWithEnv } from '../validate/support';

const NOW = Date.parse('2026-11-20T15:00:00Z');
let db: Dynalite;
let table: string;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});
beforeEach(async () => {
  table = `alerts-cli-${++tables}`;
  await db.createTable(table, HISTORY_TABLE);
  const store = new DynamoDbHistoryStore(db.doc, table, { now: () => NOW });
  await store.record(historyAlert({ id: 'a-old', host: 'WS-01', lastSeen: '2026-11-10T10:00:00.000Z' }), NOW);
  await store.record(historyAlert({ id: 'a-new', host: 'ws-01', lastSeen: '2026-11-20T10:00:00.000Z', count: 4 }), NOW);
  await store.record(
    historyAlert({
      id: 'b-crit',
      host: 'ws-02',
      ruleId: 'rule-b',
      severity: 'critical',
      lastSeen: '2026-11-19T10:00:00.000Z',
    }),
    NOW,
  );
  await store.record(
    historyAlert({ id: 'c-low', host: 'ws-03', severity: 'low', lastSeen: '2026-11-18T10:00:00.000Z' }),
    NOW,
  );
});

const deps = () => ({ doc: db.doc, nowMs: NOW, env: { USER: 'alice' }, hostname: 'soc-laptop' });
const list = (extra: Partial<ListOptions> = {}): ListOptions => ({ table, limit: 50, output: 'json', ...extra });

async function listedIds(extra: Partial<ListOptions>): Promise<unknown[]> {
  const io = memoryIo();
  expect(await runList(list(extra), io, deps())).toBe(0);
  return jsonLines(io.out()).map((record) => record['id']);
}

describe('vmsentry alerts list', () => {
  it('prints one history record per line as JSON, newest last-seen first', async () => {
    const io = memoryIo();
    await runList(list(), io, deps());
    const records = jsonLines(io.out());
    expect(records.map((r) => r['id'])).toEqual(['a-new', 'b-crit', 'c-low', 'a-old']);
    expect(records[0]).toMatchObject({ state: 'new', count: 4, host: 'ws-01', alert: { schema: 'vmsentry.alert.v1' } });
  });

  it('filters by host (any case), rule, minimum severity, state, and an ISO or relative time range', async () => {
    expect(await listedIds({ host: 'Ws-01' })).toEqual(['a-new', 'a-old']);
    expect(await listedIds({ rule: 'rule-b' })).toEqual(['b-crit']);
    expect(await listedIds({ severity: 'high' })).toEqual(['a-new', 'b-crit', 'a-old']);
    expect(await listedIds({ severity: 'critical' })).toEqual(['b-crit']);
    // 7d before NOW (2026-11-20T15:00Z) is 2026-11-13T15:00Z; 24h before is 2026-11-19T15:00Z.
    expect(await listedIds({ since: '7d' })).toEqual(['a-new', 'b-crit', 'c-low']);
    expect(await listedIds({ since: '7d', until: '24h' })).toEqual(['b-crit', 'c-low']);
    expect(await listedIds({ since: '2026-11-19', until: '2026-11-20' })).toEqual(['b-crit']);
    await runClose('c-low', { table, reason: 'lab host' }, memoryIo(), deps());
    expect(await listedIds({ state: 'closed' })).toEqual(['c-low']);
    expect(await listedIds({ state: 'new', host: 'ws-03' })).toEqual([]);
  });

  it('stops at --limit, paging through the store, and says that more match', async () => {
    const io = memoryIo();
    await runList(list({ limit: 3 }), io, deps());
    expect(jsonLines(io.out()).map((r) => r['id'])).toEqual(['a-new', 'b-crit', 'c-low']);
    expect(io.err()).toContain('more alerts match than --limit 3');
    const all = memoryIo();
    await runList(list({ limit: 4 }), all, deps());
    expect(jsonLines(all.out())).toHaveLength(4);
  });

  it('prints a table with the same table helper as the other commands', async () => {
    const io = memoryIo();
    await runList(list({ output: 'table', host: 'ws-02' }), io, deps());
    const [header, ...rows] = io.out().trimEnd().split('\n');
    expect(header).toMatch(/^LAST SEEN\s+SEVERITY\s+STATE\s+HOST\s+RULE\s+COUNT\s+ID$/);
    expect(rows.filter((row) => /^\d{4}-/.test(row))).toHaveLength(1);
    expect(io.out()).toContain('b-crit');
    expect(io.out()).not.toContain('a-new');
  });

  it('refuses a bad time, an empty range, and a missing table, naming VMSENTRY_HISTORY_TABLE', async () => {
    await expect(runList(list({ since: 'yesterday' }), memoryIo(), deps())).rejects.toThrow(/--since/);
    await expect(runList(list({ since: '24h', until: '7d' }), memoryIo(), deps())).rejects.toThrow(/before --until/);
    const { table: _table, ...noTable } = list();
    await expect(runList(noTable as ListOptions, memoryIo(), deps())).rejects.toThrow(/VMSENTRY_HISTORY_TABLE/);
    // The environment names the table when --table does not.
    const io = memoryIo();
    await runList(noTable as ListOptions, io, { ...deps(), env: { VMSENTRY_HISTORY_TABLE: table } });
    expect(jsonLines(io.out())).toHaveLength(4);
  });
});

describe('vmsentry alerts show', () => {
  it('prints the full alert: triage, dedup facts, description and response steps', async () => {
    const io = memoryIo();
    await runShow('a-new', { table, output: 'text' }, io, deps());
    const text = io.out();
    const alert = historyAlert({ id: 'a-new', host: 'ws-01' });
    expect(text).toContain(`${alert.title} [${alert.severity}] on ws-01`);
    expect(text).toContain('state:       new');
    expect(text).toContain('seen:        4 time(s)');
    expect(text).toContain(alert.description);
    expect(text).toContain('Response steps:');
    expect(text).toContain(`1. ${responseSteps(alert)[0]}`);
  });

  it('prints the history record as JSON, and refuses an unknown id', async () => {
    const io = memoryIo();
    await runShow('b-crit', { table, output: 'json' }, io, deps());
    expect(jsonLines(io.out())[0]).toMatchObject({ id: 'b-crit', severity: 'critical', alert: { id: 'b-crit' } });
    await expect(runShow('nope', { table, output: 'text' }, memoryIo(), deps())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('vmsentry alerts ack / close / reopen', () => {
  it('acknowledges as --by, or as $USER@hostname without it', async () => {
    const io = memoryIo();
    await runAck('a-new', { table, by: 'bob@example.com' }, io, deps());
    expect(io.out()).toBe('a-new acknowledged by bob@example.com\n');
    await runReopen('a-new', { table }, memoryIo(), deps());
    await runAck('a-new', { table, json: true }, memoryIo(), deps());
    const store = new DynamoDbHistoryStore(db.doc, table);
    expect(await store.get('a-new')).toMatchObject({ state: 'acknowledged', stateBy: 'alice@soc-laptop' });
    expect(actorOf(undefined, { env: {}, hostname: 'h' })).toMatch(/^.+@h$/);
  });

  it('closes with a reason, and refuses closing without one, acknowledging a closed alert, and unknown ids', async () => {
    const io = memoryIo();
    await runClose('b-crit', { table, reason: 'approved lab VM', by: 'carol' }, io, deps());
    expect(io.out()).toBe('b-crit closed by carol: approved lab VM\n');
    expect(() => runClose('a-new', { table, reason: '  ' }, memoryIo(), deps())).toThrow(/--reason/);
    await expect(runAck('b-crit', { table }, memoryIo(), deps())).rejects.toThrow(/closed cannot become acknowledged/);
    await expect(runAck('nope', { table }, memoryIo(), deps())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('vmsentry alerts --local', () => {
  it("reads local mode's history from its data directory", async () => {
    // Prepare: what `vmsentry local` writes after delivering (bin/local/history.ts).
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vmsentry-alerts-'));
    const dynamo = await startLocalDynamo({ dataDir });
    await dynamo.ensureTable(LOCAL_HISTORY_TABLE, HISTORY_TABLE);
    const written = await recordLocalHistory(dynamo.doc, [historyAlert({ id: 'local-1', host: 'lab-01' })], NOW);
    await dynamo.stop();
    expect(written).toEqual({ recorded: 1, problems: [] });
    // Act
    const io = memoryIo();
    await runList({ local: true, dataDir, limit: 50, output: 'json' }, io, { nowMs: NOW });
    // Assess
    expect(jsonLines(io.out()).map((r) => r['id'])).toEqual(['local-1']);
    await expect(runList({ local: true, dataDir, table, limit: 5, output: 'json' }, memoryIo(), {})).rejects.toThrow(
      /--local/,
    );
  });

  it('`vmsentry local` records what it published, and `vmsentry alerts list --local` lists it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vmsentry-local-history-'));
    const local = await runWithEnv(['local', '--data-dir', dataDir, '--no-replay', '--show', '0']);
    expect(local.code).toBe(0);
    const published = Number(/alerts published: (\d+)/.exec(local.stdout)?.[1]);
    expect(published).toBeGreaterThan(0);
    expect(local.stdout).toContain(`alert history: ${published} alert(s) recorded in ${LOCAL_HISTORY_TABLE}`);
    const listed = await runWithEnv(['alerts', 'list', '--local', '--data-dir', dataDir, '--output', 'json']);
    expect(listed.code).toBe(0);
    expect(jsonLines(listed.stdout)).toHaveLength(published);
    for (const record of jsonLines(listed.stdout)) expect(record['state']).toBe('new');
  }, 120_000);

  it('reaches any DynamoDB endpoint with --endpoint and --table (the command as a user runs it)', async () => {
    const result = await runWithEnv(['alerts', 'list', '--endpoint', db.endpoint, '--table', table, '--host', 'ws-02']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('b-crit');
    const missing = await runWithEnv(['alerts', 'show', 'nope', '--endpoint', db.endpoint, '--table', table]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no alert nope in the history');
  }, 60_000);
});
