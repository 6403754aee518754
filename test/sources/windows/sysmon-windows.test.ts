import { sysmonWindowsParser } from '../../../lib/sources/windows/sysmon-windows';
import { fixture, inputOf, jsonInput, onlyError, onlyEvent } from './windows-test-kit';

const parser = sysmonWindowsParser;
const sniff = (text: string): boolean => parser.create().sniff(inputOf(text));

describe('sysmonWindowsParser', () => {
  it('is registered under the sysmon-windows format', () => {
    expect(parser.format).toBe('sysmon-windows');
    expect(parser.create().format).toBe('sysmon-windows');
  });

  describe('Event XML (CloudWatch agent, event_format xml)', () => {
    it('turns Sysmon event 1 into a Windows process_creation event with the Sysmon fields', () => {
      // Prepare
      const input = inputOf(fixture('sysmon1-vboxmanage-headless.xml'), {
        context: { logStream: 'i-0abc1234def567890' },
      });
      // Act
      const event = onlyEvent(parser, input);
      // Assess
      expect(event).toMatchObject({ category: 'process_creation', platform: 'windows' });
      expect(event.fields).toEqual({
        Image: 'C:\\Users\\Public\\vbox\\VBoxManage.exe',
        OriginalFileName: 'VBoxManage.exe',
        CommandLine: '"C:\\Users\\Public\\vbox\\VBoxManage.exe" startvm "win7&tools" --type headless',
        CurrentDirectory: 'C:\\Users\\Public\\vbox\\',
        ProcessId: 7312,
        ProcessGuid: '{8c1f2a3b-e71b-6739-5c05-000000002a00}',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
        ParentCommandLine: 'cmd.exe /c C:\\Users\\Public\\vbox\\run.bat',
        ParentProcessId: 6120,
        ParentProcessGuid: '{8c1f2a3b-e6f0-6739-4105-000000002a00}',
        User: 'CORP\\j.doe',
        LogonId: '0x2B7E4A',
        IntegrityLevel: 'High',
        Hashes:
          'SHA256=3B4C7A0E1F5D2C9B8A7F6E5D4C3B2A1908F7E6D5C4B3A29180F7E6D5C4B3A291,IMPHASH=0A1B2C3D4E5F60718293A4B5C6D7E8F9',
        Product: 'Oracle VM VirtualBox',
        Company: 'Oracle Corporation',
        Description: 'VirtualBox Interface',
        FileVersion: '6.1.50.161033',
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Provider: 'Microsoft-Windows-Sysmon',
      });
    });

    it('takes the time from UtcTime, the host from Computer, and keeps the log stream and instance id', () => {
      const event = onlyEvent(
        parser,
        inputOf(fixture('sysmon1-vboxmanage-headless.xml'), { context: { logStream: 'i-0abc1234def567890' } }),
      );
      expect(event.time).toBe('2026-11-20T09:14:03.551Z');
      expect(event.timeMs).toBe(Date.parse('2026-11-20T09:14:03.551Z'));
      expect(event.host).toEqual({
        hostname: 'FIN-WS042.corp.example.com',
        logStream: 'i-0abc1234def567890',
        instanceId: 'i-0abc1234def567890',
      });
    });

    it('keeps provenance (format, position, EventRecordID) and a flat raw map of System fields and data', () => {
      const event = onlyEvent(parser, inputOf(fixture('sysmon1-vboxmanage-headless.xml'), { index: 7 }));
      expect(event.provenance).toEqual({
        envelope: 'file',
        index: 7,
        line: 8,
        format: 'sysmon-windows',
        recordId: '884213',
      });
      expect(event.raw).toMatchObject({
        EventID: 1,
        Computer: 'FIN-WS042.corp.example.com',
        ParentUser: 'CORP\\j.doe',
      });
    });

    it('also reads Event XML carried in a JSON field (Fluent Bit / custom forwarders)', () => {
      const event = onlyEvent(
        parser,
        jsonInput({ message: fixture('sysmon1-vboxmanage-headless.xml'), stream: 'stdout' }),
      );
      expect(event.fields.CommandLine).toContain('--type headless');
      expect(event.host.hostname).toBe('FIN-WS042.corp.example.com');
    });

    it('parses other Sysmon event ids too: event 3 is a network_connection with Sigma fields', () => {
      const event = onlyEvent(parser, inputOf(fixture('sysmon3-network-connection.xml')));
      expect(event.category).toBe('network_connection');
      expect(event.fields).toMatchObject({
        Image: 'C:\\Users\\Public\\vbox\\VBoxHeadless.exe',
        ProcessId: 7312,
        Protocol: 'tcp',
        DestinationIp: '203.0.113.9',
        DestinationPort: 443,
        EventID: 3,
      });
      expect(event.time).toBe('2026-11-20T09:15:10.998Z');
    });

    it('reports Sysmon event 1 without an Image as a missing field', () => {
      const xml = fixture('sysmon1-vboxmanage-headless.xml').replace(/<Data Name='Image'>[^<]*<\/Data>/, '');
      expect(onlyError(parser, inputOf(xml))).toMatchObject({ code: 'missing-field', format: 'sysmon-windows' });
    });

    it('reports an Image of "-" as missing too: "-" is Windows for no value', () => {
      const xml = fixture('sysmon1-vboxmanage-headless.xml').replace(/(<Data Name='Image'>)[^<]*/, '$1-');
      expect(onlyError(parser, inputOf(xml)).code).toBe('missing-field');
    });

    it('omits "-" valued optional fields instead of keeping the dash', () => {
      const xml = fixture('sysmon1-vboxmanage-headless.xml').replace(/(<Data Name='Company'>)[^<]*/, '$1-');
      expect(onlyEvent(parser, inputOf(xml)).fields).not.toHaveProperty('Company');
    });

    it('reports truncated XML that names Sysmon as an invalid record with its position', () => {
      const xml = fixture('sysmon1-vboxmanage-headless.xml').slice(0, 1200);
      expect(sniff(xml)).toBe(true);
      const error = onlyError(parser, inputOf(xml, { index: 3 }));
      expect(error).toMatchObject({ code: 'invalid-record', format: 'sysmon-windows', position: { index: 3 } });
      expect(error.reason).toMatch(/truncated/);
      expect(error.excerpt).toBe(xml.slice(0, 200) + '…');
    });

    it('reports Sysmon XML without EventData as an invalid record', () => {
      const xml = fixture('sysmon1-vboxmanage-headless.xml').replace(/<EventData>.*<\/EventData>/s, '');
      expect(onlyError(parser, inputOf(xml))).toMatchObject({
        code: 'invalid-record',
        reason: expect.stringMatching(/EventData/),
      });
    });
  });

  describe('JSON shapes', () => {
    it('reads Winlogbeat ECS (event_id as a string, host from winlog.computer_name)', () => {
      const event = onlyEvent(parser, inputOf(fixture('sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Windows\\System32\\sc.exe',
        CommandLine: 'sc  create VBoxDRV binPath= C:\\Users\\Public\\vbox\\VBoxDRV.sys type= kernel start= demand',
        ProcessId: 5120,
        ParentProcessId: 6120,
        EventID: 1,
      });
      expect(event.host.hostname).toBe('FIN-WS042.corp.example.com');
      expect(event.time).toBe('2026-11-20T09:12:41.204Z');
      expect(event.provenance.recordId).toBe('884190');
      expect(event.raw).toHaveProperty('winlog');
    });

    it('reads winlogbeat 6 rows in the 2019 layout (event_data, computer_name)', () => {
      const event = onlyEvent(parser, inputOf(fixture('shippers/sysmon1-winlogbeat2019.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Program Files\\Git\\cmd\\git.exe',
        CommandLine: 'git  fetch --prune origin',
        User: 'CORP\\a.kowalski',
        ProcessId: 4312,
        ParentProcessId: 6188,
      });
      expect(event.host.hostname).toBe('DEV-WS07.corp.example'); // computer_name, not the beat WEC01
      expect(event.time).toBe('2026-10-14T08:21:47.302Z'); // UtcTime, not @timestamp
    });

    it('reads NXLog im_msvistalog rows, taking UtcTime over the zone-less TimeCreated', () => {
      const event = onlyEvent(parser, inputOf(fixture('shippers/sysmon1-nxlog.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Users\\m.ortega\\source\\repos\\inventory\\bin\\Debug\\inventory-cli.exe',
        User: 'WS-QA03\\m.ortega',
      });
      expect(event.fields).not.toHaveProperty('Company'); // "-" in the source
      expect(event.host.hostname).toBe('WS-QA03.corp.example');
      expect(event.time).toBe('2026-10-14T09:05:09.116Z'); // TimeCreated says 11:05:09.118, local and zone-less
    });

    it('reads NXLog rows shipped through Logstash, ignoring the forwarder in `host`', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog-logstash.json')) as Record<string, string>;
      const event = onlyEvent(parser, jsonInput(row));
      expect(event.host.hostname).toBe(row['Hostname']);
      expect(event.host.hostname).not.toBe(row['host']);
      expect(event.fields.Image).toBe(row['Image']);
    });

    it('reads Azure Log Analytics rows whose EventData is a JSON string', () => {
      const event = onlyEvent(parser, inputOf(fixture('shippers/sysmon1-azure.json')));
      expect(event.fields).toMatchObject({
        Image: 'C:\\Program Files\\dotnet\\dotnet.exe',
        User: 'CORP\\r.nguyen',
        ProcessId: 9412,
        ParentProcessId: 3376,
      });
      expect(event.host.hostname).toBe('BLD-AGENT02.corp.example');
      expect(event.time).toBe('2026-10-14T13:40:22.617Z'); // UtcTime, not TimeGenerated (.621)
    });

    it('refuses an Azure row whose EventData JSON is broken', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-azure.json')) as Record<string, unknown>;
      row['EventData'] = '{"Image": "C:\\\\x.exe"';
      expect(onlyError(parser, jsonInput(row)).code).toBe('invalid-record');
    });

    it('falls back to the envelope timestamp when the record has no time at all', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      delete row['UtcTime'];
      delete row['TimeCreated'];
      const event = onlyEvent(parser, jsonInput(row, { timestampMs: Date.parse('2026-01-02T03:04:05.000Z') }));
      expect(event.time).toBe('2026-01-02T03:04:05.000Z');
    });

    it('reports a missing time when neither the record nor the envelope has one', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      delete row['UtcTime'];
      delete row['TimeCreated'];
      expect(onlyError(parser, jsonInput(row)).code).toBe('missing-field');
    });

    it('keeps the log stream as the host identity when the record names no computer', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      delete row['Hostname'];
      const event = onlyEvent(parser, jsonInput(row, { context: { logStream: 'i-0123456789abcdef0' } }));
      expect(event.host).toEqual({ logStream: 'i-0123456789abcdef0', instanceId: 'i-0123456789abcdef0' });
    });
  });

  describe('sniff', () => {
    it('claims Sysmon records of every shape', () => {
      for (const name of [
        'sysmon1-vboxmanage-headless.xml',
        'sysmon3-network-connection.xml',
        'sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json',
        'shippers/sysmon1-winlogbeat2019.json',
        'shippers/sysmon1-nxlog.json',
        'shippers/sysmon1-azure.json',
      ]) {
        expect([name, sniff(fixture(name))]).toEqual([name, true]);
      }
    });

    it('does not claim other Windows events, Sysmon for Linux or non-Windows records', () => {
      const linuxSysmon = fixture('sysmon1-vboxmanage-headless.xml')
        .replace("Provider Name='Microsoft-Windows-Sysmon'", "Provider Name='Linux-Sysmon'")
        .replace('Microsoft-Windows-Sysmon/Operational', 'Linux-Sysmon/Operational');
      for (const text of [
        fixture('security4688-vboxheadless.xml'),
        fixture('shippers/security4688-nxlog.json'),
        linuxSysmon,
        '{"eventVersion":"1.08","eventSource":"ecs.amazonaws.com","eventName":"RunTask"}',
        'type=EXECVE msg=audit(1700000000.000:1): argc=1 a0="ls"',
        '<14>Nov 20 09:00:00 host sysmon: <Event><System><Provider Name="Linux-Sysmon"/></System></Event>',
      ]) {
        expect(sniff(text)).toBe(false);
      }
    });
  });

  describe('when forced onto a record that is not Sysmon (format hint)', () => {
    it('refuses non-Windows records and other Windows logs as invalid records', () => {
      expect(onlyError(parser, inputOf('{"hello":"world"}')).code).toBe('invalid-record');
      expect(onlyError(parser, inputOf(fixture('security4688-vboxheadless.xml'))).reason).toMatch(/EventID 4688/);
    });

    it('refuses a Sysmon record whose EventID is not an integer', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      for (const eventId of ['one', 1.5, true, null, { id: 1 }, [1], -1, 70000]) {
        row['EventID'] = eventId;
        expect(onlyError(parser, jsonInput(row)).reason).toMatch(/EventID/);
      }
    });

    it('accepts an EventID written as a decimal string', () => {
      const row = JSON.parse(fixture('shippers/sysmon1-nxlog.json')) as Record<string, unknown>;
      row['EventID'] = '1';
      expect(onlyEvent(parser, jsonInput(row)).fields.EventID).toBe(1);
    });
  });
});
