import { crowdStrikeFdrParser } from '../../../lib/sources/edr/crowdstrike-fdr';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => crowdStrikeFdrParser.create();

describe('CrowdStrike FDR parser', () => {
  describe('sniff', () => {
    it('recognises FDR events by event_simpleName and the sensor id', () => {
      expect(parser().sniff(recordOf(fixture('crowdstrike-pr2-vboxmanage-windows.json')))).toBe(true);
      expect(parser().sniff(recordOf(fixture('crowdstrike-dns-request.json')))).toBe(true);
    });

    it('rejects records of other EDRs and non-JSON text', () => {
      expect(parser().sniff(recordOf(fixture('mde-hunting-row-linux.json')))).toBe(false);
      expect(parser().sniff(recordOf(fixture('ecs-defend-qemu-linux.json')))).toBe(false);
      expect(parser().sniff(recordOf('type=EXECVE msg=audit(1.0:1): argc=1 a0="ls"'))).toBe(false);
    });

    it('rejects an event_simpleName without any sensor or customer id', () => {
      expect(parser().sniff(recordOf({ event_simpleName: 'ProcessRollup2' }))).toBe(false);
    });
  });

  describe('a ProcessRollup2 starting a headless VirtualBox VM (T1564.006)', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 3)));

    it('is a Windows process_creation event at the sensor timestamp', () => {
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('windows');
      expect(event.time).toBe('2024-11-27T09:33:20.123Z');
    });

    it('drops the kernel volume prefix from the image and keeps the original in raw', () => {
      expect(event.fields.Image).toBe('\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe');
      expect(event.raw?.ImageFileName).toBe(
        '\\Device\\HarddiskVolume3\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
      );
    });

    it('keeps the command line, the OS pid and the Falcon process ids apart', () => {
      expect(event.fields.CommandLine).toContain('startvm "kali" --type headless');
      expect(event.fields.ProcessId).toBe(7312);
      expect(event.fields.ProcessGuid).toBe('38654812345');
      expect(event.fields.ParentProcessGuid).toBe('38654705664');
      expect(event.fields.ParentProcessId).toBeUndefined();
      expect(event.fields.ParentImage).toBe('cmd.exe');
    });

    it('maps user, integrity level and hashes, ignoring all-zero digests', () => {
      expect(event.fields.User).toBe('jdoe');
      expect(event.fields.UserId).toBe('S-1-5-21-1004336348-1177238915-682003330-1104');
      expect(event.fields.IntegrityLevel).toBe('High');
      expect(event.fields.Hashes).toBe('SHA256=4F1B3C0E6A2B9D8C7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D');
    });

    it('identifies the host by name and agent id and records provenance', () => {
      expect(event.host.hostname).toBe('WS-FIN-0142');
      expect(event.host.agentId).toBe('4c2f8d7e1a9b4c3d8e7f6a5b4c3d2e1f');
      expect(event.provenance).toEqual({
        envelope: 'sqs',
        index: 3,
        messageId: 'msg-3',
        format: 'crowdstrike-fdr',
        recordId: '9f0c5a1e-8c1b-11ef-9d4c-0a1b2c3d4e5f',
      });
    });
  });

  describe('a SyntheticProcessRollup2 from a Linux sensor without ComputerName', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('crowdstrike-synthetic-linux.json'))));

    it('is a Linux event identified by the agent id only', () => {
      expect(event.platform).toBe('linux');
      expect(event.host.hostname).toBeUndefined();
      expect(event.host.agentId).toBe('7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a');
      expect(event.fields.Image).toBe('/usr/bin/qemu-system-x86_64');
      expect(event.fields.UserId).toBe('1000');
    });
  });

  describe('times', () => {
    it('falls back to ProcessStartTime (epoch seconds with a fraction) without a timestamp', () => {
      const record = without(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 'timestamp');
      expect(onlyEvent(parser().parse(recordOf(record))).timeMs).toBe(1732700000118);
    });

    it('fails with missing-field when no time is given and the envelope has none', () => {
      const record = without(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 'timestamp', 'ProcessStartTime');
      const outcome = parser().parse(recordOf(record, 5));
      expect(outcome).toMatchObject({ ok: false, error: { code: 'missing-field', format: 'crowdstrike-fdr' } });
      expect(outcome.ok ? undefined : outcome.error.position).toEqual({
        envelope: 'sqs',
        index: 5,
        messageId: 'msg-5',
      });
    });

    it('uses the envelope timestamp when the record has no time', () => {
      const record = without(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 'timestamp', 'ProcessStartTime');
      expect(onlyEvent(parser().parse(recordOf(record, 0, { timestampMs: 1_700_000_000_000 }))).timeMs).toBe(
        1_700_000_000_000,
      );
    });
  });

  describe('records that are not process starts or are invalid', () => {
    it('yields no events for event types it does not read', () => {
      const record = { ...fixture('crowdstrike-dns-request.json'), event_simpleName: 'UserLogon' };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it('fails with missing-field for a process start with neither image nor command line', () => {
      const record = without(fixture('crowdstrike-pr2-vboxmanage-windows.json'), 'ImageFileName', 'CommandLine');
      expect(parser().parse(recordOf(record))).toMatchObject({ ok: false, error: { code: 'missing-field' } });
    });

    it('ignores fields of the wrong type instead of throwing', () => {
      const record = { ...fixture('crowdstrike-pr2-vboxmanage-windows.json'), RawProcessId: { x: 1 }, UserName: [1] };
      const event = onlyEvent(parser().parse(recordOf(record)));
      expect(event.fields.ProcessId).toBeUndefined();
      expect(event.fields.User).toBeUndefined();
    });
  });
});
