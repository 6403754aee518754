import { security4688Parser } from '../../../lib/sources/windows/security-4688';
import { fixture, inputOf, jsonInput, onlyError, onlyEvent } from './windows-test-kit';

const parser = security4688Parser;
const sniff = (text: string): boolean => parser.create().sniff(inputOf(text));
const row = (name: string): Record<string, unknown> => JSON.parse(fixture(name)) as Record<string, unknown>;

describe('security4688Parser', () => {
  it('is registered under the windows-security-4688 format', () => {
    expect(parser.format).toBe('windows-security-4688');
  });

  describe('Event XML', () => {
    it('maps 4688 data to Sigma process_creation fields', () => {
      const event = onlyEvent(parser, inputOf(fixture('security4688-vboxheadless.xml')));
      expect(event).toMatchObject({ category: 'process_creation', platform: 'windows' });
      expect(event.fields).toEqual({
        Image: 'C:\\Users\\Public\\vbox\\VBoxHeadless.exe',
        CommandLine:
          '"C:\\Users\\Public\\vbox\\VBoxHeadless.exe" --comment win7 --startvm 5a1f2c3d-0000-4e5f-8a9b-112233445566 --vrde config',
        ParentImage: 'C:\\Users\\Public\\vbox\\VBoxManage.exe',
        User: 'CORP\\j.doe',
        LogonId: '0x2b7e4a',
        ProcessId: 0x1c90,
        ParentProcessId: 0x1748,
        IntegrityLevel: 'High',
        EventID: 4688,
        Channel: 'Security',
        Provider: 'Microsoft-Windows-Security-Auditing',
      });
      expect(event.time).toBe('2026-11-20T09:14:04.102Z');
      expect(event.host.hostname).toBe('FIN-WS042.corp.example.com');
      expect(event.provenance).toMatchObject({ format: 'windows-security-4688', recordId: '2301877' });
    });

    it('reports a 4688 without NewProcessName as a missing field', () => {
      const xml = fixture('security4688-vboxheadless.xml').replace(/<Data Name="NewProcessName">[^<]*<\/Data>/, '');
      expect(onlyError(parser, inputOf(xml))).toMatchObject({
        code: 'missing-field',
        reason: expect.stringMatching(/NewProcessName/),
      });
    });

    it('returns nothing for other Security events (valid, irrelevant) and refuses other logs', () => {
      const logon = fixture('security4688-vboxheadless.xml').replace(
        '<EventID>4688</EventID>',
        '<EventID>4624</EventID>',
      );
      expect(parser.create().parse(inputOf(logon))).toEqual({ ok: true, events: [] });
      expect(onlyError(parser, inputOf(fixture('system7045-vboxdrv.xml'))).code).toBe('invalid-record');
    });
  });

  describe('JSON shapes', () => {
    it('uses the Target account (the account the process runs as) when 4688 names one', () => {
      const event = onlyEvent(parser, inputOf(fixture('security4688-runas.winlogbeat-ecs.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VirtualBoxVM.exe',
        User: 'CORP\\svc-lab',
        LogonId: '0x8f21c3',
        ParentImage: 'C:\\Windows\\System32\\runas.exe',
        ProcessId: 0x2a4c,
        ParentProcessId: 0x1f08,
        IntegrityLevel: 'Medium',
        EventID: 4688,
      });
      expect(event.host.hostname).toBe('BUILD-01.corp.example.com');
      expect(event.time).toBe('2026-11-20T10:02:13.440Z');
    });

    it('uses the Subject account when the Target is "-"', () => {
      const event = onlyEvent(parser, inputOf(fixture('shippers/security4688-azure.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Windows\\System32\\Robocopy.exe',
        User: 'CORP\\svc-backup',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
        ProcessId: 0x1f4c,
        ParentProcessId: 0x9a8,
        IntegrityLevel: 'High',
      });
      expect(event.fields.CommandLine).toMatch(/^robocopy {2}D:\\Shares\\Finance /);
      expect(event.host.hostname).toBe('FS02.corp.example');
      expect(event.time).toBe('2026-10-14T22:00:03.214Z');
    });

    it('reads Azure SecurityEvent rows whose EventData is an XML string, decoding entities', () => {
      const event = onlyEvent(parser, inputOf(fixture('security4688-azure-eventdata-xml.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Windows\\System32\\wsl.exe',
        CommandLine: 'wsl.exe -d Ubuntu -- bash -c "nohup ./agent &"',
        User: 'CORP\\j.doe',
        IntegrityLevel: 'Medium',
        Provider: 'Microsoft-Windows-Security-Auditing',
      });
    });

    it('refuses an Azure row whose EventData XML is broken', () => {
      const broken = row('security4688-azure-eventdata-xml.json');
      broken['EventData'] = '<EventData><Data Name="NewProcessName">x</Data>';
      expect(onlyError(parser, jsonInput(broken))).toMatchObject({
        code: 'invalid-record',
        reason: expect.stringMatching(/EventData XML/),
      });
    });

    it('reads winlogbeat 6 (2019 layout) and NXLog-through-Logstash rows', () => {
      const winlogbeat = onlyEvent(parser, inputOf(fixture('shippers/security4688-winlogbeat2019.json')));
      expect(winlogbeat.fields).toMatchObject({
        Image: 'C:\\Windows\\System32\\svchost.exe',
        User: 'NT AUTHORITY\\LOCAL SERVICE', // the Target, not the Subject CORP\FS01$
        ParentImage: 'C:\\Windows\\System32\\services.exe',
        ProcessId: 0x1a2c,
        ParentProcessId: 0x2d0,
        IntegrityLevel: 'System',
      });
      expect(winlogbeat.host.hostname).toBe('FS01.corp.example');
      expect(winlogbeat.time).toBe('2026-10-14T06:12:55.480Z');
      const nxlog = onlyEvent(parser, inputOf(fixture('shippers/security4688-nxlog-logstash.json')));
      expect(nxlog.fields).toMatchObject({
        Image: 'MemCompression',
        ProcessId: 0x9c0,
        IntegrityLevel: 'System',
        Channel: 'security',
      });
      expect(nxlog.fields).not.toHaveProperty('User'); // Subject and Target are both "-"
      expect(nxlog.host.hostname).toBe('WS-OPS04.corp.example');
      expect(nxlog.time).toBe('2026-10-14T05:31:18.904Z'); // @timestamp, not the zone-less local EventTime
    });

    it('keeps the original JSON object as raw', () => {
      const source = row('shippers/security4688-nxlog.json');
      expect(onlyEvent(parser, jsonInput(source)).raw).toEqual(source);
    });

    it('reports a 4688 row without NewProcessName as a missing field', () => {
      const source = row('shippers/security4688-nxlog.json');
      delete source['NewProcessName'];
      expect(onlyError(parser, jsonInput(source)).code).toBe('missing-field');
    });

    it('keeps an unknown mandatory label as written and drops a non-numeric process id', () => {
      const source = row('shippers/security4688-nxlog.json');
      source['MandatoryLabel'] = 'S-1-16-99999';
      source['NewProcessId'] = 'not-a-pid';
      const { fields } = onlyEvent(parser, jsonInput(source));
      expect(fields.IntegrityLevel).toBe('S-1-16-99999');
      expect(fields).not.toHaveProperty('ProcessId');
    });
  });

  describe('sniff', () => {
    it('claims 4688 records of every shape', () => {
      for (const name of [
        'security4688-vboxheadless.xml',
        'security4688-runas.winlogbeat-ecs.json',
        'security4688-azure-eventdata-xml.json',
        'shippers/security4688-azure.json',
        'shippers/security4688-winlogbeat2019.json',
        'shippers/security4688-nxlog.json',
        'shippers/security4688-nxlog-logstash.json',
      ]) {
        expect([name, sniff(fixture(name))]).toEqual([name, true]);
      }
    });

    it('claims a 4688 row that names no channel but carries NewProcessName', () => {
      const source = row('shippers/security4688-nxlog.json');
      delete source['Channel'];
      delete source['SourceName'];
      expect(parser.create().sniff(jsonInput(source))).toBe(true);
    });

    it('does not claim Sysmon, 7045, 4104, other Security events or a 4688 with a non-integer EventID', () => {
      const source = row('shippers/security4688-nxlog.json');
      source['EventID'] = 4688.5;
      for (const text of [
        fixture('sysmon1-vboxmanage-headless.xml'),
        fixture('system7045-vboxdrv.xml'),
        fixture('powershell4104-hyperv-part1of3.xml'),
        fixture('security4688-vboxheadless.xml').replace('<EventID>4688</EventID>', '<EventID>4689</EventID>'),
        JSON.stringify(source),
      ]) {
        expect(sniff(text)).toBe(false);
      }
    });
  });
});
