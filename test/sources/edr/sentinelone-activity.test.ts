import { sentinelOneParser } from '../../../lib/sources/edr/sentinelone';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => sentinelOneParser.create();
const parseOne = (record: Record<string, unknown>) => onlyEvent(parser().parse(recordOf(record)));

describe('SentinelOne Deep Visibility activity events', () => {
  describe('IP Connect (Data Lake shape)', () => {
    const event = parseOne(fixture('sentinelone-sdl-ip-connect.json'));

    it('is an outgoing network_connection with Sysmon-named endpoints', () => {
      expect(event.category).toBe('network_connection');
      expect(event.fields).toMatchObject({
        Initiated: 'true',
        Protocol: 'tcp',
        SourceIp: '10.30.1.22',
        SourcePort: 51000,
        DestinationIp: '192.0.2.50',
        DestinationPort: 902,
      });
    });

    it('keeps the acting process (src.process) and its parent', () => {
      expect(event.fields).toMatchObject({
        Image: 'C:\\Users\\operator\\Downloads\\ws\\vmware-vmx.exe',
        ProcessId: 6120,
        User: 'LAB\\operator',
        Signer: 'VMware, Inc.',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      });
      expect(event.host.hostname).toBe('LAB-WKS-22');
      expect(event.provenance.recordId).toBe('01JDQ1A2B3C4D5E6F7G8H9J0K1');
    });

    it('reads INCOMING as Initiated false and IP Listen as the local socket', () => {
      const incoming = { ...fixture('sentinelone-sdl-ip-connect.json'), 'event.network.direction': 'INCOMING' };
      expect(parseOne(incoming).fields.Initiated).toBe('false');
      const listen = {
        ...without(fixture('sentinelone-sdl-ip-connect.json'), 'dst.ip.address', 'dst.port.number'),
        'event.type': 'IP Listen',
      };
      expect(parseOne(listen).fields).toMatchObject({
        Initiated: 'false',
        DestinationIp: '10.30.1.22',
        DestinationPort: 51000,
      });
    });
  });

  it('reads a legacy-shape DNS Resolved event as dns_query', () => {
    const event = parseOne(fixture('sentinelone-dv-dns.json'));
    expect(event.category).toBe('dns_query');
    expect(event.fields).toMatchObject({
      QueryName: 'softwareupdate.vmware.example',
      QueryResults: 'IPv4 192.0.2.90;',
      Image: 'C:\\Users\\operator\\Downloads\\ws\\vmware-vmx.exe',
      ProcessId: 6120,
    });
    expect(parseOne({ ...fixture('sentinelone-dv-dns.json'), eventType: 'DNS Unresolved' }).category).toBe('dns_query');
  });

  describe('file events', () => {
    it('reads File Creation as file_event of the acting process', () => {
      const event = parseOne(fixture('sentinelone-sdl-file-creation.json'));
      expect(event.category).toBe('file_event');
      expect(event.fields.TargetFilename).toBe('C:\\vm\\x.vmx.lck\\M12345.lck');
      expect(event.fields.Image).toBe('C:\\Program Files (x86)\\VMware\\VMware Workstation\\vmrun.exe');
    });

    it.each([
      ['File Modification', 'file_change'],
      ['File Deletion', 'file_delete'],
    ])('maps %s to %s', (type, category) => {
      expect(parseOne({ ...fixture('sentinelone-sdl-file-creation.json'), 'event.type': type }).category).toBe(
        category,
      );
    });

    it('reads File Rename with Sigma names: new path TargetFilename, old path SourceFilename', () => {
      const record = {
        ...fixture('sentinelone-sdl-file-creation.json'),
        'event.type': 'File Rename',
        'tgt.file.path': 'C:\\Users\\op\\AppData\\Local\\Temp\\w.vmdk',
        'tgt.file.oldPath': 'C:\\Users\\op\\AppData\\Local\\Temp\\w.part',
      };
      expect(parseOne(record).fields).toMatchObject({
        TargetFilename: 'C:\\Users\\op\\AppData\\Local\\Temp\\w.vmdk',
        SourceFilename: 'C:\\Users\\op\\AppData\\Local\\Temp\\w.part',
      });
    });

    it('reads the legacy file columns', () => {
      const record = {
        ...fixture('sentinelone-dv-vmrun.json'),
        eventType: 'File Creation',
        fileFullName: 'C:\\Users\\op\\Temp\\sandbox.wsb',
        fileSha256: 'ab'.repeat(32),
      };
      expect(parseOne(record).fields).toMatchObject({
        TargetFilename: 'C:\\Users\\op\\Temp\\sandbox.wsb',
        Hashes: `SHA256=${'AB'.repeat(32)}`,
      });
    });
  });

  describe('registry events', () => {
    it('reads Registry Value Modified as registry_set in Sysmon spelling (MACHINE\\ becomes HKLM\\)', () => {
      const event = parseOne(fixture('sentinelone-sdl-registry-value.json'));
      expect(event.category).toBe('registry_set');
      expect(event.fields).toMatchObject({
        EventType: 'SetValue',
        TargetObject: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\vmx86\\ImagePath',
        Details: '\\??\\C:\\Users\\operator\\Downloads\\ws\\vmx86.sys',
        Image: 'C:\\Windows\\System32\\reg.exe',
      });
    });

    it.each([
      ['Registry Value Create', 'registry_set', 'SetValue'],
      ['Registry Key Create', 'registry_add', 'CreateKey'],
      ['Registry Key Delete', 'registry_delete', 'DeleteKey'],
      ['Registry Value Delete', 'registry_delete', 'DeleteValue'],
      ['Registry Key Rename', 'registry_rename', 'RenameKey'],
    ])('maps %s to %s (%s)', (type, category, eventType) => {
      const event = parseOne({ ...fixture('sentinelone-sdl-registry-value.json'), 'event.type': type });
      expect(event.category).toBe(category);
      expect(event.fields.EventType).toBe(eventType);
    });

    it('names a user hive path HKU\\<sid> (USER\\ in SentinelOne)', () => {
      const record = {
        ...fixture('sentinelone-sdl-registry-value.json'),
        'registry.keyPath': 'USER\\S-1-5-21-9-8-7-1001\\Software\\VMware, Inc.\\VMware Workstation',
      };
      expect(parseOne(record).fields.TargetObject).toBe(
        'HKU\\S-1-5-21-9-8-7-1001\\Software\\VMware, Inc.\\VMware Workstation',
      );
    });
  });

  it('reads the legacy network and registry columns', () => {
    const connect = {
      ...fixture('sentinelone-dv-dns.json'),
      eventType: 'IP Connect',
      direction: 'OUTGOING',
      srcIp: '10.30.1.22',
      srcPort: 51000,
      dstIp: '192.0.2.50',
      dstPort: 443,
    };
    expect(parseOne(connect).fields).toMatchObject({
      Initiated: 'true',
      DestinationIp: '192.0.2.50',
      DestinationPort: 443,
    });
    const registry = {
      ...fixture('sentinelone-dv-dns.json'),
      eventType: 'Registry Key Create',
      registryPath: 'MACHINE\\SOFTWARE\\VMware, Inc.',
    };
    expect(parseOne(registry).fields).toMatchObject({
      TargetObject: 'HKLM\\SOFTWARE\\VMware, Inc.',
      EventType: 'CreateKey',
    });
  });

  describe('near misses and malformed events', () => {
    it.each(['Login', 'Module Load', 'Task Register', 'Behavioral Indicators'])('yields nothing for %s', (type) => {
      const record = { ...fixture('sentinelone-sdl-ip-connect.json'), 'event.type': type };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it.each([
      ['sentinelone-sdl-ip-connect.json', ['dst.ip.address', 'dst.port.number'], 'destination address or port'],
      ['sentinelone-dv-dns.json', ['dnsRequest'], 'without a query name'],
      ['sentinelone-sdl-file-creation.json', ['tgt.file.path'], 'without a file path'],
      ['sentinelone-sdl-registry-value.json', ['registry.keyPath'], 'without a key path'],
    ])('%s without %j fails with a reason', (name, drop, reason) => {
      expect(parser().parse(recordOf(without(fixture(name), ...drop)))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'sentinelone', reason: expect.stringContaining(reason) },
      });
    });
  });
});
