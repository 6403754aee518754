import fc from 'fast-check';
import type { ParseOutcome, ParserFactory, RecordInput } from '../../../lib/sources/parser';
import { powershell4104Parser } from '../../../lib/sources/windows/powershell-4104';
import { security4688Parser } from '../../../lib/sources/windows/security-4688';
import { sysmonWindowsParser } from '../../../lib/sources/windows/sysmon-windows';
import { system7045Parser } from '../../../lib/sources/windows/system-7045';
import { windowsEventParser } from '../../../lib/sources/windows/windows-generic';
import { fixture, inputOf, jsonInput } from './windows-test-kit';

const PARSERS: readonly ParserFactory[] = [
  sysmonWindowsParser,
  security4688Parser,
  system7045Parser,
  powershell4104Parser,
  windowsEventParser,
];

const SAMPLES = [
  'sysmon1-vboxmanage-headless.xml',
  'sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json',
  'security4688-vboxheadless.xml',
  'security4688-azure-eventdata-xml.json',
  'system7045-vboxdrv.xml',
  'system7045-qemu-service.nxlog.json',
  'system7045-azure-event.json',
  'powershell4104-hyperv-part2of3.xml',
  'shippers/sysmon1-nxlog.json',
  'shippers/sysmon1-azure.json',
  'shippers/security4688-winlogbeat2019.json',
  'shippers/powershell4104-winlogbeat2019.json',
  'hyperv-vmms-vm-created.xml',
]
  .map(fixture)
  .concat([
    '[Microsoft-Windows-PowerShell/Operational] [INFORMATION] [4103] [Microsoft-Windows-PowerShell] [H] [CommandInvocation(New-VM): "New-VM"\r\n\r\n\r\nContext:\r\n        Command Name = New-VM\r\n\r\nUser Data:\r\n]',
    '[Microsoft-Windows-Sysmon/Operational] [INFORMATION] [11] [Microsoft-Windows-Sysmon] [H] [File created:\r\nRuleName: -\r\nImage: C:\\x.exe\r\nTargetFilename: C:\\vm.vdi]',
  ]);

const CODES = new Set(['invalid-record', 'missing-field']);

/** The contract for any input: no throw; ok with events, or a typed error that says where the record was. */
function wellFormed(outcome: ParseOutcome, input: RecordInput, format: string): boolean {
  if (outcome.ok) return Array.isArray(outcome.events);
  const { error } = outcome;
  return (
    CODES.has(error.code) &&
    error.format === format &&
    error.position === input.position &&
    typeof error.reason === 'string' &&
    typeof error.excerpt === 'string'
  );
}

/** Feed one input to every parser (sniff, parse, flush) and check the contract. */
function survivesAll(input: RecordInput): boolean {
  return PARSERS.every((factory) => {
    const parser = factory.create();
    const claimed = parser.sniff(input);
    const outcome = parser.parse(input);
    const flushed = parser.flush?.() ?? [];
    return typeof claimed === 'boolean' && wellFormed(outcome, input, factory.format) && flushed.every((o) => o.ok);
  });
}

