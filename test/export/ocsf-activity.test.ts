import { toOcsf } from '../../lib/export/ocsf';
import type { EventCategory, EventFields, NormalizedEvent, Platform } from '../../lib/model';
import { ocsfParser } from '../../lib/sources/edr/ocsf';
import type { RecordInput } from '../../lib/sources/parser';

function eventOf(category: EventCategory, fields: EventFields, platform: Platform = 'windows'): NormalizedEvent {
  return {
    category,
    platform,
    time: '2026-11-28T08:41:05.441Z',
    timeMs: Date.parse('2026-11-28T08:41:05.441Z'),
    host: { hostname: 'ws-eng-0031', agentId: 'c5a964ea' },
    provenance: { envelope: 'sqs', index: 0, format: 'mde', recordId: '20411' },
    fields,
  };
}

/** The acting process as the EDR parsers give it: a renamed VirtualBox frontend. */
const ACTOR: EventFields = {
  Image: 'C:\\Users\\asmith\\AppData\\Local\\Temp\\vb\\svc-helper.exe',
  CommandLine: 'svc-helper.exe --startvm 7c1e',
  ProcessId: 7420,
  User: 'CONTOSO\\asmith',
  Product: 'Oracle VM VirtualBox',
  Company: 'Oracle Corporation',
};

/** The event read back by vmsentry's own OCSF parser. */
function readBack(record: Record<string, unknown>): NormalizedEvent {
  const input: RecordInput = {
    text: JSON.stringify(record),
    json: record,
    position: { envelope: 'sqs', index: 0, messageId: 'm' },
    context: {},
  };
  const outcome = ocsfParser.create().parse(input);
  if (!outcome.ok || outcome.events.length !== 1 || outcome.events[0] === undefined) {
    throw new Error(`not read back: ${JSON.stringify(outcome)}`);
  }
  return outcome.events[0];
}

/** Exported and read back, an event keeps its category, host, time and every field OCSF has an attribute for. */
function expectRoundTrip(event: NormalizedEvent): void {
  const back = readBack(toOcsf(event));
  expect(back).toMatchObject({
    category: event.category,
    platform: event.platform,
    timeMs: event.timeMs,
    host: event.host,
  });
  expect(back.fields).toMatchObject(event.fields as Record<string, unknown>);
}

