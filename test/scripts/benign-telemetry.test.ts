import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseText } from '../../lib/sources';
import { regenerate, SAMPLE_FILES } from '../../scripts/benign-telemetry/generate';
import { SeededRandom } from '../../scripts/benign-telemetry/random';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('benign sample telemetry (scripts/benign-telemetry)', () => {
  it.each(SAMPLE_FILES.map((entry) => [entry.file, entry]))(
    'samples/%s is exactly what the seeded generator writes (no line copied from elsewhere)',
    (file, { seed, generate }) => {
      const committed = readFileSync(path.join(SAMPLES, file), 'utf8');
      expect(regenerate(committed, seed, generate)).toBe(committed);
    },
  );

  it('keeps the authored attack scenarios (Event XML lines) where they are and replaces only JSON lines', () => {
    const scenario = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System/></Event>";
    const entry = SAMPLE_FILES[0];
    if (!entry) throw new Error('no sample files');
    const out = lines(regenerate(`{"x":1}\n${scenario}\n{"x":2}\n`, entry.seed, entry.generate));
    expect(out).toHaveLength(3);
    expect(out[1]).toBe(scenario);
    expect(out[0]).not.toBe('{"x":1}');
    const parsed = parseText(`${out[0]}\n${out[2]}`);
    expect(parsed.events.map((event) => event.provenance.format)).toEqual(['sysmon-windows', 'sysmon-windows']);
  });

  it('is deterministic per seed and different across seeds', () => {
    const entry = SAMPLE_FILES[0];
    if (!entry) throw new Error('no sample files');
    const one = JSON.stringify(entry.generate(20, new SeededRandom(7)));
    expect(JSON.stringify(entry.generate(20, new SeededRandom(7)))).toBe(one);
    expect(JSON.stringify(entry.generate(20, new SeededRandom(8)))).not.toBe(one);
  });

  it.each(SAMPLE_FILES.map((entry) => [entry.file, entry]))(
    'every generated %s line parses without error in the shipper shapes vmsentry reads',
    (_file, { generate }) => {
      const text = generate(60, new SeededRandom(1))
        .map((record) => JSON.stringify(record))
        .join('\n');
      const result = parseText(text);
      expect(result.errors).toEqual([]);
      expect(result.events).toHaveLength(60);
    },
  );
});
