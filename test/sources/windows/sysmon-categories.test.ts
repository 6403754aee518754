import { SYSMON_EVENTS } from '../../../lib/sources/sysmon-table';
import { sysmonWindowsParser } from '../../../lib/sources/windows/sysmon-windows';
import { sysmonXml } from '../../support/windows-xml';
import { inputOf, jsonInput, onlyError, onlyEvent } from './windows-test-kit';

const parser = sysmonWindowsParser;
const eventOf = (xml: string) => onlyEvent(parser, inputOf(xml));

const PROC = { ProcessGuid: '{8c1f2a3b-e71b-6739-5c05-000000002a00}', ProcessId: '7312' };
const VBOX = 'C:\\Users\\Public\\vbox\\VBoxHeadless.exe';

/** One row per Sysmon event id with the values Sysmon's schema gives it, and what the event must become. */
const CASES: readonly [number, Record<string, string>, string, Record<string, unknown>][] = [
  [1, { ...PROC, Image: VBOX, CommandLine: 'VBoxHeadless --startvm w7' }, 'process_creation', { Image: VBOX }],
  [
    2,
    {
      ...PROC,
      Image: VBOX,
      TargetFilename: 'C:\\x.vdi',
      CreationUtcTime: '2020-01-01 00:00:00.000',
      PreviousCreationUtcTime: '2026-11-20 09:00:00.000',
    },
    'file_change',
    { TargetFilename: 'C:\\x.vdi', PreviousCreationUtcTime: '2026-11-20 09:00:00.000' },
  ],
  [
    3,
    {
      ...PROC,
      Image: VBOX,
      User: 'CORP\\j.doe',
      Protocol: 'tcp',
      Initiated: 'true',
      SourceIsIpv6: 'false',
      SourceIp: '10.0.0.5',
      SourceHostname: 'FIN-WS042',
      SourcePort: '50122',
      SourcePortName: '-',
      DestinationIsIpv6: 'false',
      DestinationIp: '203.0.113.9',
      DestinationHostname: 'update.example.net',
      DestinationPort: '443',
      DestinationPortName: 'https',
    },
    'network_connection',
    {
      Initiated: 'true',
      SourceIp: '10.0.0.5',
      SourcePort: 50122,
      DestinationIp: '203.0.113.9',
      DestinationHostname: 'update.example.net',
      DestinationPort: 443,
      DestinationIsIpv6: 'false',
      Protocol: 'tcp',
    },
  ],
  [4, { State: 'Started', Version: '15.0', SchemaVersion: '4.90' }, 'sysmon_status', {}],
  [5, { ...PROC, Image: VBOX, User: 'CORP\\j.doe' }, 'process_termination', { Image: VBOX, ProcessId: 7312 }],
  [
    6,
    {
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxSup.sys',
      Hashes: 'SHA256=AA',
      Signed: 'true',
      Signature: 'Oracle Corporation',
      SignatureStatus: 'Valid',
    },
    'driver_load',
    {
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxSup.sys',
      Signed: 'true',
      Signature: 'Oracle Corporation',
      SignatureStatus: 'Valid',
    },
  ],
  [
    7,
    {
      ...PROC,
      Image: VBOX,
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxRT.dll',
      FileVersion: '7.0.12',
      Description: 'VirtualBox Runtime',
      Product: 'Oracle VM VirtualBox',
      Company: 'Oracle Corporation',
      OriginalFileName: 'VBoxRT.dll',
      Hashes: 'SHA256=BB',
      Signed: 'true',
      Signature: 'Oracle Corporation',
      SignatureStatus: 'Valid',
      User: 'CORP\\j.doe',
    },
    'image_load',
    {
      Image: VBOX,
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxRT.dll',
      OriginalFileName: 'VBoxRT.dll',
      Product: 'Oracle VM VirtualBox',
    },
  ],
  [
    8,
    {
      SourceProcessGuid: '{1}',
      SourceProcessId: '4410',
      SourceImage: 'C:\\Temp\\inj.exe',
      TargetProcessGuid: '{2}',
      TargetProcessId: '612',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      NewThreadId: '9921',
      StartAddress: '0x00007FF6A1B21000',
      StartModule: '-',
      StartFunction: '-',
    },
    'create_remote_thread',
    {
      SourceImage: 'C:\\Temp\\inj.exe',
      SourceProcessId: 4410,
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      TargetProcessId: 612,
      StartAddress: '0x00007FF6A1B21000',
      SourceProcessGuid: '{1}',
    },
  ],
  [
    9,
    { ...PROC, Image: 'C:\\Temp\\dd.exe', Device: '\\Device\\HarddiskVolume2', User: 'CORP\\j.doe' },
    'raw_access_thread',
    { Image: 'C:\\Temp\\dd.exe' },
  ],
  [
    10,
    {
      SourceProcessGUID: '{3}',
      SourceProcessId: '4410',
      SourceThreadId: '4411',
      SourceImage: 'C:\\Temp\\dump.exe',
      TargetProcessGUID: '{4}',
      TargetProcessId: '612',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      GrantedAccess: '0x1fffff',
      CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|UNKNOWN(000001F2A1B2C3D4)',
    },
    'process_access',
    {
      SourceImage: 'C:\\Temp\\dump.exe',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      GrantedAccess: '0x1fffff',
      SourceProcessGuid: '{3}',
      TargetProcessGuid: '{4}',
      TargetProcessId: 612,
    },
  ],
  [
    11,
    {
      ...PROC,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      TargetFilename: 'C:\\Windows\\System32\\drivers\\VBoxDrv.sys',
      CreationUtcTime: '2026-11-20 09:15:10.998',
      User: 'CORP\\j.doe',
    },
    'file_event',
    { TargetFilename: 'C:\\Windows\\System32\\drivers\\VBoxDrv.sys', Image: 'C:\\Windows\\System32\\cmd.exe' },
  ],
  [
    12,
    {
      EventType: 'CreateKey',
      ...PROC,
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv',
      User: 'CORP\\j.doe',
    },
    'registry_add',
    { EventType: 'CreateKey', TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv' },
  ],
  [
    13,
    {
      EventType: 'SetValue',
      ...PROC,
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv\\ImagePath',
      Details: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
      User: 'CORP\\j.doe',
    },
    'registry_set',
    {
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv\\ImagePath',
      Details: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
    },
  ],
  [
    14,
    {
      EventType: 'RenameKey',
      ...PROC,
      Image: 'C:\\Windows\\regedit.exe',
      TargetObject: 'HKLM\\Software\\Old',
      NewName: 'HKLM\\Software\\New',
      User: 'CORP\\j.doe',
    },
    'registry_rename',
    { NewName: 'HKLM\\Software\\New' },
  ],
  [
    15,
    {
      ...PROC,
      Image: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
      TargetFilename: 'C:\\Users\\j.doe\\Downloads\\vm.ova:Zone.Identifier',
      CreationUtcTime: '2026-11-20 09:15:10.998',
      Hash: 'SHA256=CC',
      Contents: '[ZoneTransfer]  ZoneId=3',
      User: 'CORP\\j.doe',
    },
    'create_stream_hash',
    { Contents: '[ZoneTransfer]  ZoneId=3' },
  ],
  [16, { Configuration: 'C:\\Windows\\sysmon.xml', ConfigurationFileHash: 'SHA256=DD' }, 'sysmon_status', {}],
  [
    17,
    { EventType: 'CreatePipe', ...PROC, PipeName: '\\VBoxTrayIPC-j.doe', Image: VBOX, User: 'CORP\\j.doe' },
    'pipe_created',
    { PipeName: '\\VBoxTrayIPC-j.doe' },
  ],
  [
    18,
    { EventType: 'ConnectPipe', ...PROC, PipeName: '\\VBoxTrayIPC-j.doe', Image: VBOX, User: 'CORP\\j.doe' },
    'pipe_created',
    { EventType: 'ConnectPipe' },
  ],
  [
    19,
    {
      EventType: 'WmiFilterEvent',
      Operation: 'Created',
      User: 'CORP\\j.doe',
      EventNamespace: '"root\\cimv2"',
      Name: '"f"',
      Query: '"SELECT * FROM __InstanceModificationEvent"',
    },
    'wmi_event',
    { EventType: 'WmiFilterEvent' },
  ],
  [
    20,
    {
      EventType: 'WmiConsumerEvent',
      Operation: 'Created',
      User: 'CORP\\j.doe',
      Name: '"c"',
      Type: 'Command Line',
      Destination: '"cmd.exe"',
    },
    'wmi_event',
    {},
  ],
  [
    21,
    { EventType: 'WmiBindingEvent', Operation: 'Created', User: 'CORP\\j.doe', Consumer: '"c"', Filter: '"f"' },
    'wmi_event',
    {},
  ],
  [
    22,
    {
      ...PROC,
      QueryName: 'download.virtualbox.org',
      QueryStatus: '0',
      QueryResults: 'type:  5 d.example;::ffff:203.0.113.10;',
      Image: VBOX,
      User: 'CORP\\j.doe',
    },
    'dns_query',
    { QueryName: 'download.virtualbox.org', QueryStatus: '0', QueryResults: 'type:  5 d.example;::ffff:203.0.113.10;' },
  ],
  [
    23,
    {
      ...PROC,
      User: 'CORP\\j.doe',
      Image: 'C:\\Windows\\explorer.exe',
      TargetFilename: 'C:\\Users\\j.doe\\vm.vmdk',
      Hashes: 'SHA256=EE',
      IsExecutable: 'false',
      Archived: 'true',
    },
    'file_delete',
    { TargetFilename: 'C:\\Users\\j.doe\\vm.vmdk', IsExecutable: 'false' },
  ],
  [
    24,
    {
      ...PROC,
      Image: 'C:\\Windows\\System32\\rdpclip.exe',
      Session: '1',
      ClientInfo: '-',
      Hashes: 'SHA256=FF',
      Archived: 'false',
      User: 'CORP\\j.doe',
    },
    'clipboard_capture',
    {},
  ],
  [
    25,
    { ...PROC, Image: 'C:\\Temp\\hollow.exe', Type: 'Image is replaced', User: 'CORP\\j.doe' },
    'process_tampering',
    { Image: 'C:\\Temp\\hollow.exe' },
  ],
  [
    26,
    {
      ...PROC,
      User: 'CORP\\j.doe',
      Image: 'C:\\Windows\\explorer.exe',
      TargetFilename: 'C:\\Users\\j.doe\\vm.vhdx',
      Hashes: 'SHA256=EE',
      IsExecutable: 'false',
    },
    'file_delete',
    { TargetFilename: 'C:\\Users\\j.doe\\vm.vhdx' },
  ],
  [
    27,
    {
      ...PROC,
      User: 'CORP\\j.doe',
      Image: 'C:\\Windows\\explorer.exe',
      TargetFilename: 'C:\\Temp\\a.exe',
      Hashes: 'SHA256=EE',
    },
    'file_block_executable',
    { TargetFilename: 'C:\\Temp\\a.exe' },
  ],
  [
    28,
    {
      ...PROC,
      User: 'CORP\\j.doe',
      Image: 'C:\\Temp\\sdelete.exe',
      TargetFilename: 'C:\\Temp\\b.vdi',
      Hashes: 'SHA256=EE',
      IsExecutable: 'false',
    },
    'file_block_shredding',
    { TargetFilename: 'C:\\Temp\\b.vdi' },
  ],
  [
    29,
    {
      ...PROC,
      User: 'CORP\\j.doe',
      Image: 'C:\\Windows\\System32\\curl.exe',
      TargetFilename: 'C:\\Temp\\VBoxSup.sys',
      Hashes: 'SHA256=EE',
    },
    'file_executable_detected',
    { TargetFilename: 'C:\\Temp\\VBoxSup.sys' },
  ],
  [
    255,
    { ID: 'DriverCommunication', Description: 'Failed to open service configuration with error 5' },
    'sysmon_error',
    {},
  ],
];

describe('Sysmon on Windows, every event id through one table', () => {
  it('has a case here for every row of the table, so no row goes untested', () => {
    expect(CASES.map(([id]) => id).sort((a, b) => a - b)).toEqual(
      Object.keys(SYSMON_EVENTS)
        .map(Number)
        .sort((a, b) => a - b),
    );
  });

  it.each(CASES)('event %i becomes %s with its Sigma fields', (id, data, category, fields) => {
    const event = eventOf(sysmonXml(id, data));
    expect(event.category).toBe(category);
    expect(event.platform).toBe('windows');
    expect(event.fields).toMatchObject({ ...fields, EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational' });
    // Every EventData value stays reachable by its Sysmon name, typed group or not (SourcePortName, Device, ...).
    for (const name of Object.keys(data)) expect(event.raw?.[name]).toBe(data[name]);
    expect(event.time).toBe('2026-11-20T09:15:10.998Z');
  });

  it('reads event 12 DeleteKey and DeleteValue as registry_delete', () => {
    for (const eventType of ['DeleteKey', 'DeleteValue']) {
      const event = eventOf(
        sysmonXml(12, { EventType: eventType, Image: 'C:\\x.exe', TargetObject: 'HKLM\\Software\\X' }),
      );
      expect(event.category).toBe('registry_delete');
    }
  });

  it('keeps an id Sysmon may add later as a log_event with its values, not an error', () => {
    const event = eventOf(sysmonXml(31, { Image: VBOX, TargetFilename: 'C:\\x.vdi' }));
    expect(event.category).toBe('log_event');
    expect(event.fields).toMatchObject({ Image: VBOX, TargetFilename: 'C:\\x.vdi', EventID: 31 });
  });

  it.each([
    [3, 'DestinationIp', 'network connection'],
    [6, 'ImageLoaded', 'driver loaded'],
    [10, 'TargetImage', 'process accessed'],
    [11, 'TargetFilename', 'file created'],
    [13, 'TargetObject', 'registry value set'],
    [22, 'QueryName', 'DNS query'],
  ] as const)('refuses event %i without %s as missing-field, saying which', (id, field, label) => {
    const [, data] = CASES.find(([caseId]) => caseId === id) as (typeof CASES)[number];
    const { [field]: _dropped, ...rest } = data;
    const error = onlyError(parser, inputOf(sysmonXml(id, rest)));
    expect(error).toMatchObject({ code: 'missing-field', reason: `Sysmon event ${id} (${label}) without ${field}` });
  });

  it('treats "-" as no value: a DNS query whose QueryName is "-" is malformed', () => {
    expect(onlyError(parser, inputOf(sysmonXml(22, { QueryName: '-', Image: VBOX }))).code).toBe('missing-field');
  });

  it('reads the same events from Winlogbeat (ECS) rows: network connection by winlog.event_data', () => {
    const event = onlyEvent(
      parser,
      jsonInput({
        '@timestamp': '2026-11-20T09:15:11.012Z',
        host: { name: 'fin-ws042' },
        winlog: {
          channel: 'Microsoft-Windows-Sysmon/Operational',
          provider_name: 'Microsoft-Windows-Sysmon',
          event_id: 3,
          computer_name: 'FIN-WS042.corp.example.com',
          record_id: 884214,
          event_data: {
            UtcTime: '2026-11-20 09:15:10.998',
            Image: VBOX,
            DestinationIp: '203.0.113.9',
            DestinationPort: '443',
          },
        },
      }),
    );
    expect(event.category).toBe('network_connection');
    expect(event.fields).toMatchObject({ Image: VBOX, DestinationIp: '203.0.113.9', DestinationPort: 443 });
    // Flattened into raw beside the shipper's own keys: the Sysmon name and the ECS path both resolve.
    expect(event.raw?.['DestinationIp']).toBe('203.0.113.9');
    expect(event.raw?.['winlog']).toBeDefined();
  });

  it('reads NXLog rows (values at the top level): a DNS query', () => {
    const event = onlyEvent(
      parser,
      jsonInput({
        EventTime: '2026-11-20 10:15:11',
        Hostname: 'FIN-WS042.corp.example.com',
        SourceName: 'Microsoft-Windows-Sysmon',
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        EventID: 22,
        UtcTime: '2026-11-20 09:15:10.998',
        QueryName: 'download.virtualbox.org',
        QueryStatus: '0',
        Image: VBOX,
      }),
    );
    expect(event.category).toBe('dns_query');
    expect(event.fields.QueryName).toBe('download.virtualbox.org');
  });

  it('reads Azure SysmonEvent-style rows with EventData XML: a driver load', () => {
    const event = onlyEvent(
      parser,
      jsonInput({
        Type: 'Event',
        TimeGenerated: '2026-11-20T09:15:11.012Z',
        Computer: 'FIN-WS042.corp.example.com',
        EventLog: 'Microsoft-Windows-Sysmon/Operational',
        Source: 'Microsoft-Windows-Sysmon',
        EventID: 6,
        EventData:
          '<DataItem type="System.XmlData" time="2026-11-20T09:15:11.0123450Z" sourceHealthServiceId="x"><EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><Data Name="UtcTime">2026-11-20 09:15:10.998</Data><Data Name="ImageLoaded">C:\\Users\\Public\\vbox\\VBoxSup.sys</Data><Data Name="Signed">true</Data><Data Name="Signature">Oracle Corporation</Data><Data Name="SignatureStatus">Valid</Data></EventData></DataItem>',
      }),
    );
    expect(event.category).toBe('driver_load');
    expect(event.fields).toMatchObject({
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxSup.sys',
      Signature: 'Oracle Corporation',
    });
  });
});
