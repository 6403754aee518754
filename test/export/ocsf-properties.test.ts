import fc from 'fast-check';
import { toOcsf } from '../../lib/export/ocsf';
import type { EventCategory, EventFields, NormalizedEvent, Platform } from '../../lib/model';
import { ocsfParser } from '../../lib/sources/edr/ocsf';
import type { RecordInput } from '../../lib/sources/parser';

const CATEGORY_CLASS: Readonly<Partial<Record<EventCategory, number>>> = {
  process_creation: 1007,
  ps_script: 1009,
  service_install: 201004,
  container_launch: 6003,
  container_exec: 6003,
  cloud_api: 6003,
  alert: 2004,
  network_connection: 4001,
  dns_query: 4003,
  file_event: 1001,
  file_change: 1001,
  file_delete: 1001,
  file_rename: 1001,
  file_access: 1001,
  file_executable_detected: 1001,
  image_load: 1005,
  driver_load: 1002,
  registry_add: 201001,
  registry_set: 201002,
  // A key deletion unless EventType says DeleteValue (EventType is not generated here).
  registry_delete: 201001,
  registry_rename: 201001,
};

/**
 * The pieces of a field value that must survive export: mappings that split a value (hashes into fingerprints, a
 * registry value path into key and name, Sysmon's `a;b;` answers into OCSF answers) or say a Sysmon 'true'/'false'
 * with an enum (Initiated as direction_id, DestinationIsIpv6 as protocol_ver_id, Signed as the signature object).
 */
function piecesOf(name: string, value: string): string[] {
  if (name === 'Hashes') return value.split(',').map((part) => part.split('=')[1] ?? part);
  if (name === 'TargetObject') return value.split('\\').filter((piece) => piece !== '');
  if (name === 'QueryResults') return value.split(';').filter((piece) => piece !== '');
  if (['Initiated', 'DestinationIsIpv6', 'Signed'].includes(name) && ['true', 'false'].includes(value)) return [];
  return [value];
}

const text = fc.string({ maxLength: 40 });
const fieldsArbitrary: fc.Arbitrary<EventFields> = fc.record(
  {
    Image: text,
    CommandLine: text,
    ProcessId: fc.integer(),
    ParentImage: text,
    User: text,
    Hashes: fc.oneof(text, fc.constant('SHA256=ABC,MD5=12'), fc.constant('SHA256=ABC,junk')),
    Company: text,
    Description: text,
    Path: text,
    ParentCommandLine: text,
    ContainerName: text,
    Namespace: text,
    Actor: text,
    SourceIp: text,
    Message: text,
    FalcoRule: text,
    ScriptBlockText: text,
    Partial: fc.boolean(),
    ServiceName: text,
    ServiceType: text,
    StartType: text,
    ApiOperation: text,
    ApiResult: text,
    ContainerImage: text,
    PodName: text,
    Privileged: fc.boolean(),
    HostPathMounts: fc.array(text, { maxLength: 3 }),
    FalcoPriority: text,
    EventID: fc.integer(),
    Initiated: fc.oneof(text, fc.constantFrom('true', 'false')),
    Protocol: text,
    SourcePort: fc.integer(),
    DestinationIp: text,
    DestinationPort: fc.integer(),
    DestinationHostname: text,
    DestinationIsIpv6: fc.oneof(text, fc.constantFrom('true', 'false')),
    QueryName: text,
    QueryStatus: fc.oneof(text, fc.constant('0')),
    QueryResults: fc.oneof(text, fc.constant('192.0.2.1;192.0.2.2;')),
    TargetFilename: text,
    SourceFilename: text,
    TargetObject: fc.oneof(text, fc.constant('HKLM\\SOFTWARE\\Run\\x')),
    Details: text,
    EventType: text,
    NewName: text,
    ImageLoaded: text,
    Signed: fc.oneof(text, fc.constantFrom('true', 'false')),
    Signature: text,
    SignatureStatus: fc.oneof(text, fc.constantFrom('Valid', 'Expired')),
  },
  { requiredKeys: [] },
);

const eventArbitrary: fc.Arbitrary<NormalizedEvent> = fc
  .record({
    category: fc.constantFrom(...(Object.keys(CATEGORY_CLASS) as EventCategory[])),
    platform: fc.constantFrom<Platform>('windows', 'linux', 'macos', 'kubernetes', 'aws'),
    timeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    hostname: fc.option(text, { nil: undefined }),
    fields: fieldsArbitrary,
  })
  .map(({ category, platform, timeMs, hostname, fields }) => ({
    category,
    platform,
    timeMs,
    time: new Date(timeMs).toISOString(),
    host: hostname === undefined ? {} : { hostname },
    provenance: { envelope: 'file', index: 0, format: 'normalized' },
    fields,
  }));

describe('OCSF export properties', () => {
  it('maps any event to its class, with a type_uid derived from class and activity, as plain JSON', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const record = toOcsf(event);
        expect(record.class_uid).toBe(CATEGORY_CLASS[event.category]);
        expect(record.type_uid).toBe((record.class_uid as number) * 100 + (record.activity_id as number));
        expect(record.time).toBe(event.timeMs);
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });

  it('loses no field: every field is either mapped or under unmapped', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const serialized = JSON.stringify(toOcsf(event));
        for (const [name, value] of Object.entries(event.fields)) {
          if (typeof value !== 'string' || value === '') continue;
          for (const piece of piecesOf(name, value)) expect(serialized).toContain(JSON.stringify(piece).slice(1, -1));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('OCSF export read back by the OCSF parser', () => {
  it('gives back the process fields of a process_creation event', () => {
    const event: NormalizedEvent = {
      category: 'process_creation',
      platform: 'linux',
      time: '2026-11-27T13:20:11.512Z',
      timeMs: Date.parse('2026-11-27T13:20:11.512Z'),
      host: { hostname: 'ip-10-0-3-17', instanceId: 'i-0abc1234def567890', agentId: 'agent-1' },
      provenance: { envelope: 'file', index: 0, format: 'ecs', recordId: 'r-1' },
      fields: {
        Image: '/usr/bin/qemu-system-x86_64',
        CommandLine: 'qemu-system-x86_64 -nographic',
        ProcessId: 48211,
        ParentImage: '/usr/bin/bash',
        ParentCommandLine: '/bin/bash',
        ParentProcessId: 48100,
        User: 'ec2-user',
        Hashes: 'SHA256=9A8B7C6D',
      },
    };
    const json = toOcsf(event);
    const input: RecordInput = {
      text: JSON.stringify(json),
      json,
      position: { envelope: 'sqs', index: 0, messageId: 'm' },
      context: {},
    };
    const parser = ocsfParser.create();
    expect(parser.sniff(input)).toBe(true);
    const outcome = parser.parse(input);
    expect(outcome.ok && outcome.events[0]).toMatchObject({
      category: 'process_creation',
      platform: 'linux',
      timeMs: event.timeMs,
      host: event.host,
      fields: event.fields,
    });
  });
});
