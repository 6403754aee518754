/**
 * The repository holds no record copied from the public corpus: samples/ is written by scripts/benign-telemetry
 * (and authored attack scenarios), and every file under test/fixtures/ is authored here. A record is "the same" when
 * it names the same host, time and command or script text as a corpus record, or carries the same ScriptBlockId or
 * ProcessGuid: those GUIDs are minted per script block and per process, so only a copy shares one (this catches a
 * copied part of a split script block, whose partial text differs from the corpus's reassembled script).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NormalizedEvent } from '../../lib/model';
import { parseText } from '../../lib/sources';
import { describeCorpus, REPO_ROOT } from './corpus-dir';

function identities(event: NormalizedEvent): string[] {
  const what = event.fields.CommandLine ?? event.fields.ScriptBlockText ?? event.fields.Image ?? '';
  const out = [`${event.host.hostname?.toLowerCase() ?? ''}|${event.time}|${what}`];
  if (event.fields.ScriptBlockId) out.push(`ScriptBlockId|${event.fields.ScriptBlockId.toLowerCase()}`);
  if (event.fields.ProcessGuid) out.push(`ProcessGuid|${event.fields.ProcessGuid.toLowerCase()}`);
  return out;
}

/** Every file under `dir`, recursively, sorted. */
function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else out.push(full);
  }
  return out;
}

describeCorpus('no corpus record is copied into the repository', (dir) => {
  const corpus = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.jsonl.gz'))) {
    const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
    for (const event of parseText(text, { file }).events) for (const id of identities(event)) corpus.add(id);
  }

  /** The identities of `file`'s events that the corpus also holds. */
  function copiedIn(file: string): string[] {
    const events = parseText(readFileSync(file, 'utf8'), { file }).events;
    return events.flatMap(identities).filter((id) => corpus.has(id));
  }

  it('reads the corpus', () => {
    expect(corpus.size).toBeGreaterThan(1000);
  });

  const samples = join(REPO_ROOT, 'samples');
  for (const file of readdirSync(samples).filter((name) => name.endsWith('.jsonl') || name.endsWith('.txt'))) {
    it(`samples/${file} shares no record with the corpus`, () => {
      expect(copiedIn(join(samples, file))).toEqual([]);
    });
  }

  // Every fixture, whatever its extension: files that are not telemetry (rules, expectations) yield no events.
  const fixtures = join(REPO_ROOT, 'test', 'fixtures');
  const fixtureFiles = filesUnder(fixtures);

  it('finds the fixtures', () => {
    expect(fixtureFiles.length).toBeGreaterThan(100);
  });

  for (const file of fixtureFiles) {
    const name = relative(REPO_ROOT, file);
    it(`${name} shares no record with the corpus`, () => {
      expect(copiedIn(file)).toEqual([]);
    });
  }
});