describe('OCSF export of endpoint activity', () => {
  describe('network_connection as Network Activity: Open', () => {
    const fields: EventFields = {
      ...ACTOR,
      Initiated: 'true',
      Protocol: 'tcp',
      SourceIp: '10.20.3.31',
      SourcePort: 50112,
      DestinationIp: '192.0.2.44',
      DestinationPort: 8443,
      DestinationHostname: 'vm.example',
      DestinationIsIpv6: 'false',
    };
    const record = toOcsf(eventOf('network_connection', fields));

    it('has the Network Activity classification and the connection direction', () => {
      expect(record).toMatchObject({
        class_uid: 4001,
        category_uid: 4,
        activity_id: 1,
        type_uid: 400101,
        connection_info: { protocol_name: 'tcp', direction_id: 2, direction: 'Outbound', protocol_ver_id: 4 },
        src_endpoint: { ip: '10.20.3.31', port: 50112 },
        dst_endpoint: { ip: '192.0.2.44', port: 8443, hostname: 'vm.example' },
      });
    });

    it('names the acting process, with its version info, as actor.process', () => {
      expect(record).toMatchObject({
        actor: {
          process: {
            pid: 7420,
            file: { path: ACTOR.Image, product: { name: 'Oracle VM VirtualBox' }, company_name: 'Oracle Corporation' },
          },
          user: { name: 'CONTOSO\\asmith' },
        },
      });
      expect(record.unmapped).toBeDefined();
      expect((record.unmapped as Record<string, unknown>).Initiated).toBeUndefined();
    });

    it('reads back as the same event', () => expectRoundTrip(eventOf('network_connection', fields)));

    it('reports an accepted connection as Inbound and an unknown direction as Unknown', () => {
      expect(toOcsf(eventOf('network_connection', { ...fields, Initiated: 'false' }))).toMatchObject({
        connection_info: { direction_id: 1 },
      });
      const unknown = toOcsf(eventOf('network_connection', { DestinationIp: '192.0.2.44' }));
      expect(unknown).toMatchObject({ connection_info: { direction_id: 0 }, actor: {}, src_endpoint: {} });
    });
  });

  describe('dns_query as DNS Activity', () => {
    const fields: EventFields = {
      ...ACTOR,
      QueryName: 'update.virtualbox.example',
      QueryResults: '192.0.2.80;192.0.2.81;',
      QueryStatus: '0',
    };

    it('is a Response with the answers and NoError when Sysmon reported success', () => {
      expect(toOcsf(eventOf('dns_query', fields))).toMatchObject({
        class_uid: 4003,
        activity_id: 2,
        type_uid: 400302,
        query: { hostname: 'update.virtualbox.example' },
        answers: [{ rdata: '192.0.2.80' }, { rdata: '192.0.2.81' }],
        rcode_id: 0,
      });
    });

    it('is a Query when nothing was answered, and keeps answers it cannot split under unmapped', () => {
      expect(toOcsf(eventOf('dns_query', { QueryName: 'a.example' }))).toMatchObject({ activity_id: 1 });
      const odd = toOcsf(eventOf('dns_query', { QueryName: 'a.example', QueryResults: 'IPv4 192.0.2.90' }));
      expect(odd.answers).toBeUndefined();
      expect(odd.unmapped).toMatchObject({ QueryResults: 'IPv4 192.0.2.90' });
    });

    it('reads back as the same event', () => expectRoundTrip(eventOf('dns_query', fields)));
  });

  describe('file events as File System Activity', () => {
    it.each([
      ['file_event', 1, 'Create'],
      ['file_change', 3, 'Update'],
      ['file_delete', 4, 'Delete'],
    ] as const)('%s is activity %d %s, the file hashed, the actor without its own hashes', (category, id, name) => {
      const fields = { ...ACTOR, TargetFilename: 'C:\\Temp\\vb\\disk1.vdi', Hashes: 'SHA256=5E1F2A3B' };
      const record = toOcsf(eventOf(category, fields));
      expect(record).toMatchObject({
        class_uid: 1001,
        activity_id: id,
        activity_name: name,
        file: { path: 'C:\\Temp\\vb\\disk1.vdi', name: 'disk1.vdi', hashes: [{ algorithm_id: 3, value: '5E1F2A3B' }] },
      });
      expect((record.actor as { process: { file: Record<string, unknown> } }).process.file.hashes).toBeUndefined();
      expectRoundTrip(eventOf(category, fields));
    });

    it('writes a rename as Rename: the old path as file, the new one as file_result', () => {
      const fields: EventFields = {
        ...ACTOR,
        TargetFilename: 'C:\\Temp\\base.vmdk',
        SourceFilename: 'C:\\Temp\\base.tmp',
        TargetFilenameNew: 'C:\\Temp\\base.vmdk',
      };
      expect(toOcsf(eventOf('file_rename', fields))).toMatchObject({
        activity_id: 5,
        file: { path: 'C:\\Temp\\base.tmp' },
        file_result: { path: 'C:\\Temp\\base.vmdk' },
      });
      expectRoundTrip(eventOf('file_rename', fields));
    });
  });

  describe('registry events as Registry Key / Value Activity (Windows extension)', () => {
    it('writes registry_set as a value Set: key path and value name apart, the data as data', () => {
      const fields: EventFields = {
        ...ACTOR,
        TargetObject: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX\\Start',
        Details: 'DWORD (0x00000001)',
        EventType: 'SetValue',
      };
      expect(toOcsf(eventOf('registry_set', fields))).toMatchObject({
        class_uid: 201002,
        activity_id: 2,
        type_uid: 20100202,
        reg_value: {
          path: 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\VBoxDrvX',
          name: 'Start',
          data: 'DWORD (0x00000001)',
        },
        metadata: { extensions: [{ name: 'win', uid: '2' }] },
      });
      expectRoundTrip(eventOf('registry_set', fields));
    });

    it.each([
      ['registry_add', 'CreateKey', 201001, 1],
      ['registry_delete', 'DeleteKey', 201001, 4],
      ['registry_delete', 'DeleteValue', 201002, 4],
    ] as const)('writes %s (%s) as class %d activity %d', (category, eventType, uid, id) => {
      const fields: EventFields = {
        ...ACTOR,
        TargetObject: 'HKLM\\SOFTWARE\\Oracle\\VirtualBox\\Home',
        EventType: eventType,
      };
      expect(toOcsf(eventOf(category, fields))).toMatchObject({ class_uid: uid, activity_id: id });
      expectRoundTrip(eventOf(category, fields));
    });

    it('writes a key rename as Rename with the old key as prev_reg_key', () => {
      const fields: EventFields = {
        ...ACTOR,
        TargetObject: 'HKLM\\SOFTWARE\\A',
        NewName: 'HKLM\\SOFTWARE\\B',
        EventType: 'RenameKey',
      };
      expect(toOcsf(eventOf('registry_rename', fields))).toMatchObject({
        class_uid: 201001,
        activity_id: 5,
        reg_key: { path: 'HKLM\\SOFTWARE\\B' },
        prev_reg_key: { path: 'HKLM\\SOFTWARE\\A' },
      });
      expectRoundTrip(eventOf('registry_rename', fields));
    });
  });

  describe('loads as Module and Kernel Extension Activity', () => {
    const loaded: EventFields = {
      Image: 'C:\\Users\\dev\\vb\\VirtualBoxVM.exe',
      ProcessId: 7711,
      ImageLoaded: 'C:\\Users\\dev\\vb\\VBoxVMM.dll',
      Hashes: 'SHA256=AA00BB11',
      Product: 'Oracle VM VirtualBox',
      Company: 'Oracle Corporation',
      Signed: 'true',
      Signature: 'Oracle America, Inc.',
      SignatureStatus: 'Expired',
    };

    it('writes image_load as Module Activity Load, the version info and signature on the module', () => {
      const record = toOcsf(eventOf('image_load', loaded));
      expect(record).toMatchObject({
        class_uid: 1005,
        activity_id: 1,
        type_uid: 100501,
        module: {
          file: {
            path: 'C:\\Users\\dev\\vb\\VBoxVMM.dll',
            product: { name: 'Oracle VM VirtualBox' },
            hashes: [{ algorithm_id: 3, value: 'AA00BB11' }],
            signature: { certificate: { subject: 'Oracle America, Inc.' }, state_id: 2, state: 'Expired' },
          },
        },
        actor: { process: { pid: 7711, file: { path: 'C:\\Users\\dev\\vb\\VirtualBoxVM.exe' } } },
      });
      expect((record.actor as { process: { file: Record<string, unknown> } }).process.file.product).toBeUndefined();
      expectRoundTrip(eventOf('image_load', loaded));
    });

    it('writes driver_load as Kernel Extension Activity Load', () => {
      const driver: EventFields = { ImageLoaded: '/tmp/kvm-intel.ko', Image: '/usr/sbin/insmod' };
      expect(toOcsf(eventOf('driver_load', driver, 'linux'))).toMatchObject({
        class_uid: 1002,
        activity_id: 1,
        driver: { file: { path: '/tmp/kvm-intel.ko', name: 'kvm-intel.ko' } },
      });
      expectRoundTrip(eventOf('driver_load', driver, 'linux'));
    });

    it('omits the signature of an unsigned image and keeps Signed false under unmapped', () => {
      const record = toOcsf(eventOf('driver_load', { ImageLoaded: 'C:\\x.sys', Signed: 'false' }));
      expect(record).toMatchObject({ driver: { file: { path: 'C:\\x.sys' } }, unmapped: { Signed: 'false' } });
      expect((record.driver as { file: Record<string, unknown> }).file.signature).toBeUndefined();
    });
  });
});
