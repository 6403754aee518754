import { ecsParser } from '../../../lib/sources/edr/ecs';
import { fixture, onlyEvent, recordOf } from './record-input';

const parser = () => ecsParser.create();
const defend = () => fixture('ecs-defend-qemu-linux.json');

describe('Elastic Common Schema parser', () => {
  describe('sniff', () => {
    it('recognises ECS process events, nested or flattened', () => {
      expect(parser().sniff(recordOf(defend()))).toBe(true);
      expect(parser().sniff(recordOf(fixture('ecs-auditbeat-flattened.json')))).toBe(true);
    });

    it('leaves Winlogbeat records carrying winlog to the Windows parsers', () => {
      expect(parser().sniff(recordOf(fixture('ecs-winlogbeat-sysmon.json')))).toBe(false);
      const flattened = { ...fixture('ecs-auditbeat-flattened.json'), 'winlog.channel': 'Security' };
      expect(parser().sniff(recordOf(flattened))).toBe(false);
    });

    it('claims ECS events of other categories, producing nothing from those it does not read', () => {
      const auth = recordOf({ ...fixture('ecs-network-connection.json'), event: { category: ['authentication'] } });
      expect(parser().sniff(auth)).toBe(true);
      expect(parser().parse(auth)).toEqual({ ok: true, events: [] });
    });

    it('rejects other EDR formats', () => {
      expect(parser().sniff(recordOf(fixture('sentinelone-sdl-vmrun.json')))).toBe(false);
      expect(parser().sniff(recordOf(fixture('ocsf-docker-privileged.json')))).toBe(false);
    });
  });

  describe('an Elastic Defend exec of QEMU without a display on Linux (T1564.006)', () => {
    const event = onlyEvent(parser().parse(recordOf(defend())));

    it('is a Linux process_creation event at @timestamp', () => {
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('linux');
      expect(event.time).toBe('2026-11-27T13:20:11.512Z');
    });

    it('maps the process, its arguments and its parent', () => {
      expect(event.fields).toMatchObject({
        Image: '/usr/bin/qemu-system-x86_64',
        CommandLine: 'qemu-system-x86_64 -m 1024 -nographic -drive file=/dev/shm/.x/alpine.qcow2,if=virtio',
        ProcessId: 48211,
        CurrentDirectory: '/dev/shm/.x',
        ParentImage: '/usr/bin/bash',
        ParentCommandLine: '/bin/bash',
        ParentProcessId: 48100,
        User: 'ec2-user',
        UserId: '1001',
      });
      expect(event.fields.Args).toContain('-nographic');
      expect(event.fields.Hashes).toMatch(/^SHA256=9A8B7C6D/);
    });

    it('identifies the host by name, EC2 instance id, agent id, account and region', () => {
      expect(event.host).toMatchObject({
        hostname: 'ip-10-0-3-17',
        instanceId: 'i-0abc1234def567890',
        agentId: '2b8c4e1a-6d3f-4a9b-8e7c-1f2d3e4a5b6c',
        accountId: '123456789012',
        region: 'eu-west-1',
      });
    });
  });

  describe('a flattened Auditbeat process_started event', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('ecs-auditbeat-flattened.json'))));

    it('builds the command line from process.args, quoting arguments with spaces', () => {
      expect(event.fields.CommandLine).toBe('virsh start "win10 guest"');
      expect(event.fields.Image).toBe('/usr/bin/virsh');
      expect(event.platform).toBe('linux');
      expect(event.host.hostname).toBe('kvm-host-02');
    });
  });

  describe('Windows events from Elastic Defend', () => {
    it('maps PE metadata and user domain', () => {
      const record = {
        ...defend(),
        host: { name: 'WS-FIN-0142', os: { type: 'windows' } },
        user: { name: 'jdoe', domain: 'CORP' },
        process: {
          executable: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
          command_line: '"VBoxManage.exe" startvm kali --type headless',
          pid: 7312,
          pe: { original_file_name: 'VBoxManage.exe', company: 'Oracle Corporation' },
        },
      };
      const event = onlyEvent(parser().parse(recordOf(record)));
      expect(event.platform).toBe('windows');
      expect(event.fields).toMatchObject({
        User: 'CORP\\jdoe',
        OriginalFileName: 'VBoxManage.exe',
        Company: 'Oracle Corporation',
      });
    });
  });

  describe('events that are not process starts', () => {
    it('yields nothing for process end events', () => {
      const record = { ...defend(), event: { category: ['process'], type: ['end'], action: 'end' } };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it('yields nothing for forks, whose exec follows', () => {
      const record = { ...defend(), event: { category: ['process'], type: ['start'], action: 'fork' } };
      expect(parser().parse(recordOf(record))).toEqual({ ok: true, events: [] });
    });

    it('fails with missing-field for a start without executable, command line or args', () => {
      const record = { ...defend(), process: { pid: 1 } };
      expect(parser().parse(recordOf(record))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'ecs' },
      });
    });
  });
});
