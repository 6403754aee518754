import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runImport, runLint } from '../../bin/commands/allowlist';
import {
  CachedAllowlistStore,
  checkEntry,
  fieldNameWarning,
  itemToEntry,
  parseAllowlistFile,
} from '../../lib/allowlist';
import type { AllowlistEntry } from '../../lib/model';
import { jsonLines, memoryIo } from '../validate/support';

const NOW_MS = Date.UTC(2026, 10, 27, 12, 0, 0);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3 * 86_400;

const scratch = mkdtempSync(path.join(tmpdir(), 'vmsentry-allowlist-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const base = {
  host: 'build-01',
  rule: 'attack.t1564.006',
  reason: 'CI host boots test VMs',
  owner: 'platform@example.com',
  expiresAt: EXPIRES,
};

/** What one path made of one entry: refused with a reason, or kept with warnings. */
type Verdict = { readonly refused: string } | { readonly warnings: readonly string[] };

const CASES: readonly { name: string; entry: Record<string, unknown>; verdict: Verdict }[] = [
  {
    name: 'rule "*" without broad: true',
    entry: { ...base, rule: '*' },
    verdict: { refused: 'host "*" or rule "*" is broad: the entry must say broad: true (and expire)' },
  },
  {
    name: 'rule "*" with broad: true',
    entry: { ...base, rule: '*', broad: true },
    verdict: { warnings: ['broad entry: it suppresses every rule on host build-01'] },
  },
  {
    name: 'a lowercase field name',
    entry: { ...base, match: { image: '*\\VBoxManage.exe' } },
    verdict: { warnings: ["field 'image' is not a model field; did you mean 'Image'?"] },
  },
  {
    name: 'an unknown field name',
    entry: { ...base, match: { Frobnicate: 'x' } },
    verdict: {
      warnings: ["field 'Frobnicate' is not a model field or a known alias: it matches only raw records that carry it"],
    },
  },
  {
    name: 'a valid entry (model field and Sigma alias)',
    entry: { ...base, match: { Image: '*\\VBoxManage.exe', NewProcessName: '*\\VBoxManage.exe' } },
    verdict: { warnings: [] },
  },
];

function lineFile(name: string, entry: Record<string, unknown>): string {
  const file = path.join(scratch, `${name.replace(/\W+/g, '-')}.jsonl`);
  writeFileSync(file, `# one entry\n${JSON.stringify(entry)}\n`);
  return file;
}

/** `scan --allowlist` and `hunt` read files through parseAllowlistFile. */
function viaFile(entry: Record<string, unknown>): Verdict {
  const parsed = parseAllowlistFile(JSON.stringify(entry));
  if (parsed.errors.length > 0) return { refused: parsed.errors.map((error) => error.reason).join('; ') };
  return { warnings: parsed.warnings.map((warning) => warning.message) };
}

/** `allowlist import --print-only` (with --allow-broad, so only validation speaks): what it prints on stderr. */
async function viaImport(name: string, entry: Record<string, unknown>): Promise<Verdict> {
  const file = lineFile(name, entry);
  const io = memoryIo();
  const code = await runImport(file, { table: 't', maxDays: 90, allowBroad: true, printOnly: true }, io, {
    nowMs: NOW_MS,
    env: {},
  });
  const lines = io.err().split('\n').filter(Boolean);
  if (code !== 0) {
    // Refusals name the line, as scan does: "<file>:2: <reason>".
    const prefix = `${file}:2: `;
    return { refused: lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length))[0]! };
  }
  const prefix = `${file}:2: warning: `;
  return { warnings: lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length)) };
}

/** `allowlist lint --file`: warnings become findings with the same detail. */
async function viaLint(name: string, entry: Record<string, unknown>): Promise<Verdict> {
  const io = memoryIo();
  await runLint({ file: lineFile(name, entry), maxDays: 90, json: true }, io, { nowMs: NOW_MS, env: {} });
  const findings = jsonLines(io.out());
  const malformed = findings.filter((finding) => finding['kind'] === 'malformed');
  if (malformed.length > 0) return { refused: String(malformed[0]!['detail']) };
  return {
    warnings: findings
      .filter((finding) => finding['kind'] === 'unknown-field' || finding['kind'] === 'broad')
      .map((finding) => String(finding['detail'])),
  };
}

