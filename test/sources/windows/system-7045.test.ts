import { system7045Parser } from '../../../lib/sources/windows/system-7045';
import { fixture, inputOf, jsonInput, onlyError, onlyEvent } from './windows-test-kit';

const parser = system7045Parser;
const sniff = (text: string): boolean => parser.create().sniff(inputOf(text));

describe('system7045Parser', () => {
  it('is registered under the windows-system-7045 format', () => {
    expect(parser.format).toBe('windows-system-7045');
  });

  it('turns a 7045 kernel driver install (Event XML) into a service_install event', () => {
    const event = onlyEvent(parser, inputOf(fixture('system7045-vboxdrv.xml')));
    expect(event).toMatchObject({ category: 'service_install', platform: 'windows' });
    expect(event.fields).toEqual({
      ServiceName: 'VBoxDRV',
      ImagePath: 'C:\\Users\\Public\\vbox\\VBoxDRV.sys',
      ServiceType: 'kernel mode driver',
      StartType: 'demand start',
      EventID: 7045,
      Channel: 'System',
      Provider: 'Service Control Manager',
    });
    expect(event.time).toBe('2026-11-20T09:12:41.663Z');
    expect(event.host.hostname).toBe('FIN-WS042.corp.example.com');
    expect(event.provenance.recordId).toBe('51877');
  });

  it('reads Winlogbeat ECS rows with a string event_id', () => {
    const event = onlyEvent(parser, inputOf(fixture('system7045-vboxsup.winlogbeat-ecs.json')));
    expect(event.fields).toMatchObject({
      ServiceName: 'VBoxSup',
      ImagePath: '\\SystemRoot\\system32\\DRIVERS\\VBoxSup.sys',
      ServiceType: 'kernel mode driver',
      StartType: 'system start',
    });
    expect(event.fields).not.toHaveProperty('AccountName');
    expect(event.host.hostname).toBe('LAB-HOST-7');
  });

  it('reads NXLog rows, preferring @timestamp over the zone-less EventTime', () => {
    const event = onlyEvent(parser, inputOf(fixture('system7045-qemu-service.nxlog.json')));
    expect(event.fields).toMatchObject({ ServiceName: 'qemu-ga', AccountName: 'LocalSystem', StartType: 'auto start' });
    expect(event.fields.ImagePath).toContain('qemu-system-x86_64.exe');
    expect(event.time).toBe('2026-11-21T14:30:03.001Z');
  });

  it('reads Azure Event rows (EventLog/Source columns, EventData XML inside DataItem)', () => {
    const event = onlyEvent(parser, inputOf(fixture('system7045-azure-event.json')));
    expect(event.fields).toMatchObject({
      ServiceName: 'vmcompute',
      ImagePath: '%SystemRoot%\\system32\\vmcompute.exe',
      Channel: 'System',
      Provider: 'Service Control Manager',
    });
    expect(event.host.hostname).toBe('SRV-HV01');
  });

  it('reports a 7045 without ImagePath as a missing field', () => {
    const xml = fixture('system7045-vboxdrv.xml').replace(/<Data Name="ImagePath">[^<]*<\/Data>/, '');
    expect(onlyError(parser, inputOf(xml))).toMatchObject({ code: 'missing-field', format: 'windows-system-7045' });
  });

  it('returns nothing for other System events and refuses other logs', () => {
    const other = fixture('system7045-vboxdrv.xml').replace('>7045<', '>7036<');
    expect(parser.create().parse(inputOf(other))).toEqual({ ok: true, events: [] });
    expect(onlyError(parser, inputOf(fixture('sysmon1-vboxmanage-headless.xml'))).code).toBe('invalid-record');
  });

  it('claims 7045 records of every shape and nothing else', () => {
    for (const name of [
      'system7045-vboxdrv.xml',
      'system7045-vboxsup.winlogbeat-ecs.json',
      'system7045-qemu-service.nxlog.json',
      'system7045-azure-event.json',
    ]) {
      expect([name, sniff(fixture(name))]).toEqual([name, true]);
    }
    expect(sniff(fixture('security4688-vboxheadless.xml'))).toBe(false);
    expect(sniff(fixture('system7045-vboxdrv.xml').replace('>7045<', '>7036<'))).toBe(false);
    expect(sniff(JSON.stringify({ EventID: 7045, Message: 'A service was installed' }))).toBe(false);
  });

  it('claims a 7045 row without channel or provider only when it carries ServiceName', () => {
    const bare = {
      EventID: 7045,
      Hostname: 'h',
      ServiceName: 'x',
      ImagePath: 'y',
      '@timestamp': '2026-01-01T00:00:00Z',
    };
    expect(parser.create().sniff(jsonInput(bare))).toBe(true);
    const { ServiceName: _dropped, ...withoutName } = bare;
    expect(parser.create().sniff(jsonInput(withoutName))).toBe(false);
  });
});
