import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NormalizedEvent } from '../../lib/model';
import { parseRecords } from '../../lib/sources/dispatch';
import type { ParserFactory, RecordInput } from '../../lib/sources/parser';
import { powershell4104Parser } from '../../lib/sources/windows/powershell-4104';
import { security4688Parser } from '../../lib/sources/windows/security-4688';
import { sysmonWindowsParser } from '../../lib/sources/windows/sysmon-windows';
import { system7045Parser } from '../../lib/sources/windows/system-7045';
import { windowsEventParser } from '../../lib/sources/windows/windows-generic';
import { inputOf, runBatch } from '../sources/windows/windows-test-kit';
import { describeCorpus } from './corpus-dir';

/**
 * Every Windows event of the OTRF Security-Datasets excerpt (real NXLog, Logstash, winlogbeat 2019 and Azure rows)
 * must be claimed by exactly one Windows parser and parse with host and time resolved, without a single error.
 */
const PARSERS: readonly ParserFactory[] = [
  sysmonWindowsParser,
  security4688Parser,
  system7045Parser,
  powershell4104Parser,
  windowsEventParser,
];

function inputsOf(dir: string, file: string): RecordInput[] {
  const text = gunzipSync(readFileSync(path.join(dir, file))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => inputOf(line, { index }));
}

describeCorpus('the OTRF Windows corpus', (dir) => {
  const files = readdirSync(dir)
    .filter((name) => /^win_.*\.jsonl\.gz$/.test(name))
    .sort();

  it('has the three Windows files to test against', () => {
    expect(files).toEqual(['win_powershell4104.jsonl.gz', 'win_security4688.jsonl.gz', 'win_sysmon1.jsonl.gz']);
  });

  describe.each(files)('%s', (file) => {
    const inputs = inputsOf(dir, file);

    it('has no record come back unknown or as an error through format detection (no well-formed record is lost)', () => {
      const batch = parseRecords(inputs);
      expect(batch.unknown).toBe(0);
      expect(batch.errors).toEqual([]);
      expect(batch.events.length).toBeGreaterThan(0);
    });

    it('has every record claimed by exactly one Windows parser', () => {
      const claims = inputs.map((input) =>
        PARSERS.filter((factory) => factory.create().sniff(input)).map((f) => f.format),
      );
      const unclaimedOrAmbiguous = claims
        .map((formats, index) => ({ index, formats }))
        .filter((c) => c.formats.length !== 1);
      expect(unclaimedOrAmbiguous).toEqual([]);
    });

    it('parses every record without an error, into events with hostname and time', () => {
      const factory = PARSERS.find((candidate) => candidate.create().sniff(inputs[0] as RecordInput));
      if (!factory) throw new Error(`no parser for ${file}`);
      const { events, errors, refused } = runBatch(factory, inputs);
      expect(errors).toEqual([]);
      expect(refused).toBe(0);
      const unresolved = events.filter(
        (event) =>
          typeof event.host.hostname !== 'string' ||
          !Number.isFinite(event.timeMs) ||
          new Date(event.timeMs).toISOString() !== event.time ||
          event.platform !== 'windows',
      );
      expect(unresolved).toEqual([]);
      if (factory === powershell4104Parser) {
        // Split blocks become one event per block: the block of every record must be among the events.
        const keyOf = (event: NormalizedEvent): string => `${event.host.hostname}|${event.fields.ScriptBlockId ?? ''}`;
        const emitted = new Set(events.map(keyOf));
        const lost = inputs.filter((input) =>
          runBatch(factory, [input]).events.some((alone) => !emitted.has(keyOf(alone))),
        );
        expect(lost).toEqual([]);
        expect(events.every((event) => event.category === 'ps_script')).toBe(true);
        expect(events.length).toBeLessThan(inputs.length);
      } else {
        expect(events).toHaveLength(inputs.length);
        expect(events.every((event) => event.category === 'process_creation' && event.fields.Image)).toBe(true);
      }
    });
  });
});