/** The pipeline: the DynamoDB item read back (itemToEntry), then compiled by the cache, which reports warnings. */
async function viaPipeline(entry: Record<string, unknown>): Promise<Verdict> {
  const read = itemToEntry({ ...entry, entryId: 'e1' });
  if (!read.ok) return { refused: read.reason };
  const logged: string[] = [];
  const store = new CachedAllowlistStore(
    { readPartitions: async (partitions) => new Map(partitions.map((p) => [p, p === 'build-01' ? [read.entry] : []])) },
    { clock: () => 0, onEntryWarnings: (_entry, warnings) => logged.push(...warnings) },
  );
  await store.compiledFor(['build-01']);
  return { warnings: logged };
}

describe('one allowlist check: the same entry gets the same verdict on every path', () => {
  it.each(CASES)('$name', async ({ name, entry, verdict }) => {
    expect(viaFile(entry)).toEqual(verdict);
    expect(await viaImport(name, entry)).toEqual(verdict);
    expect(await viaLint(name, entry)).toEqual(verdict);
    expect(await viaPipeline(entry)).toEqual(verdict);
  });
});

describe('field name warnings', () => {
  it('names the intended field for a case mistake, for model fields and aliases alike', () => {
    expect(fieldNameWarning('commandline')).toBe(
      "field 'commandline' is not a model field; did you mean 'CommandLine'?",
    );
    expect(fieldNameWarning('newprocessname')).toContain("did you mean 'NewProcessName'?");
    // A model field and a native alias that differ only in case: both are right, a third spelling gets the model one.
    expect(fieldNameWarning('UserAgent')).toBeUndefined();
    expect(fieldNameWarning('userAgent')).toBeUndefined();
    expect(fieldNameWarning('useragent')).toContain("did you mean 'UserAgent'?");
  });

  it('suggests a near miss within two edits, and nothing further away', () => {
    expect(fieldNameWarning('CommandLin')).toContain("did you mean 'CommandLine'?");
    expect(fieldNameWarning('ParentImgae')).toContain("did you mean 'ParentImage'?");
    expect(fieldNameWarning('Commxxxxine')).toBe(
      "field 'Commxxxxine' is not a model field or a known alias: it matches only raw records that carry it",
    );
  });

  it('leaves dotted raw-record paths alone unless they mistype a known alias', () => {
    expect(fieldNameWarning('requestObject.spec.hostPID')).toBeUndefined();
    expect(fieldNameWarning('objectRef.resource')).toBeUndefined();
    expect(fieldNameWarning('objectref.resource')).toContain("did you mean 'objectRef.resource'?");
  });

  it('is bounded: a long name is compared to nothing, so the check stays linear in the entry', () => {
    const long = `Image${'x'.repeat(100)}`;
    expect(fieldNameWarning(long)).toContain('is not a model field or a known alias');
  });

  it('warns on entries that pass validation only; a refused entry has a reason and no warnings', () => {
    const refused = checkEntry({ ...base, rule: '*', match: { image: 'x' } });
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('broad: true') });
  });
});

describe('the pipeline logs an entry warning once per entry, not per read or per event', () => {
  it('reports on first compile only, also across a TTL re-read of the unchanged item', async () => {
    let now = 0;
    const entry: AllowlistEntry = { ...base, id: 'e1', match: { image: 'x' } };
    const logged: string[][] = [];
    const store = new CachedAllowlistStore(
      { readPartitions: async (partitions) => new Map(partitions.map((p) => [p, p === 'build-01' ? [entry] : []])) },
      { ttlSeconds: 60, clock: () => now, onEntryWarnings: (_entry, warnings) => logged.push([...warnings]) },
    );
    for (let i = 0; i < 5; i++) await store.compiledFor(['build-01']);
    now += 61_000;
    await store.compiledFor(['build-01']);
    expect(logged).toEqual([["field 'image' is not a model field; did you mean 'Image'?"]]);
    const clean = new CachedAllowlistStore(
      { readPartitions: async (partitions) => new Map(partitions.map((p) => [p, [{ ...base, id: 'e2' }]])) },
      { clock: () => 0, onEntryWarnings: () => logged.push(['unexpected']) },
    );
    await clean.compiledFor(['build-01']);
    expect(logged).toHaveLength(1);
  });
});