/** A text mutation: flip, cut or insert characters somewhere in a real record. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.array(
      fc.tuple(
        fc.constantFrom('flip', 'truncate', 'insert', 'delete'),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 4 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([sample, edits]) =>
    edits.reduce((text, [kind, at, chars]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      if (kind === 'truncate') return text.slice(0, i);
      if (kind === 'delete') return text.slice(0, i) + text.slice(i + chars.length);
      if (kind === 'insert') return text.slice(0, i) + chars + text.slice(i);
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1);
    }, sample),
  );

const JSON_SAMPLES = SAMPLES.filter((text) => text.startsWith('{')).map(
  (text) => JSON.parse(text) as Record<string, unknown>,
);
const KEYS = [
  'EventID',
  'event_id',
  'winlog',
  'event_data',
  'EventData',
  'Hostname',
  'Channel',
  'SourceName',
  'TimeGenerated',
  '@timestamp',
  'UtcTime',
  'Image',
  'NewProcessName',
  'ScriptBlockText',
  'MessageNumber',
  'MessageTotal',
  'ImagePath',
  'computer_name',
  'log_name',
  'Type',
  '__proto__',
  'constructor',
  'message',
];

describe('Windows parsers on hostile input', () => {
  it('never throw on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => survivesAll(inputOf(text))),
      { numRuns: 300 },
    );
  });

  it('never throw on arbitrary XML-looking text', () => {
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<Event>',
          '<System>',
          '<EventID>',
          '1',
          '4688',
          '</EventID>',
          '<Data Name="Image">',
          '</Data>',
          '<EventData>',
          '</EventData>',
          '</System>',
          '</Event>',
          '&amp;',
          '&',
          '<',
          '>',
          '"',
          "'",
          '<Provider Name="Microsoft-Windows-Sysmon"/>',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(xmlish, (text) => survivesAll(inputOf(text))),
      { numRuns: 300 },
    );
  });

  it('never throw on real records with flipped, truncated, inserted or deleted characters', () => {
    fc.assert(
      fc.property(mutated, (text) => survivesAll(inputOf(text))),
      { numRuns: 400 },
    );
  });

  it('never throw when a field of a real JSON record is replaced by an arbitrary JSON value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...JSON_SAMPLES),
        fc.constantFrom(...KEYS),
        fc.jsonValue({ maxDepth: 4 }),
        (row, key, value) => {
          const text = JSON.stringify({ ...row, [key]: value });
          return survivesAll(inputOf(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  describe('specific attacks', () => {
    it('reads CloudWatch text in time linear in its size, however many 4103 Context headings it repeats', () => {
      const line = (n: number): RecordInput =>
        inputOf(
          `[Microsoft-Windows-PowerShell/Operational] [INFORMATION] [4103] [Microsoft-Windows-PowerShell] [H] [${'\r\n\r\n\r\nContext:\r\nx'.repeat(n)}]`,
          { timestampMs: 1_700_000_000_000 },
        );
      const timeOf = (input: RecordInput): number => {
        const start = process.hrtime.bigint();
        const outcome = windowsEventParser.create().parse(input);
        expect(outcome.ok).toBe(true);
        return Number(process.hrtime.bigint() - start);
      };
      const small = line(20_000);
      const large = line(80_000);
      timeOf(small); // warm-up
      // The fastest of three runs each: a GC pause or a busy machine slows one run, never the best of three.
      const best = (input: RecordInput) => Math.min(timeOf(input), timeOf(input), timeOf(input));
      const ratio = best(large) / Math.max(best(small), 1);
      // Linear is ~4; a quadratic scan would be ~16 and far slower in absolute terms.
      expect(ratio).toBeLessThan(10);
    });

    const sysmonXml = fixture('sysmon1-vboxmanage-headless.xml');

    it('refuses entity expansion (billion laughs) as an invalid record without expanding anything', () => {
      const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>${sysmonXml.replace(
        'startvm',
        '&lol2;',
      )}`;
      const outcome = sysmonWindowsParser.create().parse(inputOf(laughs));
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: 'invalid-record', reason: expect.stringMatching(/DTD/) },
      });
    });

    it('refuses an external entity reference as malformed', () => {
      const xxe = sysmonXml.replace('startvm', '&xxe;');
      expect(sysmonWindowsParser.create().parse(inputOf(xxe))).toMatchObject({
        ok: false,
        error: { code: 'invalid-record' },
      });
    });

    it('parses a giant command line (4 MB) intact', () => {
      const giant = `VBoxManage.exe startvm ${'A'.repeat(4_000_000)}`;
      const xml = sysmonXml.replace(/(<Data Name='CommandLine'>)[^<]*/, `$1${giant}`);
      const outcome = sysmonWindowsParser.create().parse(inputOf(xml));
      expect(outcome.ok && outcome.events[0]?.fields.CommandLine).toBe(giant);
    });

    it('keeps __proto__ and constructor keys as plain data and never pollutes prototypes', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      const text = JSON.stringify(row).replace(
        /^\{/,
        '{"__proto__":{"polluted":"yes","Image":"C:\\\\evil.exe"},"constructor":{"prototype":{"polluted":"yes"}},',
      );
      const input = inputOf(text);
      for (const factory of PARSERS) factory.create().parse(input);
      const outcome = sysmonWindowsParser.create().parse(input);
      expect(outcome.ok && outcome.events[0]?.fields.Image).toBe(row['Image']);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('does not take data values from an inherited prototype', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      delete row['Image'];
      const input: RecordInput = {
        ...inputOf('{}'),
        json: Object.assign(Object.create({ Image: 'C:\\inherited.exe' }) as object, row),
      };
      expect(sysmonWindowsParser.create().parse(input)).toMatchObject({ ok: false, error: { code: 'missing-field' } });
    });

    it('survives deeply nested JSON in data fields', () => {
      let nested: unknown = 'x';
      for (let depth = 0; depth < 5_000; depth++) nested = { a: nested };
      const row = JSON.parse(fixture('sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json')) as {
        winlog: Record<string, unknown>;
      };
      const input: RecordInput = {
        ...jsonInput({}),
        json: { ...row, winlog: { ...row.winlog, event_data: { Image: nested } } },
      };
      expect(survivesAll(input)).toBe(true);
      expect(sysmonWindowsParser.create().parse(input)).toMatchObject({ ok: false, error: { code: 'missing-field' } });
    });

    it('survives XML of 100k nested elements and 100k attributes', () => {
      expect(survivesAll(inputOf(`<Event>${'<a>'.repeat(100_000)}`))).toBe(true);
      const attributes = Array.from({ length: 100_000 }, (_, i) => ` a${i}='1'`).join('');
      expect(survivesAll(inputOf(`<Event${attributes}><System><EventID>1</EventID></System></Event>`))).toBe(true);
    });
  });
});
