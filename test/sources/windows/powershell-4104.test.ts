import type { NormalizedEvent } from '../../../lib/model';
import { createPowerShell4104Parser, powershell4104Parser } from '../../../lib/sources/windows/powershell-4104';
import { fixture, inputOf, jsonInput, onlyError, onlyEvent, runBatch } from './windows-test-kit';

const parser = powershell4104Parser;
const part = (n: number): string => fixture(`powershell4104-hyperv-part${n}of3.xml`);
const FULL_SCRIPT = fixture('powershell4104-hyperv-full-script.txt');

/** A split script block as NXLog rows: `total` parts of `size` characters each, on one host. */
function splitRows(id: string, total: number, size = 10, host = 'WS-1'): Record<string, unknown>[] {
  return Array.from({ length: total }, (_, i) => ({
    EventID: 4104,
    Channel: 'Microsoft-Windows-PowerShell/Operational',
    SourceName: 'Microsoft-Windows-PowerShell',
    Hostname: host,
    '@timestamp': `2026-11-20T09:00:0${i % 10}.000Z`,
    MessageNumber: String(i + 1),
    MessageTotal: String(total),
    ScriptBlockId: id,
    ScriptBlockText: String(i + 1).padEnd(size, '.'),
  }));
}

describe('powershell4104Parser', () => {
  it('is registered under the powershell-4104 format', () => {
    expect(parser.format).toBe('powershell-4104');
  });

  describe('single-part script blocks', () => {
    it('turns a PowerShell 7 (PowerShellCore) Winlogbeat ECS row into a ps_script event', () => {
      const event = onlyEvent(parser, inputOf(fixture('powershell4104-core.winlogbeat-ecs.json')));
      expect(event).toMatchObject({ category: 'ps_script', platform: 'windows' });
      expect(event.fields).toEqual({
        ScriptBlockText:
          'Enable-WindowsOptionalFeature -Online -FeatureName Containers-DisposableClientVM -All -NoRestart',
        ScriptBlockId: '0d6f2b7e-8a41-4c39-b1e2-5f7a9c3d2e10',
        MessageNumber: 1,
        MessageTotal: 1,
        EventID: 4104,
        Channel: 'PowerShellCore/Operational',
        Provider: 'PowerShellCore',
      });
      expect(event.host.hostname).toBe('DEV-WS-3.corp.example.com');
    });

    it('reads NXLog (through Logstash) and winlogbeat 6 (2019 layout) rows', () => {
      const nxlog = onlyEvent(parser, inputOf(fixture('shippers/powershell4104-nxlog-logstash.json')));
      expect(nxlog.fields).toMatchObject({
        ScriptBlockText: 'Get-Service -Name W32Time | Select-Object Status, StartType',
        ScriptBlockId: 'b31c9e07-5d2a-4a6f-8e14-c0f7a2d95b38',
      });
      expect(nxlog.host.hostname).toBe('WS-DEV09.corp.example'); // Hostname, not the forwarder in `host`
      const winlogbeat = onlyEvent(parser, inputOf(fixture('shippers/powershell4104-winlogbeat2019.json')));
      expect(winlogbeat.fields.ScriptBlockText).toMatch(/^\$cutoff = \(Get-Date\)\.AddDays\(-30\)\n/);
      expect(winlogbeat.fields.ScriptBlockText).toMatch(/-Update$/);
      expect(winlogbeat.fields.ScriptBlockId).toBe('c7e2a5d1-0b94-4f3e-8a61-2d9f5b7c3e08');
      expect(winlogbeat.host.hostname).toBe('WEB03.corp.example'); // computer_name, not the beat
    });

    it('keeps an empty script block (ScriptBlockText null) as an event with empty text', () => {
      const event = onlyEvent(parser, inputOf(fixture('shippers/powershell4104-nxlog.json')));
      expect(event.fields.ScriptBlockText).toBe('');
      expect(event.fields).not.toHaveProperty('Path');
    });

    it('recovers the script block from the rendered Message when the collector kept only that', () => {
      // Part 4 of 13, alone in its batch: emitted at flush, partial
      const source = JSON.parse(fixture('shippers/powershell4104-nxlog-message-only.json')) as Record<string, unknown>;
      expect(source).not.toHaveProperty('ScriptBlockText');
      const event = onlyEvent(parser, jsonInput(source));
      expect(event.fields.ScriptBlockText).toMatch(/^ntoryRecord\]::new\(\$row\.Name, \$row\.Site\)\r\n/);
      expect(event.fields.ScriptBlockText).toMatch(/-NoTypeInfo$/);
      expect(event.fields).toMatchObject({
        ScriptBlockId: '5a8f3c12-9e4b-4d07-b2a6-71c0e8d4f935',
        MessageNumber: 4,
        MessageTotal: 13,
        Partial: true,
      });
      expect(event.fields).not.toHaveProperty('Path');
    });

    it('reports a 4104 with neither ScriptBlockText nor a rendered message as a missing field', () => {
      const source = JSON.parse(fixture('shippers/powershell4104-nxlog-message-only.json')) as Record<string, unknown>;
      source['Message'] = 'Something else entirely';
      expect(onlyError(parser, jsonInput(source))).toMatchObject({ code: 'missing-field', format: 'powershell-4104' });
    });

    it('refuses impossible part numbers', () => {
      for (const [number, total] of [
        ['0', '3'],
        ['4', '3'],
        ['1', '1000000'],
      ]) {
        const [row] = splitRows('id', 3);
        const error = onlyError(parser, jsonInput({ ...row, MessageNumber: number, MessageTotal: total }));
        expect(error.code).toBe('invalid-record');
      }
    });

    it('returns nothing for other PowerShell events and refuses other logs', () => {
      const other = part(1).replace('<EventID>4104</EventID>', '<EventID>4103</EventID>');
      expect(parser.create().parse(inputOf(other))).toEqual({ ok: true, events: [] });
      expect(onlyError(parser, inputOf(fixture('system7045-vboxdrv.xml'))).code).toBe('invalid-record');
    });
  });

  describe('split script blocks', () => {
    it('reassembles a script split in 3 parts, arriving out of order, into one event', () => {
      // Prepare: part 2 arrives first, then 1, then 3
      const inputs = [part(2), part(1), part(3)].map((text, index) => inputOf(text, { index }));
      const instance = parser.create();
      // Act
      const outcomes = inputs.map((input) => instance.parse(input));
      // Assess: nothing until the last part, then exactly one event
      expect(outcomes.slice(0, 2)).toEqual([
        { ok: true, events: [] },
        { ok: true, events: [] },
      ]);
      const last = outcomes[2];
      expect(last?.ok && last.events).toHaveLength(1);
      const event = (last?.ok ? last.events[0] : undefined) as NormalizedEvent;
      expect(event.fields.ScriptBlockText).toBe(FULL_SCRIPT);
      expect(event.fields.ScriptBlockText).toContain('New-VM -Name');
      expect(event.fields.ScriptBlockText).toContain(
        'Set-VMProcessor -VMName $vmName -Count 2 -ExposeVirtualizationExtensions $true',
      );
      expect(event.fields.ScriptBlockText).toContain('Start-VM -Name');
      expect(event.fields).toMatchObject({
        ScriptBlockId: '6f1c8a52-3d4e-4b7a-9c21-0e5d7f3a9b14',
        Path: 'C:\\ProgramData\\hv\\provision.ps1',
        MessageNumber: 1,
        MessageTotal: 3,
      });
      expect(event.fields).not.toHaveProperty('Partial');
      // Time, host and provenance come from part 1
      expect(event.time).toBe('2026-11-20T09:20:31.440Z');
      expect(event.provenance).toMatchObject({ index: 1, recordId: '40301' });
      expect(instance.flush?.()).toEqual([]);
    });

    it('emits an incomplete script at flush with what arrived, marked Partial, never dropped', () => {
      const { events, errors } = runBatch(parser, [inputOf(part(1)), inputOf(part(3))]);
      expect(errors).toEqual([]);
      expect(events).toHaveLength(1);
      expect(events[0]?.fields).toMatchObject({ Partial: true, MessageNumber: 1, MessageTotal: 3 });
      expect(events[0]?.fields.ScriptBlockText).toContain('New-VM');
      expect(events[0]?.fields.ScriptBlockText).toMatch(/\n-VM -Name \$vmName\r\n$/);
      expect(events[0]?.fields.ScriptBlockText).not.toContain('-ExposeVirtualizationExtensions');
    });

    it('ignores a re-delivered part', () => {
      const { events } = runBatch(
        parser,
        [part(1), part(1), part(2), part(3)].map((text) => inputOf(text)),
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.fields.ScriptBlockText).toBe(FULL_SCRIPT);
    });

    it('keeps blocks with the same id on different hosts apart', () => {
      const rows = [...splitRows('same-id', 2, 10, 'HOST-A'), ...splitRows('same-id', 2, 10, 'HOST-B')];
      const { events } = runBatch(
        parser,
        rows.map((row) => jsonInput(row)),
      );
      expect(events.map((event) => [event.host.hostname, event.fields.ScriptBlockText, event.fields.Partial])).toEqual([
        ['HOST-A', '1.........2.........', undefined],
        ['HOST-B', '1.........2.........', undefined],
      ]);
    });

    it('emits the oldest incomplete block as partial when too many blocks are pending', () => {
      const instance = createPowerShell4104Parser({ maxPendingGroups: 2, maxPendingChars: 1_000_000 });
      const firstParts = ['a', 'b', 'c'].map((id) => jsonInput(splitRows(id, 2)[0]));
      const outcomes = firstParts.map((input) => instance.parse(input));
      const evicted = outcomes[2];
      expect(outcomes.slice(0, 2)).toEqual([
        { ok: true, events: [] },
        { ok: true, events: [] },
      ]);
      expect(evicted?.ok && evicted.events.map((event) => [event.fields.ScriptBlockId, event.fields.Partial])).toEqual([
        ['a', true],
      ]);
      const flushed = instance.flush?.() ?? [];
      expect(
        flushed.flatMap((outcome) => (outcome.ok ? outcome.events.map((e) => e.fields.ScriptBlockId) : [])),
      ).toEqual(['b', 'c']);
    });

    it('emits the oldest incomplete block as partial when pending text exceeds the byte bound', () => {
      const instance = createPowerShell4104Parser({ maxPendingGroups: 100, maxPendingChars: 25 });
      const first = instance.parse(jsonInput(splitRows('a', 3, 20)[0]));
      const second = instance.parse(jsonInput(splitRows('b', 3, 20)[0]));
      expect(first).toEqual({ ok: true, events: [] });
      expect(second.ok && second.events.map((event) => event.fields.ScriptBlockId)).toEqual(['a']);
    });

    it('never loses a part: every record of a 50-part block lands in the one emitted event', () => {
      const rows = splitRows('big', 50, 100);
      const { events } = runBatch(
        parser,
        rows.reverse().map((row, index) => jsonInput(row, { index })),
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.fields.ScriptBlockText).toHaveLength(50 * 100);
      expect(events[0]?.fields.ScriptBlockText?.startsWith('1....')).toBe(true);
    });

    it('marks a split part without ScriptBlockId as partial instead of guessing its siblings', () => {
      const [row] = splitRows('x', 2);
      const { ScriptBlockId: _id, ...withoutId } = row as Record<string, unknown>;
      const event = onlyEvent(parser, jsonInput(withoutId));
      expect(event.fields).toMatchObject({ Partial: true, MessageNumber: 1, MessageTotal: 2 });
    });
  });

  describe('sniff', () => {
    it('claims 4104 records of every shape', () => {
      for (const name of [
        'powershell4104-hyperv-part1of3.xml',
        'powershell4104-core.winlogbeat-ecs.json',
        'shippers/powershell4104-nxlog.json',
        'shippers/powershell4104-nxlog-logstash.json',
        'shippers/powershell4104-nxlog-message-only.json',
        'shippers/powershell4104-winlogbeat2019.json',
      ]) {
        expect([name, parser.create().sniff(inputOf(fixture(name)))]).toEqual([name, true]);
      }
    });

    it('does not claim other events', () => {
      for (const name of [
        'sysmon1-vboxmanage-headless.xml',
        'security4688-vboxheadless.xml',
        'system7045-vboxdrv.xml',
      ]) {
        expect(parser.create().sniff(inputOf(fixture(name)))).toBe(false);
      }
      expect(parser.create().sniff(inputOf(part(1).replace('>4104<', '>4103<')))).toBe(false);
    });
  });
});
