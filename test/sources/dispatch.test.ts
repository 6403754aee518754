import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormatName } from '../../lib/model';
import { FORMATS } from '../../lib/model';
import { BatchParser, PARSERS, parseRecords, parseText, type RecordInput } from '../../lib/sources';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Fixture file name prefix -> the format auto-detection must choose for it. */
const EXPECTED: readonly [RegExp, FormatName][] = [
  [/^ecs-winlogbeat-sysmon/, 'sysmon-windows'], // winlogbeat output is ECS too, but belongs to the Windows parsers
  [/^cloudtrail-/, 'cloudtrail'],
  [/^falco-/, 'falco'],
  [/^k8s-/, 'k8s-audit'],
  [/^crowdstrike-/, 'crowdstrike-fdr'],
  [/^ecs-/, 'ecs'],
  [/^mde-/, 'mde'],
  [/^ocsf-/, 'ocsf'],
  [/^sentinelone-/, 'sentinelone'],
  [/^auditd-/, 'auditd'],
  [/^sysmon-linux-/, 'sysmon-linux'],
  [/^eslogger-/, 'eslogger'],
  [/^powershell4104-/, 'powershell-4104'],
  [/^security4688-/, 'windows-security-4688'],
  [/^sysmon1-/, 'sysmon-windows'],
  [/^sysmon3-/, 'sysmon-windows'],
  [/^system7045-/, 'windows-system-7045'],
  [/^(setup-servicing|hyperv)-/, 'windows-event'],
];

const fixtureFiles = ['containers', 'edr', 'linux', 'macos', 'windows'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((name) => /\.(json|jsonl|log|xml)$/.test(name) && !/hostile/.test(name))
    .map((name) => ({ dir, name, format: EXPECTED.find(([pattern]) => pattern.test(name))?.[1] })),
);

function input(text: string, index: number, context: RecordInput['context'] = {}): RecordInput {
  let json: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(text);
    json =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
  } catch {
    json = undefined;
  }
  return { text, json, position: { envelope: 'inline', index }, context };
}

describe('format detection across every parser', () => {
  it('registers exactly one parser per format', () => {
    expect(PARSERS.map((factory) => factory.format).sort()).toEqual([...FORMATS].sort());
  });

  it.each(fixtureFiles)('routes $dir/$name to its own parser and nothing else', ({ dir, name, format }) => {
    expect(format).toBeDefined();
    const batch = parseText(readFileSync(join(FIXTURES, dir, name), 'utf8'), { file: name });
    expect(batch.unknown).toBe(0);
    expect(batch.errors.filter((error) => error.format !== format)).toEqual([]);
    for (const event of batch.events) expect(event.provenance.format).toBe(format);
  });
});

