import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AddOptions,
  putItemCommand,
  runAdd,
  runExpire,
  runExport,
  runImport,
  runLint,
  runList,
  runRemove,
} from '../../bin/commands/allowlist';
import { entryIdFor } from '../../lib/allowlist/item';
import { freshTables } from '../integration/harness';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { helpOf, jsonLines, memoryIo, runWithEnv } from '../validate/support';

const NOW_MS = Date.UTC(2026, 10, 27, 12, 0, 0);
const NOW = NOW_MS / 1000;
const DAY = 86_400;

describe('allowlist put-item printing (pure)', () => {
  it('prints a put-item command with DynamoDB JSON, quoting safe for a POSIX shell', () => {
    const command = putItemCommand('tbl', { host: 'h', entryId: 'e', reason: "it's fine", expiresAt: 5 });
    expect(command).toContain(`--table-name 'tbl'`);
    expect(command).toContain(`"reason":{"S":"it'\\''s fine"}`);
    expect(command).toContain('"expiresAt":{"N":"5"}');
    expect(command).toContain('attribute_not_exists(entryId)');
  });
});

describe('vmsentry allowlist against DynamoDB (dynalite)', () => {
  let db: Dynalite;
  let table: string;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.stop();
  });
  beforeEach(async () => {
    table = (await freshTables(db)).allowlist;
  });

  const deps = () => ({ doc: db.doc, nowMs: NOW_MS, env: {} });
  const add = (extra: Partial<AddOptions>): AddOptions => ({
    table,
    host: 'build-01.corp.example.com',
    rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
    match: ['Image=*\\VBoxManage.exe'],
    reason: 'CI host boots test VMs',
    owner: 'platform@example.com',
    expires: '30d',
    maxDays: 90,
    ...extra,
  });
  const items = async () => (await db.doc.send(new ScanCommand({ TableName: table }))).Items ?? [];

  it('add writes the validated item under the short-name partition with createdAt and expiresAt', async () => {
    const io = memoryIo();
    expect(await runAdd(add({}), io, deps())).toBe(0);
    const [item] = await items();
    expect(item).toMatchObject({
      host: 'build-01',
      fqdn: 'build-01.corp.example.com',
      owner: 'platform@example.com',
      createdAt: NOW,
      expiresAt: NOW + 30 * DAY,
    });
    expect(item?.['match']).toEqual({ Image: '*\\VBoxManage.exe' });
  });

  it('add refuses to overwrite an existing entry for the same host, rule and match (exit 1)', async () => {
    await runAdd(add({}), memoryIo(), deps());
    const io = memoryIo();
    expect(await runAdd(add({ reason: 'a different reason' }), io, deps())).toBe(1);
    expect(io.err()).toContain('already exists');
    expect((await items())[0]?.['reason']).toBe('CI host boots test VMs');
  });

  it('add rejects a missing reason/owner/expiry, a too long expiry and a broad entry without --allow-broad', async () => {
    const io = memoryIo();
    await expect(runAdd(add({ reason: undefined as unknown as string }), io, deps())).rejects.toThrow(
      '--reason is required',
    );
    await expect(runAdd(add({ owner: undefined as unknown as string }), io, deps())).rejects.toThrow(
      '--owner is required',
    );
    await expect(runAdd(add({ expires: undefined as unknown as string }), io, deps())).rejects.toThrow(
      '--expires is required',
    );
    await expect(runAdd(add({ expires: '120d' }), io, deps())).rejects.toThrow('at most 90');
    await expect(runAdd(add({ host: '*', expires: '3d' }), io, deps())).rejects.toThrow('--allow-broad');
    await expect(runAdd(add({ match: ['no-equals-sign'] }), io, deps())).rejects.toThrow('FIELD=GLOB');
    expect(await items()).toEqual([]);
    expect(await runAdd(add({ host: '*', expires: '3d', allowBroad: true }), io, deps())).toBe(0);
  });

  it('add --print-only writes nothing and prints the put-item command and the item', async () => {
    const io = memoryIo();
    expect(await runAdd(add({ printOnly: true }), io, deps())).toBe(0);
    const [command, json] = io.out().trim().split('\n');
    expect(command).toMatch(/^aws dynamodb put-item --table-name '/);
    expect(JSON.parse(json ?? '{}')).toMatchObject({
      host: 'build-01',
      fqdn: 'build-01.corp.example.com',
      owner: 'platform@example.com',
    });
    expect(await items()).toEqual([]);
  });

  it('list shows entries, marks the expired ones, and filters by host', async () => {
    await runAdd(add({}), memoryIo(), deps());
    await runAdd(add({ host: 'other-host' }), memoryIo(), deps());
    const id = entryIdFor({ rule: add({}).rule, match: { Image: '*\\VBoxManage.exe' } });
    await runExpire({ table, host: 'other-host', id }, memoryIo(), { ...deps(), nowMs: NOW_MS + 1000 });
    const io = memoryIo();
    await runList({ table, json: true }, io, { ...deps(), nowMs: NOW_MS + 2000 });
    const rows = jsonLines(io.out());
    expect(rows.map((row) => [row['host'], row['expired']]).sort()).toEqual([
      ['build-01.corp.example.com', false],
      ['other-host', true],
    ]);
    const filtered = memoryIo();
    await runList({ table, json: true, host: 'BUILD-01' }, filtered, deps());
    expect(jsonLines(filtered.out()).map((row) => row['host'])).toEqual(['build-01.corp.example.com']);
    const human = memoryIo();
    await runList({ table }, human, { ...deps(), nowMs: NOW_MS + 2000 });
    expect(human.out()).toContain('(EXPIRED)');
  });

  it('expire keeps the item for audit with expiresAt = now; remove deletes it; both exit 1 for an unknown entry', async () => {
    await runAdd(add({}), memoryIo(), deps());
    const id = entryIdFor({ rule: add({}).rule, match: { Image: '*\\VBoxManage.exe' } });
    expect(await runExpire({ table, host: 'build-01', id }, memoryIo(), { ...deps(), nowMs: NOW_MS + 5000 })).toBe(0);
    const kept = await db.doc.send(new GetCommand({ TableName: table, Key: { host: 'build-01', entryId: id } }));
    expect(kept.Item?.['expiresAt']).toBe(NOW + 5);
    expect(await runExpire({ table, host: 'build-01', id: 'nope' }, memoryIo(), deps())).toBe(1);
    expect(await runRemove({ table, host: 'build-01.corp.example.com', id }, memoryIo(), deps())).toBe(0);
    expect(await items()).toEqual([]);
    expect(await runRemove({ table, host: 'build-01', id }, memoryIo(), deps())).toBe(1);
    expect(await items()).toEqual([]);
  });

  it('import validates every line first and writes nothing when one is bad; --skip-invalid writes the good ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-allowlist-'));
    const file = path.join(dir, 'entries.jsonl');
    const expires = new Date((NOW + 10 * DAY) * 1000).toISOString();
    writeFileSync(
      file,
      [
        JSON.stringify({ host: 'a', rule: 'r1', reason: 'x', owner: 'o', expiresAt: expires }),
        JSON.stringify({ host: 'b', rule: 'r1', reason: 'x', owner: 'o' }),
        '{not json',
        JSON.stringify({ host: 'c', rule: 'r2', reason: 'x', owner: 'o', expiresAt: expires }),
      ].join('\n'),
    );
    const strict = memoryIo();
    expect(await runImport(file, { table, maxDays: 90 }, strict, deps())).toBe(2);
    expect(strict.err()).toContain(':3: not valid JSON');
    expect(strict.err()).toContain('expiresAt is required');
    expect(await items()).toEqual([]);
    const lenient = memoryIo();
    expect(await runImport(file, { table, maxDays: 90, skipInvalid: true }, lenient, deps())).toBe(0);
    expect((await items()).map((item) => item['host']).sort()).toEqual(['a', 'c']);
    const again = memoryIo();
    await runImport(file, { table, maxDays: 90, skipInvalid: true }, again, deps());
    expect(again.out()).toContain('imported 0, already present 2');
  });

  it('export prints the scan --allowlist format, which import reads back unchanged', async () => {
    await runAdd(add({}), memoryIo(), deps());
    await runAdd(add({ host: 'h2', match: [] }), memoryIo(), deps());
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-allowlist-'));
    const file = path.join(dir, 'export.jsonl');
    expect(await runExport({ table, output: file }, memoryIo(), deps())).toBe(0);
    const exported = readFileSync(file, 'utf8');
    expect(exported.trim().split('\n')).toHaveLength(2);
    const target = (await freshTables(db)).allowlist;
    expect(await runImport(file, { table: target, maxDays: 90 }, memoryIo(), deps())).toBe(0);
    const copied = (await db.doc.send(new ScanCommand({ TableName: target }))).Items ?? [];
    const original = await items();
    const key = (item: Record<string, unknown>) => `${item['host']}/${item['entryId']}`;
    expect(copied.map(key).sort()).toEqual(original.map(key).sort());
  });

  it('add pins an instance-id host to its log stream by default; --no-pin and explicit pins are honoured', async () => {
    const io = memoryIo();
    expect(await runAdd(add({ host: 'i-0123456789abcdef0' }), io, deps())).toBe(0);
    expect(io.err()).toContain('pinned to log stream i-0123456789abcdef0');
    expect(await runAdd(add({ host: 'i-0fedcba9876543210', pin: false }), memoryIo(), deps())).toBe(0);
    expect(await runAdd(add({ host: 'edr-host', pinAgentId: 'a1b2c3' }), memoryIo(), deps())).toBe(0);
    const unpinned = memoryIo();
    expect(await runAdd(add({ host: 'web-01' }), unpinned, deps())).toBe(0);
    expect(unpinned.err()).toContain('unpinned');
    const byHost = Object.fromEntries((await items()).map((item) => [item['host'], item['pin']]));
    expect(byHost).toEqual({
      'i-0123456789abcdef0': { source: 'logStream', value: 'i-0123456789abcdef0' },
      'i-0fedcba9876543210': undefined,
      'edr-host': { source: 'agentId', value: 'a1b2c3' },
      'web-01': undefined,
    });
    await expect(runAdd(add({ pinAgentId: 'a', pinLogStream: 'b' }), memoryIo(), deps())).rejects.toThrow('one pin');
  });

  it('add --match-any names a list field whose values need not all match, and broad entries carry the flag', async () => {
    expect(
      await runAdd(
        add({ host: 'node-1', match: ['HostPathMounts=/var/log'], matchAny: ['HostPathMounts'] }),
        memoryIo(),
        deps(),
      ),
    ).toBe(0);
    expect(await runAdd(add({ host: '*', expires: '3d', allowBroad: true }), memoryIo(), deps())).toBe(0);
    const byHost = Object.fromEntries((await items()).map((item) => [item['host'], item]));
    expect(byHost['node-1']?.['matchAny']).toEqual(['HostPathMounts']);
    expect(byHost['*']?.['broad']).toBe(true);
  });

  it('lint exits 1 on findings in the table (including malformed items) and 0 on a clean one', async () => {
    await runAdd(add({ pinLogStream: 'i-0123456789abcdef0' }), memoryIo(), deps());
    const clean = memoryIo();
    expect(await runLint({ table, maxDays: 90 }, clean, deps())).toBe(0);
    await db.doc.send(new PutCommand({ TableName: table, Item: { host: 'bad', entryId: 'x', rule: 'r' } }));
    const io = memoryIo();
    expect(await runLint({ table, maxDays: 90, json: true }, io, deps())).toBe(1);
    expect(jsonLines(io.out()).map((finding) => finding['kind'])).toEqual(['malformed']);
  });

  it('needs a table: --table or VMSENTRY_ALLOWLIST_TABLE', async () => {
    await expect(runList({}, memoryIo(), { doc: db.doc, env: {} })).rejects.toThrow('VMSENTRY_ALLOWLIST_TABLE');
    const io = memoryIo();
    expect(await runList({}, io, { doc: db.doc, env: { VMSENTRY_ALLOWLIST_TABLE: table } })).toBe(0);
    // The Lambda function's own variable works too, as redrive reads it.
    expect(await runList({}, memoryIo(), { doc: db.doc, env: { ALLOWLIST_TABLE: table } })).toBe(0);
  });
});

describe('vmsentry allowlist (child process)', () => {
  it('exits 2 with "cannot reach" when the endpoint is down, and --help lists the exit codes', async () => {
    const down = await runWithEnv(['allowlist', 'list', '--table', 't', '--endpoint', 'http://127.0.0.1:9']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
    const help = await helpOf(['allowlist', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--allow-broad');
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 findings');
  });
});
