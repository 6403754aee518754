import fc from 'fast-check';
import { sysmonLinuxParser } from '../../../lib/sources/linux/sysmon-linux';
import type { ParseOutcome } from '../../../lib/sources/parser';
import { fixtureLines, INSTANCE_STREAM, recordInput } from './record-input';

function parseOne(text: string, context = {}, timestampMs?: number): ParseOutcome {
  return sysmonLinuxParser.create().parse(recordInput(text, 0, context, timestampMs));
}

function eventOf(outcome: ParseOutcome) {
  expect(outcome.ok).toBe(true);
  if (!outcome.ok) throw new Error(outcome.error.reason);
  expect(outcome.events).toHaveLength(1);
  return outcome.events[0]!;
}

const VIRSH_FIELDS = {
  Image: '/usr/bin/virsh',
  CommandLine: 'virsh start win10-sandbox',
  CurrentDirectory: '/home/alice',
  ProcessGuid: '{5d4b1a30-3a1f-6747-c8a1-0b3b7e550000}',
  ProcessId: 30211,
  ParentImage: '/usr/bin/bash',
  ParentCommandLine: '-bash',
  ParentProcessGuid: '{5d4b1a30-3a0e-6747-f0e2-5a1c6b550000}',
  ParentProcessId: 30190,
  User: 'alice',
  LogonId: '0',
  IntegrityLevel: 'no level',
  Hashes: 'SHA256=8C2A3F0E6B0F36E1A7BE1AC2B5C4C8B2A8E7E0E52E3D37C0C9D0A7E5C1D2B3A4',
  EventID: 1,
  Channel: 'Linux-Sysmon/Operational',
  Provider: 'Linux-Sysmon',
};

