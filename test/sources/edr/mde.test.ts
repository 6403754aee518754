import { mdeParser } from '../../../lib/sources/edr/mde';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => mdeParser.create();
const streaming = () => fixture('mde-streaming-wsl-import.json');
const properties = () => streaming().properties as Record<string, unknown>;

describe('Microsoft Defender for Endpoint parser', () => {
  describe('sniff', () => {
    it('recognises streaming API records, Event Hub batches and advanced-hunting rows', () => {
      expect(parser().sniff(recordOf(streaming()))).toBe(true);
      expect(parser().sniff(recordOf({ records: [streaming()] }))).toBe(true);
      expect(parser().sniff(recordOf(fixture('mde-hunting-row-linux.json')))).toBe(true);
    });

    it('rejects other EDRs, empty batches and unrelated category fields', () => {
      expect(parser().sniff(recordOf(fixture('crowdstrike-pr2-vboxmanage-windows.json')))).toBe(false);
      expect(parser().sniff(recordOf({ records: [] }))).toBe(false);
      expect(parser().sniff(recordOf({ records: [{ eventName: 'RunInstances' }] }))).toBe(false);
      expect(parser().sniff(recordOf({ category: 'AdvancedHunting-DeviceProcessEvents' }))).toBe(false);
    });
  });

  describe('a streaming DeviceProcessEvents record importing a WSL distribution (T1564.006)', () => {
    const event = onlyEvent(parser().parse(recordOf(streaming())));

    it('is a Windows process_creation event at the row Timestamp', () => {
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('windows');
      expect(event.time).toBe('2026-11-27T10:15:39.901Z');
    });

    it('takes the image from FolderPath when it already names the file', () => {
      expect(event.fields.Image).toBe('C:\\Windows\\System32\\wsl.exe');
      expect(event.fields.CommandLine).toBe('wsl.exe --import kali C:\\Users\\Public\\k kali.tar');
      expect(event.fields.ParentImage).toBe('c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe');
      expect(event.fields.ParentCommandLine).toBe('"powershell.exe" -NoProfile');
      expect(event.fields.ProcessId).toBe(9124);
      expect(event.fields.ParentProcessId).toBe(6640);
    });

    it('maps the account, integrity, version info and hashes', () => {
      expect(event.fields.User).toBe('contoso\\asmith');
      expect(event.fields.IntegrityLevel).toBe('Medium');
      expect(event.fields.OriginalFileName).toBe('wsl.exe');
      expect(event.fields.Company).toBe('Microsoft Corporation');
      expect(event.fields.Hashes).toMatch(/^SHA256=8B4A2C6E.*,SHA1=2A9D0C6F.*,MD5=5D41402A/);
    });

    it('identifies the host by DeviceName and DeviceId and keeps ReportId as record id', () => {
      expect(event.host.hostname).toBe('ws-eng-0031.contoso.com');
      expect(event.host.agentId).toBe('c5a964ea31f6a9d1d9b1c0e1d2f3a4b5c6d7e8f9');
      expect(event.provenance.recordId).toBe('18342');
      expect(event.raw?.ActionType).toBe('ProcessCreated');
    });

    it('falls back to the record time when the row has no Timestamp', () => {
      const record = { ...streaming(), properties: without(properties(), 'Timestamp') };
      expect(onlyEvent(parser().parse(recordOf(record))).time).toBe('2026-11-27T10:15:42.000Z');
    });
  });

  describe('an Event Hub batch', () => {
    const network = { ...streaming(), category: 'AdvancedHunting-DeviceNetworkEvents' };
    const second = { ...streaming(), properties: { ...properties(), ProcessId: 9200, ReportId: 18343 } };

    it('yields one event per process row and skips other tables', () => {
      const outcome = parser().parse(recordOf({ records: [streaming(), network, second] }));
      expect(outcome.ok && outcome.events.map((event) => event.fields.ProcessId)).toEqual([9124, 9200]);
    });

    it('keeps the valid rows when one process row is invalid', () => {
      const broken = {
        ...streaming(),
        properties: without(properties(), 'FolderPath', 'FileName', 'ProcessCommandLine'),
      };
      const outcome = parser().parse(recordOf({ records: [broken, second] }));
      expect(outcome.ok && outcome.events).toHaveLength(1);
    });

    it('fails with missing-field when every process row is invalid', () => {
      const broken = {
        ...streaming(),
        properties: without(properties(), 'FolderPath', 'FileName', 'ProcessCommandLine'),
      };
      expect(parser().parse(recordOf({ records: [broken, network] }))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'mde' },
      });
    });

    it('yields nothing for a batch without process rows', () => {
      expect(parser().parse(recordOf({ records: [network, 'junk', null] }))).toEqual({ ok: true, events: [] });
    });
  });

  describe('an advanced-hunting row from a Linux device', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('mde-hunting-row-linux.json'))));

    it('joins FolderPath and FileName and infers Linux from the path', () => {
      expect(event.fields.Image).toBe('/usr/lib/virtualbox/VBoxHeadless');
      expect(event.fields.ParentImage).toBe('/usr/lib/virtualbox/VBoxSVC');
      expect(event.platform).toBe('linux');
      expect(event.host.hostname).toBe('build-runner-07');
    });

    it('keeps the bare account name, since MDE puts the host name in AccountDomain on Linux', () => {
      expect(event.fields.User).toBe('ci');
    });

    it('yields nothing for rows of action types it does not read', () => {
      const row = { ...fixture('mde-hunting-row-network.json'), ActionType: 'ConnectionFound' };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
    });

    it('reads a network row of the same feed as a network_connection of the initiating process', () => {
      const event = onlyEvent(parser().parse(recordOf(fixture('mde-hunting-row-network.json'))));
      expect(event.category).toBe('network_connection');
      expect(event.fields).toMatchObject({ Image: 'curl', DestinationIp: '198.51.100.7', DestinationPort: 443 });
    });

    it('yields nothing for a Sentinel row of another table', () => {
      const row = { ...fixture('mde-hunting-row-linux.json'), Type: 'DeviceEvents' };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
    });

    it('takes the platform from an OS column when one is present', () => {
      const row = {
        ...fixture('mde-hunting-row-linux.json'),
        OSPlatform: 'macOS',
        FolderPath: '/Applications/UTM.app',
      };
      expect(onlyEvent(parser().parse(recordOf(row))).platform).toBe('macos');
    });
  });
});
