import { ocsfParser } from '../../../lib/sources/edr/ocsf';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => ocsfParser.create();
const parseOne = (record: Record<string, unknown>) => onlyEvent(parser().parse(recordOf(record)));

describe('OCSF endpoint activity classes', () => {
  describe('Network Activity (4001)', () => {
    it('reads an outbound Open of a process as network_connection', () => {
      const event = parseOne(fixture('ocsf-network-activity.json'));
      expect(event.category).toBe('network_connection');
      expect(event.platform).toBe('linux');
      expect(event.fields).toMatchObject({
        Initiated: 'true',
        Protocol: 'tcp',
        SourceIp: '172.31.9.44',
        DestinationIp: '198.51.100.7',
        DestinationPort: 22,
        DestinationIsIpv6: 'false',
        Image: '/tmp/.x/qemu-system-x86_64',
        User: 'deploy',
      });
      expect(event.host.instanceId).toBe('i-0123456789abcdef0');
      expect(event.provenance.recordId).toBe('net-0001');
    });

    it('reads an inbound connection as Initiated false and a Listen by its local socket', () => {
      const inbound = { ...fixture('ocsf-network-activity.json'), connection_info: { direction_id: 1 } };
      expect(parseOne(inbound).fields.Initiated).toBe('false');
      const listen = { ...without(fixture('ocsf-network-activity.json'), 'dst_endpoint'), activity_id: 7 };
      expect(parseOne(listen).fields).toMatchObject({ Initiated: 'false', DestinationPort: 40122 });
    });

    it.each([4, 6])('reads activity %d (Fail, Traffic) as a connection too', (activity_id) => {
      expect(parseOne({ ...fixture('ocsf-network-activity.json'), activity_id }).category).toBe('network_connection');
    });

    it('ignores Close and Reset, and flow records that name no process (VPC flow logs)', () => {
      for (const activity_id of [2, 3, 5]) {
        expect(parser().parse(recordOf({ ...fixture('ocsf-network-activity.json'), activity_id }))).toEqual({
          ok: true,
          events: [],
        });
      }
      expect(parser().parse(recordOf(without(fixture('ocsf-network-activity.json'), 'actor')))).toEqual({
        ok: true,
        events: [],
      });
    });
  });

  it('reads DNS Activity (4003) as dns_query with answers and the response code', () => {
    const event = parseOne(fixture('ocsf-dns-activity.json'));
    expect(event.category).toBe('dns_query');
    expect(event.fields).toMatchObject({
      QueryName: 'dl-cdn.alpine.example',
      QueryResults: '198.51.100.30;198.51.100.31;',
      QueryStatus: '0',
      Image: '/tmp/.x/qemu-system-x86_64',
    });
  });

  describe('File System Activity (1001)', () => {
    it.each([
      [1, 'file_event'],
      [3, 'file_change'],
      [4, 'file_delete'],
    ])('maps activity %d to %s', (activity_id, category) => {
      const event = parseOne({ ...fixture('ocsf-file-activity.json'), activity_id });
      expect(event.category).toBe(category);
      expect(event.fields.TargetFilename).toBe('/srv/vm/x.vmx');
    });

    it('reads a Rename with Sigma names: file_result is the new TargetFilename, file the SourceFilename', () => {
      const record = {
        ...fixture('ocsf-file-activity.json'),
        activity_id: 5,
        file: { name: 'x.part', parent_folder: '/srv/vm' },
        file_result: { name: 'x.vmx', path: '/srv/vm/x.vmx' },
      };
      expect(parseOne(record)).toMatchObject({
        category: 'file_rename',
        fields: { TargetFilename: '/srv/vm/x.vmx', SourceFilename: '/srv/vm/x.part' },
      });
    });

    it('ignores reads, opens and attribute changes', () => {
      for (const activity_id of [2, 6, 14]) {
        expect(parser().parse(recordOf({ ...fixture('ocsf-file-activity.json'), activity_id }))).toEqual({
          ok: true,
          events: [],
        });
      }
    });
  });

  describe('Registry Key (201001) and Value (201002) Activity', () => {
    it('reads a value Set as registry_set: key path and value name joined, Sysmon spelling', () => {
      const event = parseOne(fixture('ocsf-registry-value.json'));
      expect(event.category).toBe('registry_set');
      expect(event.fields).toMatchObject({
        TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\vmhelper',
        EventType: 'SetValue',
        Details: 'C:\\Users\\alice\\vb\\VBoxHeadless.exe --startvm k',
        Image: 'C:\\Windows\\System32\\reg.exe',
        User: 'LAB\\alice',
      });
    });

    it('reads a value Delete, and ignores a value Get', () => {
      expect(parseOne({ ...fixture('ocsf-registry-value.json'), activity_id: 4 })).toMatchObject({
        category: 'registry_delete',
        fields: { EventType: 'DeleteValue' },
      });
      expect(parser().parse(recordOf({ ...fixture('ocsf-registry-value.json'), activity_id: 1 }))).toEqual({
        ok: true,
        events: [],
      });
    });

    it.each([
      [1, 'registry_add', 'CreateKey'],
      [4, 'registry_delete', 'DeleteKey'],
    ])('reads key activity %d as %s', (activity_id, category, eventType) => {
      const record = {
        ...without(fixture('ocsf-registry-value.json'), 'reg_value'),
        class_uid: 201001,
        activity_id,
        reg_key: { path: 'HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\VBoxDrv' },
      };
      expect(parseOne(record)).toMatchObject({
        category,
        fields: { TargetObject: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrv', EventType: eventType },
      });
    });

    it('reads a key Rename as Sysmon 14: prev_reg_key is the TargetObject, reg_key the NewName', () => {
      const record = {
        ...without(fixture('ocsf-registry-value.json'), 'reg_value'),
        class_uid: 201001,
        activity_id: 5,
        reg_key: { path: 'HKLM\\SOFTWARE\\B' },
        prev_reg_key: { path: 'HKLM\\SOFTWARE\\A' },
      };
      expect(parseOne(record).fields).toMatchObject({
        TargetObject: 'HKLM\\SOFTWARE\\A',
        NewName: 'HKLM\\SOFTWARE\\B',
      });
    });
  });

  it('reads Module Activity (1005) Load as image_load, describing the module (not the process) as Sysmon 7 does', () => {
    const event = parseOne(fixture('ocsf-module-load.json'));
    expect(event.category).toBe('image_load');
    expect(event.fields).toMatchObject({
      ImageLoaded: 'C:\\Users\\alice\\vb\\VBoxRT.dll',
      Company: 'Oracle Corporation',
      Product: 'Oracle VM VirtualBox',
      Signed: 'true',
      Signature: 'Oracle America, Inc.',
      SignatureStatus: 'Valid',
      Image: 'C:\\Users\\alice\\vb\\VirtualBoxVM.exe',
    });
    expect(parser().parse(recordOf({ ...fixture('ocsf-module-load.json'), activity_id: 2 }))).toEqual({
      ok: true,
      events: [],
    });
  });

  it('reads Kernel Extension Activity (1002) Load as driver_load', () => {
    const event = parseOne(fixture('ocsf-kernel-extension.json'));
    expect(event).toMatchObject({
      category: 'driver_load',
      platform: 'linux',
      fields: { ImageLoaded: '/tmp/kvm-intel.ko', Image: '/usr/sbin/insmod', CommandLine: 'insmod /tmp/kvm-intel.ko' },
    });
  });

  describe('malformed records fail with a reason', () => {
    it.each([
      ['ocsf-network-activity.json', ['dst_endpoint'], 'destination address or port'],
      ['ocsf-dns-activity.json', ['query'], 'without a query name'],
      ['ocsf-file-activity.json', ['file'], 'without a file path'],
      ['ocsf-registry-value.json', ['reg_value'], 'without a key path'],
      ['ocsf-module-load.json', ['module'], 'without the loaded image path'],
      ['ocsf-kernel-extension.json', ['driver'], 'without the loaded image path'],
      ['ocsf-dns-activity.json', ['time'], 'without a usable time'],
    ])('%s without %j', (name, drop, reason) => {
      expect(parser().parse(recordOf(without(fixture(name), ...drop)))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'ocsf', reason: expect.stringContaining(reason) },
      });
    });
  });
});