describe('the batch dispatcher', () => {
  const normalized = JSON.stringify({
    category: 'process_creation',
    platform: 'linux',
    fields: { Image: '/usr/bin/qemu-system-x86_64' },
  });

  it("auto-detects vmsentry's own event JSON only when the caller trusts its input", () => {
    expect(parseRecords([input(normalized, 0)])).toMatchObject({ unknown: 1, events: [] });
    expect(parseRecords([input(normalized, 0)], { acceptNormalized: true }).eventsByFormat).toEqual({ normalized: 1 });
  });

  const sysmonXml = readFileSync(join(FIXTURES, 'windows', 'sysmon1-vboxmanage-headless.xml'), 'utf8').replace(
    /\r?\n\s*/g,
    '',
  );

  it('counts a record no parser recognises as unknown, with its position, and goes on', () => {
    const batch = parseRecords([input('hello world', 0), input(sysmonXml, 1)]);
    expect(batch.records).toBe(2);
    expect(batch.unknown).toBe(1);
    expect(batch.errors).toEqual([
      expect.objectContaining({
        code: 'unknown-format',
        format: 'unknown',
        position: { envelope: 'inline', index: 0 },
      }),
    ]);
    expect(batch.eventsByFormat).toEqual({ 'sysmon-windows': 1 });
  });

  describe('says why a record was not recognised', () => {
    const reasonFor = (text: string): string | undefined => parseRecords([input(text, 0)]).errors[0]?.reason;

    it('broken JSON: the syntax error with its line and column', () => {
      expect(reasonFor('{"EventID": 1, "Image": }')).toBe(
        `invalid JSON at line 1 column 25: Unexpected token '}', ..." "Image": }" is not valid JSON`,
      );
      expect(reasonFor('{"EventID": 1,')).toMatch(/^invalid JSON at line 1 column 15: Expected double-quoted/);
      expect(reasonFor('[{"a": 1},\n {"b": 2 ')).toMatch(/^invalid JSON at line 2 column 10: /);
      expect(reasonFor('{"a": 1} trailing')).toMatch(/^invalid JSON at line 1 column 10: Unexpected non-whitespace/);
    });

    it('broken JSON: the message stays bounded however long the record', () => {
      const reason = reasonFor(`{"k": "${'x'.repeat(100_000)}`) ?? '';
      expect(reason).toMatch(/^invalid JSON at line 1 column 100008: /);
      expect(reason.length).toBeLessThan(200);
    });

    it('broken Event XML: the fault and its offset', () => {
      expect(reasonFor('<Event><System><Channel>Setup</Channel>')).toBe(
        'Event XML not well-formed at offset 39: truncated: <System> is not closed',
      );
      expect(reasonFor('<Event></Evnt>')).toBe(
        'Event XML not well-formed at offset 7: mismatched </Evnt>: expected </Event>',
      );
      expect(reasonFor('<?xml version="1.0"?><Event/>junk')).toBe(
        'Event XML not well-formed at offset 29: text outside the root element',
      );
    });

    it('broken Event XML a Windows parser claims keeps that parser and its own reason', () => {
      const truncated = sysmonXml.slice(0, sysmonXml.indexOf('<EventData>') + 40);
      expect(parseRecords([input(truncated, 0)]).errors).toEqual([
        expect.objectContaining({
          code: 'invalid-record',
          format: 'sysmon-windows',
          reason: 'bad Event XML: truncated: end tag is not closed',
        }),
      ]);
    });

    it('well-formed JSON no format claims: its first keys, bounded', () => {
      expect(reasonFor('{"user":"ann","action":"login"}')).toBe(
        'JSON object with keys user, action is not a format vmsentry reads (see docs/event-model.md)',
      );
      const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])));
      expect(reasonFor(wide)).toBe(
        'JSON object with keys k0, k1, k2, k3, k4, k5, … is not a format vmsentry reads (see docs/event-model.md)',
      );
      expect(reasonFor('[1, 2, 3]')).toBe(
        'JSON array of 3 items is not a format vmsentry reads (see docs/event-model.md)',
      );
    });

    it('well-formed XML that is no Windows event: windows-event takes it and names what is missing', () => {
      expect(parseRecords([input('<?xml version="1.0"?><Report><Row/></Report>', 0)]).errors).toEqual([
        expect.objectContaining({ format: 'windows-event', reason: 'EventID is missing or not an integer (0..65535)' }),
      ]);
    });

    it('anything else: the generic reason and its first bytes, control characters escaped', () => {
      expect(reasonFor('dear\tdiary\u0007')).toBe('no parser recognised the record (starts "dear\\x09diary\\x07")');
      const long = reasonFor(`plain ${'z'.repeat(10_000)}`) ?? '';
      expect(long).toBe(`no parser recognised the record (starts "plain ${'z'.repeat(42)}…")`);
    });
  });

  it('parses only the forced format when one is given', () => {
    const forced = parseRecords([input(sysmonXml, 0)], { format: 'auditd' });
    expect(forced.events).toEqual([]);
    expect(forced.errors[0]).toMatchObject({ code: 'unknown-format', reason: 'record is not auditd' });
    expect(parseRecords([input(sysmonXml, 0)], { format: 'sysmon-windows' }).events).toHaveLength(1);
  });

  it('tries the log-group hint first and falls back to detection when the hint does not fit', () => {
    const hinted = parseRecords([input(sysmonXml, 0, { formatHint: 'k8s-audit' })]);
    expect(hinted.eventsByFormat).toEqual({ 'sysmon-windows': 1 });
  });

  it('turns a parser that throws into a counted invalid-record error instead of failing the batch', () => {
    const factory = PARSERS.find((candidate) => candidate.format === 'normalized');
    const original = factory?.create;
    if (!factory || !original) throw new Error('normalized parser missing');
    const spy = jest.spyOn(factory, 'create').mockImplementation(() => ({
      ...original(),
      parse: () => {
        throw new Error('boom');
      },
    }));
    try {
      const text = JSON.stringify({ category: 'process_creation', platform: 'linux', fields: {} });
      const batch = parseRecords([input(text, 0), input(sysmonXml, 1)], { acceptNormalized: true });
      expect(batch.errors).toEqual([
        expect.objectContaining({ code: 'invalid-record', format: 'normalized', reason: 'parser failed: boom' }),
      ]);
      expect(batch.events).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('groups split PowerShell script blocks across records and flushes them at the end of the batch', () => {
    const parts = [1, 2, 3].map((part) =>
      readFileSync(join(FIXTURES, 'windows', `powershell4104-hyperv-part${part}of3.xml`), 'utf8').replace(
        /\r?\n\s*/g,
        '',
      ),
    );
    const incremental = new BatchParser();
    incremental.push(input(parts[0] ?? '', 0));
    incremental.push(input(parts[2] ?? '', 1));
    const partial = incremental.finish();
    expect(partial.events).toHaveLength(1);
    expect(partial.events[0]?.fields.Partial).toBe(true);
    const whole = parseRecords(parts.map((text, index) => input(text, index)));
    expect(whole.events).toHaveLength(1);
    expect(whole.events[0]?.fields.Partial).toBeUndefined();
    expect(whole.events[0]?.fields.ScriptBlockText).toContain('Start-VM');
  });
});

describe('streaming with drain()', () => {
  it('keeps a split script block whole across drains and hands each chunk its own counts', () => {
    const parts = [1, 2, 3].map((part) =>
      readFileSync(join(FIXTURES, 'windows', `powershell4104-hyperv-part${part}of3.xml`), 'utf8').replace(
        /\r?\n\s*/g,
        '',
      ),
    );
    const parser = new BatchParser();
    parser.push(input(parts[0] ?? '', 0));
    parser.push(input('not a record', 1));
    const first = parser.drain();
    expect(first).toMatchObject({ records: 2, unknown: 1, events: [] });
    parser.push(input(parts[1] ?? '', 2));
    parser.push(input(parts[2] ?? '', 3));
    const second = parser.drain();
    const last = parser.finish();
    const events = [...second.events, ...last.events];
    expect(second.records).toBe(2);
    expect(second.errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]?.fields.Partial).toBeUndefined();
  });
});
