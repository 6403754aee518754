import { crowdStrikeFdrParser } from '../../../lib/sources/edr/crowdstrike-fdr';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => crowdStrikeFdrParser.create();
const parseOne = (record: Record<string, unknown>) => onlyEvent(parser().parse(recordOf(record)));

describe('CrowdStrike FDR activity events', () => {
  describe('NetworkConnectIP4', () => {
    it('is a network_connection this host initiated, named by the acting process it reports', () => {
      const event = parseOne(fixture('crowdstrike-network-connect.json'));
      expect(event.category).toBe('network_connection');
      expect(event.time).toBe('2024-11-27T09:33:25.123Z');
      expect(event.fields).toMatchObject({
        Initiated: 'true',
        Protocol: 'tcp',
        SourceIp: '10.20.3.17',
        SourcePort: 50321,
        DestinationIp: '192.0.2.44',
        DestinationPort: 8443,
        DestinationIsIpv6: 'false',
        // Without the process start in the same batch, FDR names the process by its base name only.
        Image: 'VBoxHeadless.exe',
        ProcessGuid: '38654812345',
      });
      expect(event.host.agentId).toBe('4c2f8d7e1a9b4c3d8e7f6a5b4c3d2e1f');
    });

    it('takes the full image, command line and user from a process start earlier in the same batch', () => {
      const batch = parser();
      batch.parse(recordOf(fixture('crowdstrike-pr2-vboxmanage-windows.json')));
      const event = onlyEvent(batch.parse(recordOf(fixture('crowdstrike-network-connect.json'))));
      expect(event.fields).toMatchObject({
        Image: '\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
        CommandLine: '"C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe" startvm "kali" --type headless',
        ProcessId: 7312,
        User: 'jdoe',
      });
    });

    it('does not carry a process over from another batch', () => {
      parser().parse(recordOf(fixture('crowdstrike-pr2-vboxmanage-windows.json')));
      expect(parseOne(fixture('crowdstrike-network-connect.json')).fields.CommandLine).toBeUndefined();
    });

    it('keeps a bounded memory of process starts: the oldest are forgotten first', () => {
      const batch = parser();
      const start = fixture('crowdstrike-pr2-vboxmanage-windows.json');
      for (let i = 0; i <= 10_000; i++) batch.parse(recordOf({ ...start, TargetProcessId: `p${i}` }));
      const forgotten = { ...fixture('crowdstrike-network-connect.json'), ContextProcessId: 'p0' };
      const kept = { ...fixture('crowdstrike-network-connect.json'), ContextProcessId: 'p10000' };
      expect(onlyEvent(batch.parse(recordOf(forgotten))).fields.CommandLine).toBeUndefined();
      expect(onlyEvent(batch.parse(recordOf(kept))).fields.CommandLine).toBeDefined();
    });

    it('reads an IPv6 accept with the peer as source and Initiated false', () => {
      const record = {
        ...without(fixture('crowdstrike-network-connect.json'), 'LocalAddressIP4', 'RemoteAddressIP4'),
        event_simpleName: 'NetworkReceiveAcceptIP6',
        LocalAddressIP6: 'fd00::17',
        RemoteAddressIP6: 'fd00::99',
        Protocol: '17',
      };
      expect(parseOne(record).fields).toMatchObject({
        Initiated: 'false',
        Protocol: 'udp',
        SourceIp: 'fd00::99',
        DestinationIp: 'fd00::17',
        DestinationPort: 50321,
        DestinationIsIpv6: 'true',
      });
    });

    it('reads NetworkConnectIP6 from the IPv6 address columns', () => {
      const record = {
        ...without(fixture('crowdstrike-network-connect.json'), 'LocalAddressIP4', 'RemoteAddressIP4'),
        event_simpleName: 'NetworkConnectIP6',
        LocalAddressIP6: 'fd00::17',
        RemoteAddressIP6: '2001:db8::44',
      };
      expect(parseOne(record).fields).toMatchObject({
        Initiated: 'true',
        DestinationIp: '2001:db8::44',
        DestinationIsIpv6: 'true',
      });
    });

    it('reads a listen as the local socket inbound connections reach', () => {
      const record = { ...fixture('crowdstrike-network-connect.json'), event_simpleName: 'NetworkListenIP4' };
      const fields = parseOne(record).fields;
      expect(fields).toMatchObject({ Initiated: 'false', DestinationIp: '10.20.3.17', DestinationPort: 50321 });
      expect(fields.SourceIp).toBeUndefined();
    });
  });

  it('reads DnsRequest as dns_query with the answers joined as Sysmon joins them', () => {
    const record = {
      ...fixture('crowdstrike-dns-request.json'),
      IP4Records: '192.0.2.10;192.0.2.11;',
      CNAMERecords: 'cdn.virtualbox.example;',
      QueryStatus: '0',
    };
    const event = parseOne(record);
    expect(event.category).toBe('dns_query');
    expect(event.fields).toMatchObject({
      QueryName: 'download.virtualbox.org',
      QueryResults: '192.0.2.10;192.0.2.11;cdn.virtualbox.example;',
      QueryStatus: '0',
      ProcessGuid: '38654812345',
    });
  });

  it('reads DriverLoad as driver_load with a user-mode path and the driver version info', () => {
    const event = parseOne(fixture('crowdstrike-driverload.json'));
    expect(event.category).toBe('driver_load');
    expect(event.fields).toMatchObject({
      ImageLoaded: '\\ProgramData\\vb\\VBoxDrv.sys',
      OriginalFileName: 'VBoxDrv.sys',
      Company: 'Oracle Corporation',
      Hashes: 'SHA256=1F2E3D4C5B6A79880716F5E4D3C2B1A00F1E2D3C4B5A69788796A5B4C3D2E1F0',
    });
    expect(event.fields.Image).toBeUndefined();
    expect(event.host.hostname).toBe('WS-FIN-0142');
  });

  it.each(['PeFileWritten', 'NewExecutableWritten', 'ELFFileWritten', 'MachOFileWritten'])(
    'reads %s as file_event of an executable, naming the writer',
    (name) => {
      const event = parseOne({ ...fixture('crowdstrike-pe-written.json'), event_simpleName: name });
      expect(event.category).toBe('file_event');
      expect(event.fields).toMatchObject({
        TargetFilename: '\\ProgramData\\vb\\VBoxDrv.sys',
        IsExecutable: 'true',
        FileOperation: name,
        Image: 'powershell.exe',
      });
    },
  );

  it('prefers a full ContextImageFileName over the base name', () => {
    const record = {
      ...fixture('crowdstrike-pe-written.json'),
      ContextImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    };
    expect(parseOne(record).fields.Image).toBe('\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('reads ExecutableDeleted as file_delete', () => {
    const record = { ...fixture('crowdstrike-pe-written.json'), event_simpleName: 'ExecutableDeleted' };
    expect(parseOne(record).category).toBe('file_delete');
  });

  describe('near misses and malformed events', () => {
    it.each(['UserLogon', 'EndOfProcess', 'NetworkCloseIP4', 'AsepValueUpdate'])('yields nothing for %s', (name) => {
      const record = { ...fixture('crowdstrike-network-connect.json'), event_simpleName: name };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it.each([
      ['crowdstrike-network-connect.json', ['RemoteAddressIP4', 'RemotePort'], 'destination address or port'],
      ['crowdstrike-dns-request.json', ['DomainName'], 'without a query name'],
      ['crowdstrike-driverload.json', ['ImageFileName'], 'without the loaded image path'],
      ['crowdstrike-pe-written.json', ['TargetFileName'], 'without a file path'],
    ])('%s without %j fails with a reason', (name, drop, reason) => {
      const record = without(fixture(name), ...drop);
      expect(parser().parse(recordOf(record))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'crowdstrike-fdr', reason: expect.stringContaining(reason) },
      });
    });

    it('fails with missing-field when an activity event has no usable time', () => {
      const record = without(fixture('crowdstrike-network-connect.json'), 'timestamp', 'ContextTimeStamp');
      expect(parser().parse(recordOf(record))).toMatchObject({ ok: false, error: { code: 'missing-field' } });
    });
  });
});
