import fc from 'fast-check';
import type { EventCategory, EventFields, ParseErrorCode } from '../../../lib/model';
import { crowdStrikeFdrParser } from '../../../lib/sources/edr/crowdstrike-fdr';
import { ecsParser } from '../../../lib/sources/edr/ecs';
import { mdeParser } from '../../../lib/sources/edr/mde';
import { ocsfParser } from '../../../lib/sources/edr/ocsf';
import { sentinelOneParser } from '../../../lib/sources/edr/sentinelone';
import type { ParseOutcome, ParserFactory, RecordInput } from '../../../lib/sources/parser';
import { fixture, fixtureText, recordOf, without } from './record-input';

const PARSERS: readonly [string, ParserFactory, readonly string[]][] = [
  [
    'crowdstrike-fdr',
    crowdStrikeFdrParser,
    [
      'crowdstrike-pr2-vboxmanage-windows.json',
      'crowdstrike-synthetic-linux.json',
      'crowdstrike-network-connect.json',
      'crowdstrike-dns-request.json',
      'crowdstrike-driverload.json',
      'crowdstrike-pe-written.json',
    ],
  ],
  [
    'mde',
    mdeParser,
    [
      'mde-streaming-wsl-import.json',
      'mde-hunting-row-linux.json',
      'mde-network-vboxheadless.json',
      'mde-file-vdi-created.json',
      'mde-registry-service.json',
      'mde-imageload-vboxrt.json',
      'mde-driverload-vboxdrv.json',
      'mde-dns-response.json',
    ],
  ],
  [
    'sentinelone',
    sentinelOneParser,
    [
      'sentinelone-sdl-vmrun.json',
      'sentinelone-sdl-src-only.json',
      'sentinelone-dv-vmrun.json',
      'sentinelone-sdl-ip-connect.json',
      'sentinelone-sdl-registry-value.json',
      'sentinelone-sdl-file-creation.json',
      'sentinelone-dv-dns.json',
    ],
  ],
  [
    'ecs',
    ecsParser,
    [
      'ecs-defend-qemu-linux.json',
      'ecs-auditbeat-flattened.json',
      'ecs-network-connection.json',
      'ecs-dns-lookup.json',
      'ecs-file-rename.json',
      'ecs-registry-value.json',
      'ecs-library-load.json',
      'ecs-driver-load.json',
    ],
  ],
  [
    'ocsf',
    ocsfParser,
    [
      'ocsf-docker-privileged.json',
      'ocsf-network-activity.json',
      'ocsf-dns-activity.json',
      'ocsf-file-activity.json',
      'ocsf-registry-value.json',
      'ocsf-module-load.json',
      'ocsf-kernel-extension.json',
    ],
  ],
];

/** The field every event of a category carries: what its rules match on. */
const SUBJECT: Readonly<Partial<Record<EventCategory, readonly (keyof EventFields)[]>>> = {
  process_creation: ['Image', 'CommandLine'],
  network_connection: ['DestinationIp', 'DestinationHostname', 'DestinationPort'],
  dns_query: ['QueryName'],
  image_load: ['ImageLoaded'],
  driver_load: ['ImageLoaded'],
  file_event: ['TargetFilename'],
  file_change: ['TargetFilename'],
  file_delete: ['TargetFilename'],
  file_rename: ['TargetFilename'],
  registry_add: ['TargetObject'],
  registry_set: ['TargetObject'],
  registry_delete: ['TargetObject'],
  registry_rename: ['TargetObject'],
};

const CODES: readonly ParseErrorCode[] = ['invalid-record', 'missing-field', 'envelope-too-large'];
const RUNS = 150;

/** The contract every outcome keeps: events with finite times, or a typed error at the record's position. */
function expectWellFormed(outcome: ParseOutcome, input: RecordInput, format: string): void {
  if (outcome.ok) {
    for (const event of outcome.events) {
      const subject = SUBJECT[event.category];
      expect(subject).toBeDefined();
      expect(Number.isFinite(event.timeMs)).toBe(true);
      expect(event.provenance.format).toBe(format);
      expect(subject?.some((name) => event.fields[name] !== undefined)).toBe(true);
    }
    return;
  }
  expect(CODES).toContain(outcome.error.code);
  expect(outcome.error.format).toBe(format);
  expect(outcome.error.position).toEqual(input.position);
  expect(outcome.error.excerpt.length).toBeLessThanOrEqual(201);
}

