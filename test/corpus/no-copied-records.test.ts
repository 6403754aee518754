/**
 * The repository holds no record copied from the public corpus: samples/ is written by scripts/benign-telemetry
 * (and authored attack scenarios). A record is "the same" when it names the same host, time and command or script
 * text as a corpus record.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NormalizedEvent } from '../../lib/model';
import { parseText } from '../../lib/sources';
import { describeCorpus, REPO_ROOT } from './corpus-dir';

function identity(event: NormalizedEvent): string {
  const what = event.fields.CommandLine ?? event.fields.ScriptBlockText ?? event.fields.Image ?? '';
  return `${event.host.hostname?.toLowerCase() ?? ''}|${event.time}|${what}`;
}

describeCorpus('no corpus record is copied into the repository', (dir) => {
  const corpus = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.jsonl.gz'))) {
    const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
    for (const event of parseText(text, { file }).events) corpus.add(identity(event));
  }

  it('reads the corpus', () => {
    expect(corpus.size).toBeGreaterThan(1000);
  });

  const samples = join(REPO_ROOT, 'samples');
  for (const file of readdirSync(samples).filter((name) => name.endsWith('.jsonl') || name.endsWith('.txt'))) {
    it(`samples/${file} shares no record with the corpus`, () => {
      const events = parseText(readFileSync(join(samples, file), 'utf8'), { file }).events;
      const copied = events.filter((event) => corpus.has(identity(event))).map(identity);
      expect(copied).toEqual([]);
    });
  }
});