describe('Sysmon for Linux parser', () => {
  describe.each([
    ['an RFC 3164 syslog line', 'linux/sysmon-linux-virsh-rfc3164.log'],
    ['an RFC 5424 syslog line', 'linux/sysmon-linux-virsh-rfc5424.log'],
    ['a bare XML line', 'linux/sysmon-linux-virsh-bare.xml'],
    ['an Azure Log Analytics Syslog row', 'linux/sysmon-linux-virsh-azure-row.json'],
    ['a journald JSON export', 'linux/sysmon-linux-virsh-journald.json'],
  ])('Event ID 1 for `virsh start` (T1564.006) in %s', (_shape, fixture) => {
    const text = fixtureLines(fixture)[0]!;

    it('is claimed by sniff', () => {
      expect(sysmonLinuxParser.create().sniff(recordInput(text))).toBe(true);
    });

    it('becomes a linux process_creation event with the Sysmon field names', () => {
      const event = eventOf(parseOne(text));
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('linux');
      expect(event.fields).toEqual(VIRSH_FIELDS);
    });

    it('is timed by UtcTime, the process start', () => {
      expect(eventOf(parseOne(text)).time).toBe('2026-11-27T10:20:31.412Z');
    });

    it('names the host after the event Computer and keeps the log stream', () => {
      expect(eventOf(parseOne(text, { logStream: INSTANCE_STREAM })).host).toEqual({
        hostname: 'kvm-host-02',
        logStream: INSTANCE_STREAM,
        instanceId: INSTANCE_STREAM,
      });
    });

    it('keeps the Sysmon data and System values in raw under their own names', () => {
      const event = eventOf(parseOne(text));
      expect(event.raw).toMatchObject({ ParentUser: 'alice', TerminalSessionId: '3', EventRecordID: '88412' });
      expect(event.provenance.recordId).toBe('88412');
    });
  });

  describe('host and time fallbacks', () => {
    const bare = fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!;

    it('falls back to the syslog header host when the XML has no Computer', () => {
      const withoutComputer = bare.replace('<Computer>kvm-host-02</Computer>', '');
      expect(eventOf(parseOne(`Nov 27 10:20:31 kvm-host-02.lab sysmon: ${withoutComputer}`)).host.hostname).toBe(
        'kvm-host-02.lab',
      );
    });

    it('falls back to the syslog header host when the XML Computer is "-"', () => {
      const dash = bare.replace('<Computer>kvm-host-02</Computer>', '<Computer>-</Computer>');
      expect(eventOf(parseOne(`Nov 27 10:20:31 kvm-host-02 sysmon: ${dash}`)).host.hostname).toBe('kvm-host-02');
    });

    it('falls back to the Azure row Computer when the XML has no Computer', () => {
      const row = JSON.parse(fixtureLines('linux/sysmon-linux-virsh-azure-row.json')[0]!) as Record<string, string>;
      row['SyslogMessage'] = row['SyslogMessage']!.replace('<Computer>kvm-host-02</Computer>', '');
      row['Computer'] = 'azure-vm-7';
      expect(eventOf(parseOne(JSON.stringify(row))).host.hostname).toBe('azure-vm-7');
    });

    it('falls back to TimeCreated, then to the envelope timestamp, when UtcTime is absent', () => {
      const noUtc = bare.replace(/<Data Name="UtcTime">[^<]*<\/Data>/, '');
      expect(eventOf(parseOne(noUtc)).time).toBe('2026-11-27T10:20:31.415Z');
      const noTimes = noUtc.replace(/<TimeCreated [^>]*\/>/, '');
      expect(eventOf(parseOne(noTimes, {}, Date.UTC(2026, 10, 27, 11))).time).toBe('2026-11-27T11:00:00.000Z');
    });

    it('refuses an event with no time anywhere as missing-field', () => {
      const noTimes = bare.replace(/<Data Name="UtcTime">[^<]*<\/Data>/, '').replace(/<TimeCreated [^>]*\/>/, '');
      const outcome = parseOne(noTimes);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });
  });

  describe('records that produce no event', () => {
    it('reads a network connection (ID 3) as network_connection with Sigma fields', () => {
      const event = eventOf(parseOne(fixtureLines('linux/sysmon-linux-network-event3.log')[0]!));
      expect(event.category).toBe('network_connection');
      expect(event.platform).toBe('linux');
      expect(event.fields).toMatchObject({
        Image: '/usr/bin/qemu-system-x86_64',
        Initiated: 'true',
        SourceIp: '10.0.4.17',
        SourcePort: 51234,
        DestinationIp: '10.0.4.1',
        DestinationPort: 443,
        EventID: 3,
      });
    });

    it('reads a file create (ID 11) as file_event and a file delete (ID 23) as file_delete', () => {
      const [created, deleted] = fixtureLines('linux/sysmon-linux-file-events.log');
      const create = eventOf(parseOne(created!));
      expect(create.category).toBe('file_event');
      expect(create.fields).toMatchObject({ Image: '/usr/bin/curl', TargetFilename: '/tmp/.cache/alpine.qcow2' });
      const remove = eventOf(parseOne(deleted!));
      expect(remove.category).toBe('file_delete');
      expect(remove.fields).toMatchObject({ TargetFilename: '/tmp/.cache/alpine.qcow2', IsExecutable: 'false' });
    });

    it('refuses a file create (ID 11) without TargetFilename as missing-field, naming the field', () => {
      const created = fixtureLines('linux/sysmon-linux-file-events.log')[0]!.replace(
        /<Data Name="TargetFilename">[^<]*<\/Data>/,
        '',
      );
      const outcome = parseOne(created);
      expect(outcome.ok ? 'ok' : outcome.error).toMatchObject({
        code: 'missing-field',
        reason: 'Sysmon event 11 (file created) without TargetFilename',
      });
    });

    it('refuses Windows Sysmon XML: the provider is not Linux-Sysmon', () => {
      const windows = fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!.replace(
        'Name="Linux-Sysmon"',
        'Name="Microsoft-Windows-Sysmon"',
      );
      const outcome = parseOne(windows);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('invalid-record');
    });

    it('refuses an Event ID 1 without Image as missing-field', () => {
      const noImage = fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!.replace(
        /<Data Name="Image">[^<]*<\/Data>/,
        '',
      );
      const outcome = parseOne(noImage);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it.each([
      ['a syslog line without XML', 'Nov 27 10:20:31 kvm-host-02 sysmon: started'],
      ['XML behind text that is no syslog header', 'garbage <Event><System/></Event>'],
      [
        'a DOCTYPE (entity expansion)',
        '<!DOCTYPE e [<!ENTITY x "y">]><Event><System><Provider Name="Linux-Sysmon"/></System></Event>',
      ],
      ['mismatched tags', '<Event><System><Provider Name="Linux-Sysmon"/></Event></System>'],
    ])('refuses %s with a positioned invalid-record error', (_label, text) => {
      const input = recordInput(text, 4);
      const outcome = sysmonLinuxParser.create().parse(input);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe('invalid-record');
        expect(outcome.error.position).toEqual(input.position);
      }
    });

    it('refuses a JSON row without a message column as missing-field', () => {
      const outcome = parseOne('{"Computer":"UBUNTU5","Type":"Syslog"}');
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it('does not claim auditd lines, plain syslog, Windows Sysmon or unrelated JSON', () => {
      const parser = sysmonLinuxParser.create();
      expect(parser.sniff(recordInput(fixtureLines('linux/auditd-qemu-node.log')[0]!))).toBe(false);
      expect(parser.sniff(recordInput('Nov 27 10:20:31 host sshd[1]: Accepted publickey'))).toBe(false);
      expect(
        parser.sniff(recordInput('<Event><System><Provider Name="Microsoft-Windows-Sysmon"/></System></Event>')),
      ).toBe(false);
      expect(parser.sniff(recordInput('{"event_type":9,"event":{}}'))).toBe(false);
    });
  });

  describe('hostile input', () => {
    const real = [
      ...fixtureLines('linux/sysmon-linux-virsh-rfc3164.log'),
      ...fixtureLines('linux/sysmon-linux-virsh-azure-row.json'),
      ...fixtureLines('linux/sysmon-linux-virsh-rfc5424.log'),
    ];

    function expectTyped(outcome: ParseOutcome, index: number): void {
      if (outcome.ok) return;
      expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
      expect(outcome.error.format).toBe('sysmon-linux');
      expect(outcome.error.position.index).toBe(index);
    }

    it('refuses every record of the hostile fixture with a typed, positioned error', () => {
      fixtureLines('linux/sysmon-linux-hostile.log').forEach((line, index) => {
        const outcome = sysmonLinuxParser.create().parse(recordInput(line, index));
        expect(outcome.ok).toBe(false);
        expectTyped(outcome, index);
      });
    });

    it('keeps __proto__ data names as data', () => {
      const text = fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!.replace(
        '</EventData>',
        '<Data Name="__proto__">x</Data><Data Name="constructor">y</Data></EventData>',
      );
      const event = eventOf(parseOne(text));
      expect(Object.hasOwn(event.raw!, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    });

    it('survives deeply nested elements and a megabyte of unclosed tags', () => {
      const deep = `<Event>${'<a>'.repeat(5000)}Linux-Sysmon`;
      expectTyped(parseOne(deep), 0);
      expectTyped(parseOne(`<Event><System><Provider Name="Linux-Sysmon"/>${'<Data Name="x">'.repeat(100_000)}`), 0);
    });

    it('never throws on arbitrary text', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(50), (text, index) => {
          expectTyped(sysmonLinuxParser.create().parse(recordInput(text, index)), index);
        }),
      );
    });

    it('never throws on mutated real records', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...real),
          fc.array(
            fc.record({
              at: fc.nat(),
              cut: fc.boolean(),
              insert: fc.constantFrom('<', '>', '&', '"', '</Data>', '&quot', 'é', '\u0000'),
            }),
            {
              maxLength: 5,
            },
          ),
          (line, mutations) => {
            const text = mutations.reduce((current, { at, cut, insert }) => {
              const position = current.length === 0 ? 0 : at % current.length;
              return cut
                ? current.slice(0, position)
                : current.slice(0, position) + insert + current.slice(position + 1);
            }, line);
            expectTyped(sysmonLinuxParser.create().parse(recordInput(text, 3)), 3);
          },
        ),
      );
    });
  });
});