/** One edit to a record: drop a key, replace its value with any JSON, or add a key. */
type Edit =
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'replace'; readonly pick: number; readonly value: unknown }
  | { readonly kind: 'add'; readonly key: string; readonly value: unknown };

const mutation: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'records', 'properties', 'process')),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
);

function mutate(record: Record<string, unknown>, edits: readonly Edit[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  for (const edit of edits) {
    if (edit.kind === 'add') {
      // defineProperty makes "__proto__" an own key, exactly as JSON.parse delivers it.
      Object.defineProperty(copy, edit.key, {
        value: edit.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      continue;
    }
    const keys = Object.keys(copy);
    const target = keys[edit.pick % Math.max(1, keys.length)];
    if (target === undefined) continue;
    if (edit.kind === 'delete') delete copy[target];
    else copy[target] = edit.value;
  }
  return copy;
}

describe.each(PARSERS)('%s parser on hostile input', (_name, factory, fixtures) => {
  it('never throws on arbitrary JSON values, and answers with well-formed outcomes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(1000), (value, index) => {
        const parser = factory.create();
        const input = recordOf(value, index);
        parser.sniff(input);
        expectWellFormed(parser.parse(input), input, factory.format);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on mutated real records, and answers with well-formed outcomes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 5 }), (name, edits) => {
        const parser = factory.create();
        const input = recordOf(mutate(fixture(name), edits), 7);
        parser.sniff(input);
        expectWellFormed(parser.parse(input), input, factory.format);
      }),
      { numRuns: RUNS },
    );
  });

  it('sniffs its own fixtures and treats truncated text as not JSON', () => {
    for (const name of fixtures) {
      const parser = factory.create();
      expect(parser.sniff(recordOf(fixture(name)))).toBe(true);
      const text = fixtureText(name);
      const truncated = recordOf(text.slice(0, text.length / 2));
      expect(parser.sniff(truncated)).toBe(false);
      expect(parser.parse(truncated)).toEqual({ ok: true, events: [] });
    }
  });

  it('keeps __proto__ keys as data and never reads inherited properties', () => {
    const own = JSON.parse('{"__proto__":{"CommandLine":"polluted"},"constructor":{"prototype":{"Image":"x"}}}');
    const ownInput = recordOf(own as Record<string, unknown>);
    expectWellFormed(factory.create().parse(ownInput), ownInput, factory.format);
    expect(({} as Record<string, unknown>).CommandLine).toBeUndefined();
    // A real record's fields placed on the prototype instead of the object must be invisible.
    for (const name of fixtures) {
      const inherited = recordOf(Object.create(fixture(name)) as Record<string, unknown>);
      expect(factory.create().sniff(inherited)).toBe(false);
      expect(factory.create().parse(inherited)).toEqual({ ok: true, events: [] });
    }
  });
});

describe('hostile values in otherwise valid records', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'never resolves an enum-like value such as %s to an Object.prototype member',
    (value) => {
      const record = { ...fixture('crowdstrike-pr2-vboxmanage-windows.json'), event_platform: value };
      const outcome = crowdStrikeFdrParser.create().parse(recordOf(record));
      expect(outcome.ok && typeof outcome.events[0]?.platform).toBe('string');
    },
  );

  it('rejects absurd times with missing-field instead of producing Invalid Date', () => {
    const record = {
      ...without(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 'ProcessStartTime'),
      timestamp: '9'.repeat(400),
    };
    const outcome = crowdStrikeFdrParser.create().parse(recordOf(record));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'missing-field' } });
  });

  it('refuses an MDE batch larger than the bound rather than walking it', () => {
    const records = new Array(10_001).fill(0);
    const outcome = mdeParser.create().parse(recordOf({ records }));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'envelope-too-large', format: 'mde' } });
  });

  it('ignores ECS dotted names deeper than the lookup bound', () => {
    const record = { ...fixture('ecs-defend-qemu-linux.json'), 'a.b.c.d.e.f.g.h': 1 };
    expect(ecsParser.create().parse(recordOf(record)).ok).toBe(true);
  });
});
