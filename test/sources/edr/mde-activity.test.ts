import { mdeParser } from '../../../lib/sources/edr/mde';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => mdeParser.create();
const parseOne = (name: string) => onlyEvent(parser().parse(recordOf(fixture(name))));

describe('Microsoft Defender for Endpoint activity tables', () => {
  describe('DeviceNetworkEvents (streaming record): a renamed VBoxHeadless connecting out', () => {
    const event = parseOne('mde-network-vboxheadless.json');

    it('is a network_connection this host initiated, with Sysmon-named endpoints', () => {
      expect(event.category).toBe('network_connection');
      expect(event.time).toBe('2026-11-28T08:41:05.441Z');
      expect(event.fields).toMatchObject({
        Initiated: 'true',
        Protocol: 'tcp',
        SourceIp: '10.20.3.31',
        SourcePort: 50112,
        DestinationIp: '192.0.2.44',
        DestinationPort: 8443,
        DestinationIsIpv6: 'false',
      });
    });

    it('keeps the initiating process, identifiable by OriginalFileName and Product even when renamed', () => {
      expect(event.fields).toMatchObject({
        Image: 'c:\\users\\asmith\\appdata\\local\\temp\\vb\\svc-helper.exe',
        CommandLine: 'svc-helper.exe --comment k --startvm 7c1e --vrde off',
        ProcessId: 7420,
        User: 'contoso\\asmith',
        OriginalFileName: 'VBoxHeadless.exe',
        Product: 'Oracle VM VirtualBox',
        ParentImage: 'cmd.exe',
      });
      expect(event.host.hostname).toBe('ws-eng-0031.contoso.com');
      expect(event.provenance.recordId).toBe('20411');
    });

    it.each(['ConnectionFailed', 'ConnectionAttempt', 'ConnectionRequest'])('reads %s as initiated too', (action) => {
      const record = fixture('mde-network-vboxheadless.json');
      const properties = { ...(record.properties as Record<string, unknown>), ActionType: action };
      expect(onlyEvent(parser().parse(recordOf({ ...record, properties }))).fields.Initiated).toBe('true');
    });

    it('reports an accepted connection with the peer as source and Initiated false', () => {
      const record = fixture('mde-network-vboxheadless.json');
      const properties = { ...(record.properties as Record<string, unknown>), ActionType: 'InboundConnectionAccepted' };
      const accepted = onlyEvent(parser().parse(recordOf({ ...record, properties })));
      expect(accepted.fields).toMatchObject({
        Initiated: 'false',
        SourceIp: '192.0.2.44',
        DestinationIp: '10.20.3.31',
        DestinationPort: 50112,
      });
    });

    it('reports a listening socket by its local port', () => {
      const record = fixture('mde-network-vboxheadless.json');
      const properties = {
        ...without(record.properties as Record<string, unknown>, 'RemoteIP', 'RemotePort'),
        ActionType: 'ListeningConnectionCreated',
      };
      const listen = onlyEvent(parser().parse(recordOf({ ...record, properties })));
      expect(listen.fields).toMatchObject({ Initiated: 'false', DestinationPort: 50112 });
      expect(listen.fields.SourceIp).toBeUndefined();
    });
  });

  it('reads DeviceFileEvents: a VM disk created in a temp folder by PowerShell', () => {
    const event = parseOne('mde-file-vdi-created.json');
    expect(event.category).toBe('file_event');
    expect(event.fields.TargetFilename).toBe('C:\\Users\\asmith\\AppData\\Local\\Temp\\vb\\disk1.vdi');
    expect(event.fields.Image).toBe('c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe');
    expect(event.fields.Hashes).toMatch(/^SHA256=5E1F2A3B/);
  });

  it.each([
    ['FileModified', 'file_change'],
    ['FileDeleted', 'file_delete'],
  ])('maps %s to %s', (action, category) => {
    const row = { ...fixture('mde-file-vdi-created.json'), ActionType: action };
    expect(onlyEvent(parser().parse(recordOf(row))).category).toBe(category);
  });

  it('reads a FileRenamed row with Sigma file_rename names: the new path as TargetFilename, the old as SourceFilename', () => {
    const row = {
      ...fixture('mde-file-vdi-created.json'),
      ActionType: 'FileRenamed',
      PreviousFileName: 'd.tmp',
      PreviousFolderPath: 'C:\\Users\\asmith\\AppData\\Local\\Temp\\vb',
    };
    const event = onlyEvent(parser().parse(recordOf(row)));
    expect(event.category).toBe('file_rename');
    expect(event.fields.TargetFilename).toBe('C:\\Users\\asmith\\AppData\\Local\\Temp\\vb\\disk1.vdi');
    expect(event.fields.SourceFilename).toBe('C:\\Users\\asmith\\AppData\\Local\\Temp\\vb\\d.tmp');
    expect(event.fields.TargetFilenameNew).toBe(event.fields.TargetFilename);
  });

  describe('DeviceRegistryEvents', () => {
    it('writes a value path and DWORD data as Sysmon does (HKLM, CurrentControlSet, DWORD (0x...))', () => {
      const event = parseOne('mde-registry-service.json');
      expect(event.category).toBe('registry_set');
      expect(event.fields).toMatchObject({
        EventType: 'SetValue',
        TargetObject: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX\\Start',
        Details: 'DWORD (0x00000001)',
        Image: 'c:\\windows\\system32\\sc.exe',
      });
    });

    it.each([
      ['RegistryKeyCreated', 'registry_add', 'CreateKey', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX'],
      ['RegistryKeyDeleted', 'registry_delete', 'DeleteKey', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX'],
      [
        'RegistryValueDeleted',
        'registry_delete',
        'DeleteValue',
        'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX\\Start',
      ],
    ])('maps %s to %s (%s)', (action, category, eventType, target) => {
      const row = { ...fixture('mde-registry-service.json'), ActionType: action };
      const event = onlyEvent(parser().parse(recordOf(row)));
      expect(event.category).toBe(category);
      expect(event.fields).toMatchObject({ EventType: eventType, TargetObject: target });
      expect(event.fields.Details).toBeUndefined();
    });

    it('reads a renamed key as Sysmon 14: the old key as TargetObject, the new as NewName', () => {
      const row = {
        ...fixture('mde-registry-service.json'),
        ActionType: 'RegistryKeyRenamed',
        PreviousRegistryKey: 'HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\tmp1',
      };
      const event = onlyEvent(parser().parse(recordOf(row)));
      expect(event.category).toBe('registry_rename');
      expect(event.fields.TargetObject).toBe('HKLM\\SYSTEM\\CurrentControlSet\\Services\\tmp1');
      expect(event.fields.NewName).toBe('HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX');
    });

    it('names a per-user key by the user hive, as Sysmon does (HKU\\<sid>)', () => {
      const row = {
        ...fixture('mde-registry-service.json'),
        RegistryKey: 'HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1602\\Software\\Oracle\\VirtualBox',
        RegistryValueType: 'String',
        RegistryValueData: 'C:\\vb',
        RegistryValueName: '',
      };
      expect(onlyEvent(parser().parse(recordOf(row))).fields).toMatchObject({
        TargetObject: 'HKU\\S-1-5-21-1-2-3-1602\\Software\\Oracle\\VirtualBox\\(Default)',
        Details: 'C:\\vb',
      });
    });
  });

  it('reads DeviceImageLoadEvents without passing the process version info off as the DLL', () => {
    const event = parseOne('mde-imageload-vboxrt.json');
    expect(event.category).toBe('image_load');
    expect(event.fields.ImageLoaded).toBe('C:\\Users\\asmith\\AppData\\Local\\Temp\\vb\\VBoxRT.dll');
    expect(event.fields.Image).toBe('c:\\users\\asmith\\appdata\\local\\temp\\vb\\svc-helper.exe');
    expect(event.fields.Hashes).toMatch(/SHA256=7D6C5B4A/);
    // Sysmon 7's OriginalFileName and Product describe the loaded image; Defender has no version info for it.
    expect(event.fields.OriginalFileName).toBeUndefined();
    expect(event.fields.Product).toBeUndefined();
  });

  it('reads a DeviceEvents DriverLoad row as driver_load', () => {
    const event = parseOne('mde-driverload-vboxdrv.json');
    expect(event.category).toBe('driver_load');
    expect(event.fields.ImageLoaded).toBe('C:\\ProgramData\\vb\\VBoxDrv.sys');
    expect(event.fields.Hashes).toBe('SHA1=9F8E7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C');
  });

  it('reads a DeviceEvents DnsQueryResponse from its AdditionalFields text as dns_query', () => {
    const event = parseOne('mde-dns-response.json');
    expect(event.category).toBe('dns_query');
    expect(event.fields).toMatchObject({
      QueryName: 'update.virtualbox.example',
      QueryResults: '192.0.2.80;192.0.2.81;',
      OriginalFileName: 'VBoxHeadless.exe',
    });
  });

  describe('near misses: other action types and tables stay irrelevant, not errors', () => {
    it.each([
      ['ConnectionFound', 'mde-network-vboxheadless.json'],
      ['NetworkSignatureInspected', 'mde-network-vboxheadless.json'],
      ['AntivirusDetection', 'mde-dns-response.json'],
    ])('yields nothing for a %s streaming record', (action, name) => {
      const record = fixture(name);
      const properties = { ...(record.properties as Record<string, unknown>), ActionType: action };
      expect(parser().parse(recordOf({ ...record, properties }))).toEqual({ ok: true, events: [] });
    });

    it('yields nothing for an action type filed under another table than its own', () => {
      const row = { ...fixture('mde-file-vdi-created.json'), Type: 'DeviceEvents' };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
      const record = { ...fixture('mde-network-vboxheadless.json'), category: 'AdvancedHunting-DeviceFileEvents' };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it('yields nothing for an unknown DeviceEvents action without throwing on its AdditionalFields', () => {
      const row = {
        ...fixture('mde-driverload-vboxdrv.json'),
        ActionType: 'PnpDeviceConnected',
        AdditionalFields: '{',
      };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
    });
  });

  describe('malformed rows fail with a reason, and never hide the good rows of their batch', () => {
    it.each([
      ['mde-network-vboxheadless.json', ['RemoteIP', 'RemotePort', 'LocalIP', 'LocalPort'], /without a destination/],
      ['mde-dns-response.json', ['AdditionalFields'], /without a query name/],
    ])('%s without its object', (name, drop, reason) => {
      const record = fixture(name);
      const properties = without(record.properties as Record<string, unknown>, ...drop);
      expect(parser().parse(recordOf({ ...record, properties }))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'mde', reason: expect.stringMatching(reason) },
      });
    });

    it.each([
      ['mde-file-vdi-created.json', /file event without a file path/],
      ['mde-imageload-vboxrt.json', /without the loaded image path/],
    ])('%s without FolderPath and FileName', (name, reason) => {
      const row = without(fixture(name), 'FolderPath', 'FileName');
      expect(parser().parse(recordOf(row))).toMatchObject({
        ok: false,
        error: { reason: expect.stringMatching(reason) },
      });
    });

    it('a registry row without RegistryKey', () => {
      const row = without(fixture('mde-registry-service.json'), 'RegistryKey');
      expect(parser().parse(recordOf(row))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', reason: 'registry event without a key path' },
      });
    });

    it('a batch mixing tables yields every valid row and skips the invalid one', () => {
      const broken = { ...fixture('mde-network-vboxheadless.json'), properties: { ActionType: 'ConnectionSuccess' } };
      const outcome = parser().parse(
        recordOf({ records: [fixture('mde-streaming-wsl-import.json'), broken, fixture('mde-dns-response.json')] }),
      );
      expect(outcome.ok && outcome.events.map((event) => event.category)).toEqual(['process_creation', 'dns_query']);
    });
  });
});
