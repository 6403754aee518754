import { parseRecords } from '../../../lib/sources/dispatch';
import { windowsEventParser } from '../../../lib/sources/windows/windows-generic';
import { eventXml } from '../../support/windows-xml';
import { fixture, inputOf, jsonInput, onlyError, onlyEvent } from './windows-test-kit';

const parser = windowsEventParser;
const sniff = (text: string): boolean => parser.create().sniff(inputOf(text));
const HOST = 'FIN-WS042.corp.example.com';

/** The CloudWatch agent's `event_format: text` line: bracketed System values, then the rendered message (CRLF lines). */
function cloudWatchText(
  channel: string,
  level: string,
  id: number,
  provider: string,
  lines: readonly string[],
): string {
  return `[${channel}] [${level}] [${id}] [${provider}] [${HOST}] [${lines.join('\r\n')}]`;
}

const LOGON = eventXml({
  provider: 'Microsoft-Windows-Security-Auditing',
  channel: 'Security',
  eventId: 4624,
  task: 12544,
  data: {
    SubjectUserSid: 'S-1-5-18',
    TargetUserName: 'j.doe',
    TargetDomainName: 'CORP',
    LogonType: '10',
    IpAddress: '198.51.100.7',
  },
});

describe('windowsEventParser: any other well-formed Windows event', () => {
  it('is registered under the windows-event format', () => {
    expect(parser.format).toBe('windows-event');
  });

  describe('System, EventData and UserData flattened by name', () => {
    it('makes a Security 4624 a log_event with Channel/EventID/Provider fields and every value in raw', () => {
      const event = onlyEvent(parser, inputOf(LOGON));
      expect(event).toMatchObject({ category: 'log_event', platform: 'windows', time: '2026-11-20T09:15:11.012Z' });
      expect(event.fields).toEqual({
        EventID: 4624,
        Channel: 'Security',
        Provider: 'Microsoft-Windows-Security-Auditing',
      });
      expect(event.raw).toMatchObject({
        TargetUserName: 'j.doe',
        LogonType: '10',
        IpAddress: '198.51.100.7',
        Level: '4',
        Task: '12544',
        Opcode: '0',
        Keywords: '0x8000000000000000',
        EventRecordID: '1000',
        UserID: 'S-1-5-18',
        ProcessID: '3112',
        ThreadID: '4120',
        Computer: HOST,
      });
      expect(event.host.hostname).toBe(HOST);
    });

    it('reads a Setup-channel servicing event that turned on WSL and VirtualMachinePlatform (UserData)', () => {
      const [wsl, vmp] = fixture('setup-servicing-wsl-vmp.xml').trim().split('\n');
      const first = onlyEvent(parser, inputOf(wsl as string));
      expect(first.category).toBe('log_event');
      expect(first.fields).toMatchObject({ Channel: 'Setup', EventID: 9, Provider: 'Microsoft-Windows-Servicing' });
      expect(first.raw).toMatchObject({
        UpdateName: 'Microsoft-Windows-Subsystem-Linux',
        Client: 'DISM Package Manager Provider',
        ErrorCode: '0x0',
      });
      expect(onlyEvent(parser, inputOf(vmp as string)).raw?.['UpdateName']).toBe('VirtualMachinePlatform');
    });

    it('reads a Hyper-V-VMMS-Admin "virtual machine created" event (13002) with VmName and VmId', () => {
      const event = onlyEvent(parser, inputOf(fixture('hyperv-vmms-vm-created.xml')));
      expect(event.fields).toMatchObject({ Channel: 'Microsoft-Windows-Hyper-V-VMMS-Admin', EventID: 13002 });
      expect(event.raw).toMatchObject({ VmName: 'tmp-analysis', VmId: '6E1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8' });
      expect(event.time).toBe('2026-11-21T14:10:05.220Z');
    });

    it('reads an event with no EventData at all (System only) as a log_event', () => {
      const xml = LOGON.replace(/<EventData>.*<\/EventData>/, '');
      expect(onlyEvent(parser, inputOf(xml)).fields.EventID).toBe(4624);
    });
  });

  describe('events of a builtin log with a category of their own (table rows)', () => {
    it('makes Security 4697 a service_install with the 7045 field names', () => {
      const event = onlyEvent(
        parser,
        inputOf(
          eventXml({
            provider: 'Microsoft-Windows-Security-Auditing',
            channel: 'Security',
            eventId: 4697,
            data: {
              SubjectUserName: 'j.doe',
              ServiceName: 'VBoxDrv',
              ServiceFileName: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
              ServiceType: '0x1',
              ServiceStartType: '3',
              ServiceAccount: '',
            },
          }),
        ),
      );
      expect(event.category).toBe('service_install');
      expect(event.fields).toMatchObject({
        ServiceName: 'VBoxDrv',
        ImagePath: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
        ServiceType: '0x1',
        StartType: '3',
      });
    });

    it('makes PowerShell 4103 a ps_module with Payload and ContextInfo (command names resolved)', () => {
      const payload = 'CommandInvocation(New-VM): "New-VM"\r\nParameterBinding(New-VM): name="Name"; value="tmp"';
      for (const [provider, channel] of [
        ['Microsoft-Windows-PowerShell', 'Microsoft-Windows-PowerShell/Operational'],
        ['PowerShellCore', 'PowerShellCore/Operational'],
      ] as const) {
        const event = onlyEvent(
          parser,
          inputOf(
            eventXml({
              provider,
              channel,
              eventId: 4103,
              data: {
                ContextInfo: '        Host Application = powershell.exe\r\n        Command Name = New-VM',
                UserData: '',
                Payload: payload,
              },
            }),
          ),
        );
        expect(event.category).toBe('ps_module');
        expect(event.fields.Payload).toBe(payload);
        expect(event.fields.ContextInfo).toContain('Command Name = New-VM');
      }
    });

    it('makes Windows PowerShell 400/600/800 the classic categories with their unnamed Data joined', () => {
      const categories = [400, 600, 800].map((eventId) => {
        const event = onlyEvent(
          parser,
          inputOf(
            eventXml({
              provider: 'PowerShell',
              channel: 'Windows PowerShell',
              eventId,
              unnamed: [
                'Available',
                'None',
                '\tNewEngineState=Available\r\n\tHostName=ConsoleHost\r\n\tHostApplication=powershell.exe -nop -c New-VM',
              ],
            }),
          ),
        );
        expect(event.fields.Data).toContain('HostApplication=powershell.exe -nop -c New-VM');
        expect(event.raw?.['Data']).toHaveLength(3);
        return event.category;
      });
      expect(categories).toEqual(['ps_classic_start', 'ps_classic_provider_start', 'ps_classic_script']);
    });

    it('does not take the 4103 row for a 4103 of another log (near miss)', () => {
      const event = onlyEvent(
        parser,
        inputOf(eventXml({ provider: 'Some-Provider', channel: 'Application', eventId: 4103, data: { Payload: 'x' } })),
      );
      expect(event.category).toBe('log_event');
      expect(event.fields.Payload).toBeUndefined();
    });
  });

  describe('the JSON shippers', () => {
    it('Winlogbeat (ECS): winlog.event_data values and System values flattened beside the original keys', () => {
      const source = {
        '@timestamp': '2026-11-20T09:15:11.012Z',
        log: { level: 'information' },
        winlog: {
          channel: 'Security',
          provider_name: 'Microsoft-Windows-Security-Auditing',
          event_id: '4625',
          computer_name: HOST,
          record_id: 77,
          task: 'Logon',
          event_data: { TargetUserName: 'administrator', LogonType: '3' },
        },
      };
      const event = onlyEvent(parser, jsonInput(source));
      expect(event.fields).toEqual({
        EventID: 4625,
        Channel: 'Security',
        Provider: 'Microsoft-Windows-Security-Auditing',
      });
      expect(event.raw).toMatchObject({
        ...source,
        TargetUserName: 'administrator',
        Level: 'information',
        Task: 'Logon',
      });
    });

    it('Winlogbeat (ECS): nested winlog.user_data leaves by their own names', () => {
      const event = onlyEvent(
        parser,
        jsonInput({
          '@timestamp': '2026-11-21T14:10:05.220Z',
          winlog: {
            channel: 'Microsoft-Windows-Hyper-V-VMMS-Admin',
            provider_name: 'Microsoft-Windows-Hyper-V-VMMS',
            event_id: 13002,
            computer_name: HOST,
            user_data: { VmlEventLog: { VmName: 'tmp-analysis', VmId: '6E1A' } },
          },
        }),
      );
      expect(event.raw).toMatchObject({ VmName: 'tmp-analysis', VmId: '6E1A' });
    });

    it('legacy Winlogbeat (event_data at the top level)', () => {
      const event = onlyEvent(
        parser,
        jsonInput({
          '@timestamp': '2026-11-20T09:15:11.012Z',
          log_name: 'System',
          source_name: 'Microsoft-Windows-Kernel-General',
          event_id: 12,
          computer_name: HOST,
          event_data: { StartTime: '2026-11-20T09:00:00.000Z' },
        }),
      );
      expect(event.fields).toMatchObject({ Channel: 'System', EventID: 12 });
      expect(event.raw?.['StartTime']).toBe('2026-11-20T09:00:00.000Z');
    });

    it('NXLog (values at the top level) and Azure SecurityEvent rows', () => {
      const nxlog = onlyEvent(
        parser,
        jsonInput({
          EventTime: '2026-11-20 10:15:11',
          Hostname: HOST,
          SourceName: 'Microsoft-Windows-Security-Auditing',
          Channel: 'Security',
          EventID: 4720,
          TargetUserName: 'svc-vm',
        }),
      );
      expect(nxlog.fields).toMatchObject({ Channel: 'Security', EventID: 4720 });
      expect(nxlog.raw?.['TargetUserName']).toBe('svc-vm');
      const azure = onlyEvent(
        parser,
        jsonInput({
          Type: 'SecurityEvent',
          TimeGenerated: '2026-11-20T09:15:11.012Z',
          Computer: HOST,
          Channel: 'Security',
          EventID: 4672,
          SubjectUserName: 'j.doe',
        }),
      );
      expect(azure.fields).toMatchObject({ Channel: 'Security', EventID: 4672 });
      expect(azure.raw?.['SubjectUserName']).toBe('j.doe');
    });
  });

  describe('the CloudWatch agent text format', () => {
    it('reads [Channel] [LEVEL] [EventID] [Provider] [Computer] [message], timed by the envelope', () => {
      const text = cloudWatchText('Security', 'INFORMATION', 4624, 'Microsoft-Windows-Security-Auditing', [
        'An account was successfully logged on.',
        '',
        'Subject:',
        '\tSecurity ID:\t\tS-1-5-18',
      ]);
      const event = onlyEvent(parser, inputOf(text, { timestampMs: Date.parse('2026-11-20T09:15:11.012Z') }));
      expect(event).toMatchObject({ category: 'log_event', time: '2026-11-20T09:15:11.012Z' });
      expect(event.fields).toEqual({
        EventID: 4624,
        Channel: 'Security',
        Provider: 'Microsoft-Windows-Security-Auditing',
      });
      expect(event.host.hostname).toBe(HOST);
      expect(event.raw).toMatchObject({ Level: 'INFORMATION', Message: expect.stringContaining('Security ID:') });
    });

    it('reads a 4103 text message back into Payload and ContextInfo', () => {
      const text = cloudWatchText(
        'Microsoft-Windows-PowerShell/Operational',
        'INFORMATION',
        4103,
        'Microsoft-Windows-PowerShell',
        [
          'CommandInvocation(New-VM): "New-VM"',
          '',
          '',
          'Context:',
          '        Severity = Informational',
          '        Command Name = New-VM',
          '',
          '',
          'User Data:',
          '',
        ],
      );
      const event = onlyEvent(parser, inputOf(text, { timestampMs: 1_700_000_000_000 }));
      expect(event.category).toBe('ps_module');
      expect(event.fields.Payload).toBe('CommandInvocation(New-VM): "New-VM"');
      expect(event.fields.ContextInfo).toContain('Command Name = New-VM');
    });

    it('is routed by content: a 7045 in text goes here (no named values), Sysmon text to the Sysmon parser', () => {
      const service = cloudWatchText('System', 'INFORMATION', 7045, 'Service Control Manager', [
        'A service was installed in the system.',
        '',
        'Service Name:  VBoxDrv',
      ]);
      const sysmon = cloudWatchText(
        'Microsoft-Windows-Sysmon/Operational',
        'INFORMATION',
        3,
        'Microsoft-Windows-Sysmon',
        [
          'Network connection detected:',
          'RuleName: -',
          'UtcTime: 2026-11-20 09:15:10.998',
          'Image: C:\\Users\\Public\\vbox\\VBoxHeadless.exe',
          'DestinationIp: 203.0.113.9',
          'DestinationPort: 443',
        ],
      );
      const batch = parseRecords(
        [service, sysmon].map((text, index) => inputOf(text, { index, timestampMs: 1_700_000_000_000 })),
      );
      expect(batch.errors).toEqual([]);
      expect(batch.events.map((event) => [event.provenance.format, event.category])).toEqual([
        ['windows-event', 'log_event'],
        ['sysmon-windows', 'network_connection'],
      ]);
      expect(batch.events[1]?.fields).toMatchObject({ DestinationIp: '203.0.113.9', DestinationPort: 443 });
      expect(batch.events[1]?.time).toBe('2026-11-20T09:15:10.998Z');
    });

    it('sends a 4104 text message to the script block parser, which reads the block from the message', () => {
      const text = cloudWatchText(
        'Microsoft-Windows-PowerShell/Operational',
        'VERBOSE',
        4104,
        'Microsoft-Windows-PowerShell',
        [
          'Creating Scriptblock text (1 of 1):',
          'New-VM -Name tmp; Start-VM tmp',
          '',
          'ScriptBlock ID: 3f1d2c4b-8a7e-4b6f-9c0d-1e2f3a4b5c6d',
          'Path: ',
        ],
      );
      const batch = parseRecords([inputOf(text, { timestampMs: 1_700_000_000_000 })]);
      expect(batch.errors).toEqual([]);
      expect(batch.events.map((event) => [event.provenance.format, event.category])).toEqual([
        ['powershell-4104', 'ps_script'],
      ]);
      expect(batch.events[0]?.fields.ScriptBlockText).toBe('New-VM -Name tmp; Start-VM tmp');
    });

    it.each([
      ['an unknown level name', '[Security] [NOTICE] [4624] [P] [H] [m]'],
      ['a non-numeric event id', '[Security] [INFORMATION] [x] [P] [H] [m]'],
      ['a missing message bracket', '[Security] [INFORMATION] [4624] [P] [H] m'],
      ['a JSON array', '["Security", "INFORMATION"]'],
    ])('does not take %s for the text format (near miss)', (_what, text) => {
      expect(sniff(text)).toBe(false);
    });
  });

  describe('what it leaves to others, and malformed records', () => {
    it('leaves Sysmon, 4688, 7045, 4104 and Sysmon for Linux to their own parsers', () => {
      expect(sniff(fixture('sysmon1-vboxmanage-headless.xml'))).toBe(false);
      expect(sniff(fixture('security4688-vboxheadless.xml'))).toBe(false);
      expect(sniff(fixture('system7045-vboxdrv.xml'))).toBe(false);
      expect(sniff(fixture('powershell4104-hyperv-part1of3.xml'))).toBe(false);
      expect(sniff(LOGON.replace('Microsoft-Windows-Security-Auditing', 'Linux-Sysmon'))).toBe(false);
      expect(sniff(LOGON)).toBe(true);
    });

    it('through the dispatcher, after a generic event the next Sysmon record still goes to the Sysmon parser', () => {
      const batch = parseRecords(
        [LOGON, fixture('sysmon1-vboxmanage-headless.xml')].map((text, index) => inputOf(text, { index })),
      );
      expect(batch.events.map((event) => event.provenance.format)).toEqual(['windows-event', 'sysmon-windows']);
    });

    it('explains a truncated Event XML that still names its provider and id', () => {
      const error = onlyError(parser, inputOf(LOGON.slice(0, LOGON.indexOf('<EventData>') + 30)));
      expect(error).toMatchObject({ code: 'invalid-record', format: 'windows-event' });
      expect(error.reason).toMatch(/^bad Event XML: truncated/);
    });

    it('explains an event whose EventID is not an integer', () => {
      const error = onlyError(parser, inputOf(LOGON.replace('<EventID>4624</EventID>', '<EventID>logon</EventID>')));
      expect(error.reason).toBe('EventID is missing or not an integer (0..65535)');
    });

    it('leaves XML that does not claim to be a Windows event unrecognised (no provider, no id)', () => {
      expect(sniff('<?xml version="1.0"?><config><item>1</item>')).toBe(false);
      expect(sniff('<Event><Foo/></Event>')).toBe(true);
    });
  });
});
