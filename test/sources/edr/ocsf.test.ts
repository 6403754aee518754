import { ocsfParser } from '../../../lib/sources/edr/ocsf';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => ocsfParser.create();
const launch = () => fixture('ocsf-docker-privileged.json');

describe('OCSF Process Activity parser', () => {
  describe('sniff', () => {
    it('recognises OCSF events of any class', () => {
      expect(parser().sniff(recordOf(launch()))).toBe(true);
      expect(parser().sniff(recordOf(fixture('ocsf-file-activity.json')))).toBe(true);
    });

    it('rejects records without a numeric class_uid and a metadata object', () => {
      expect(parser().sniff(recordOf({ ...launch(), class_uid: '1007' }))).toBe(false);
      expect(parser().sniff(recordOf(without(launch(), 'metadata')))).toBe(false);
      expect(parser().sniff(recordOf(fixture('ecs-defend-qemu-linux.json')))).toBe(false);
    });
  });

  describe('a Launch of a privileged docker run sharing the host PID namespace (T1564.006)', () => {
    const event = onlyEvent(parser().parse(recordOf(launch())));

    it('is a Linux process_creation event at the OCSF time', () => {
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('linux');
      expect(event.timeMs).toBe(1732713600250);
    });

    it('maps the launched process and takes the parent from actor.process', () => {
      expect(event.fields).toMatchObject({
        Image: '/usr/bin/docker',
        CommandLine: 'docker run --privileged --pid=host -v /:/host alpine nsenter -t 1 -m -u -n -i sh',
        ProcessId: 3342,
        ProcessGuid: 'proc-3342-1732713600',
        User: 'deploy',
        ParentImage: '/usr/bin/sh',
        ParentCommandLine: '/bin/sh -c ./bootstrap.sh',
        ParentProcessId: 3310,
        Hashes: 'SHA256=0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0',
        Provider: 'Example EDR',
      });
    });

    it('identifies the device by hostname, instance, agent uid, account and region', () => {
      expect(event.host).toMatchObject({
        hostname: 'ip-172-31-9-44.ec2.internal',
        instanceId: 'i-0123456789abcdef0',
        agentId: 'ec2-agent-7f3e',
        accountId: '210987654321',
        region: 'us-east-1',
      });
      expect(event.provenance.recordId).toBe('5b2e7f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b');
    });

    it('falls back to process.parent_process without an actor process', () => {
      const parentOnly = onlyEvent(parser().parse(recordOf(without(launch(), 'actor'))));
      expect(parentOnly.fields.ParentImage).toBe('/usr/bin/sh');
      expect(parentOnly.fields.ParentCommandLine).toBeUndefined();
    });

    it('takes the platform from os.type_id', () => {
      const windows = { ...launch(), device: { hostname: 'WS1', os: { name: 'Windows 11', type_id: 100 } } };
      expect(onlyEvent(parser().parse(recordOf(windows))).platform).toBe('windows');
    });
  });

  describe('events that are not launches', () => {
    it('yields nothing for classes it does not read', () => {
      const http = { ...fixture('ocsf-file-activity.json'), class_uid: 4002, type_uid: 400201 };
      expect(parser().parse(recordOf(http))).toEqual({ ok: true, events: [] });
    });

    it('yields nothing for other process activities', () => {
      expect(parser().parse(recordOf({ ...launch(), activity_id: 2, type_uid: 100702 }))).toEqual({
        ok: true,
        events: [],
      });
    });

    it('fails with missing-field when the launch has no time and the envelope none', () => {
      const record = without(launch(), 'time');
      expect(parser().parse(recordOf(record))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'ocsf' },
      });
    });

    it('fails with missing-field when the launched process is absent', () => {
      expect(parser().parse(recordOf(without(launch(), 'process')))).toMatchObject({
        ok: false,
        error: { code: 'missing-field' },
      });
    });
  });
});
