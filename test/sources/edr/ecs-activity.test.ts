import { ecsParser } from '../../../lib/sources/edr/ecs';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => ecsParser.create();
const parseOne = (record: Record<string, unknown>) => onlyEvent(parser().parse(recordOf(record)));
const withEvent = (name: string, event: Record<string, unknown>) => ({ ...fixture(name), event });

describe('Elastic Common Schema activity events', () => {
  describe('network', () => {
    it('reads a connection attempt as a network_connection this host initiated', () => {
      const event = parseOne(fixture('ecs-network-connection.json'));
      expect(event.category).toBe('network_connection');
      expect(event.fields).toMatchObject({
        Initiated: 'true',
        DestinationIp: '198.51.100.7',
        DestinationPort: 443,
        Image: '/usr/bin/curl',
        ProcessId: 5001,
      });
    });

    it('reads network.direction ingress as Initiated false, keeping ECS source/destination (initiator first)', () => {
      const record = {
        ...fixture('ecs-network-connection.json'),
        event: { category: ['network'], type: ['start'], action: 'connection_accepted' },
        network: { direction: 'ingress', transport: 'TCP' },
        source: { ip: '203.0.113.9', port: 61000 },
      };
      expect(parseOne(record).fields).toMatchObject({
        Initiated: 'false',
        Protocol: 'tcp',
        SourceIp: '203.0.113.9',
        DestinationIp: '198.51.100.7',
      });
    });

    it('skips connection ends, which repeat the start', () => {
      const end = withEvent('ecs-network-connection.json', {
        category: ['network'],
        type: ['end', 'connection'],
        action: 'disconnect_received',
      });
      expect(parser().parse(recordOf(end))).toEqual({ ok: true, events: [] });
    });
  });

  it('reads a DNS lookup (network + dns.*) as dns_query', () => {
    const event = parseOne(fixture('ecs-dns-lookup.json'));
    expect(event.category).toBe('dns_query');
    expect(event.fields).toMatchObject({
      QueryName: 'mirror.alpine.example',
      QueryResults: '198.51.100.21;198.51.100.22;',
      Image: '/home/dev/.cache/q/qemu-system-x86_64',
    });
    const answers = {
      ...without(fixture('ecs-dns-lookup.json'), 'dns'),
      dns: { question: { name: 'a.example' }, answers: [{ data: '192.0.2.1' }] },
    };
    expect(parseOne(answers).fields.QueryResults).toBe('192.0.2.1;');
  });

  describe('file', () => {
    it('reads a rename with Sigma names: new path TargetFilename, old path SourceFilename', () => {
      const event = parseOne(fixture('ecs-file-rename.json'));
      expect(event.category).toBe('file_rename');
      expect(event.fields).toMatchObject({
        TargetFilename: 'C:\\Users\\dev\\AppData\\Roaming\\.cache\\base.vmdk',
        SourceFilename: 'C:\\Users\\dev\\AppData\\Roaming\\.cache\\base.tmp',
        User: 'CORP\\dev',
      });
    });

    it.each([
      [{ category: ['file'], type: ['creation'], action: 'creation' }, 'file_event'],
      [{ category: ['file'], type: ['change'], action: 'overwrite' }, 'file_event'],
      [{ category: ['file'], type: ['change'], action: 'modification' }, 'file_change'],
      [{ category: ['file'], type: ['deletion'], action: 'deletion' }, 'file_delete'],
      [{ category: ['file'], type: ['change'], action: 'updated' }, 'file_change'],
      [{ category: ['file'], type: ['creation'], action: 'created' }, 'file_event'],
    ])('maps %j to %s', (event, category) => {
      expect(parseOne(withEvent('ecs-file-rename.json', event)).category).toBe(category);
    });

    it('yields nothing for file accesses that change nothing', () => {
      const open = withEvent('ecs-file-rename.json', { category: ['file'], type: ['access'], action: 'open' });
      expect(parser().parse(recordOf(open))).toEqual({ ok: true, events: [] });
    });
  });

  describe('registry', () => {
    it('reads a value change as registry_set in Sysmon spelling with DWORD data', () => {
      const event = parseOne(fixture('ecs-registry-value.json'));
      expect(event.category).toBe('registry_set');
      expect(event.fields).toMatchObject({
        TargetObject: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxNetLwf\\Start',
        EventType: 'SetValue',
        Details: 'DWORD (0x00000002)',
      });
    });

    it('reads key creation and deletions', () => {
      const key = without(fixture('ecs-registry-value.json'), 'registry');
      const created = {
        ...key,
        event: { category: ['registry'], type: ['creation'] },
        registry: { hive: 'HKLM', key: 'SOFTWARE\\Oracle\\VirtualBox' },
      };
      expect(parseOne(created)).toMatchObject({
        category: 'registry_add',
        fields: { TargetObject: 'HKLM\\SOFTWARE\\Oracle\\VirtualBox', EventType: 'CreateKey' },
      });
      const deleted = withEvent('ecs-registry-value.json', { category: ['registry'], type: ['deletion'] });
      expect(parseOne(deleted)).toMatchObject({ category: 'registry_delete', fields: { EventType: 'DeleteValue' } });
    });
  });

  describe('library and driver loads', () => {
    it('reads a library load as image_load with the DLL signature in Sysmon terms and the DLL version info', () => {
      const event = parseOne(fixture('ecs-library-load.json'));
      expect(event.category).toBe('image_load');
      expect(event.fields).toMatchObject({
        ImageLoaded: 'C:\\Users\\dev\\Downloads\\vb\\VBoxVMM.dll',
        Signed: 'true',
        Signature: 'Oracle America, Inc.',
        SignatureStatus: 'Expired',
        OriginalFileName: 'VBoxVMM.dll',
        Product: 'Oracle VM VirtualBox',
        Image: 'C:\\Users\\dev\\Downloads\\vb\\VirtualBoxVM.exe',
      });
    });

    it('reads a library load into System (pid 4), as Elastic Defend reports drivers, as driver_load', () => {
      const event = parseOne(fixture('ecs-driver-load.json'));
      expect(event.category).toBe('driver_load');
      expect(event.fields).toMatchObject({
        ImageLoaded: 'C:\\Users\\dev\\Downloads\\vb\\VBoxSup.sys',
        SignatureStatus: 'Valid',
      });
    });

    it('reads the ECS driver category with a file path as driver_load', () => {
      const record = {
        ...without(fixture('ecs-driver-load.json'), 'dll', 'process'),
        event: { category: ['driver'], type: ['start'], action: 'load' },
        host: { name: 'kvm-host-02', os: { type: 'linux' } },
        file: { path: '/tmp/kvm.ko' },
      };
      expect(parseOne(record)).toMatchObject({
        category: 'driver_load',
        platform: 'linux',
        fields: { ImageLoaded: '/tmp/kvm.ko' },
      });
    });

    it('yields nothing for an unload', () => {
      const unload = withEvent('ecs-library-load.json', { category: ['library'], type: ['end'], action: 'unload' });
      expect(parser().parse(recordOf(unload))).toEqual({ ok: true, events: [] });
    });
  });

  describe('malformed events fail with a reason', () => {
    it.each([
      ['ecs-network-connection.json', 'destination', 'destination address or port'],
      ['ecs-file-rename.json', 'file', 'without a file path'],
      ['ecs-registry-value.json', 'registry', 'without a key path'],
      ['ecs-library-load.json', 'dll', 'without the loaded image path'],
    ])('%s without %s', (name, drop, reason) => {
      expect(parser().parse(recordOf(without(fixture(name), drop)))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'ecs', reason: expect.stringContaining(reason) },
      });
    });
  });
});
