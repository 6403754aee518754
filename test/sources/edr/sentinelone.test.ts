import { sentinelOneParser } from '../../../lib/sources/edr/sentinelone';
import { fixture, onlyEvent, recordOf, without } from './record-input';

const parser = () => sentinelOneParser.create();

/** The flat record nested by its dots, as some pipelines re-shape it. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

describe('SentinelOne parser', () => {
  describe('sniff', () => {
    it('recognises the Data Lake dotted shape and the older Deep Visibility shape', () => {
      expect(parser().sniff(recordOf(fixture('sentinelone-sdl-vmrun.json')))).toBe(true);
      expect(parser().sniff(recordOf(fixture('sentinelone-dv-vmrun.json')))).toBe(true);
      expect(parser().sniff(recordOf(nest(fixture('sentinelone-sdl-vmrun.json'))))).toBe(true);
    });

    it('rejects ECS records, whose event.type is an array and which name no S1 endpoint', () => {
      expect(parser().sniff(recordOf(fixture('ecs-defend-qemu-linux.json')))).toBe(false);
      expect(parser().sniff(recordOf(fixture('ecs-auditbeat-flattened.json')))).toBe(false);
      expect(parser().sniff(recordOf({ 'event.type': 'Process Creation' }))).toBe(false);
    });
  });

  describe('a Data Lake Process Creation of vmrun starting a VM without a window (T1564.006)', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('sentinelone-sdl-vmrun.json'))));

    it('describes the created process from tgt.process', () => {
      expect(event.category).toBe('process_creation');
      expect(event.fields.Image).toBe('C:\\Program Files (x86)\\VMware\\VMware Workstation\\vmrun.exe');
      expect(event.fields.CommandLine).toBe('vmrun -T ws start C:\\vm\\x.vmx nogui');
      expect(event.fields.ProcessId).toBe(5120);
      expect(event.fields.ProcessGuid).toBe('F1E2D3C4B5A69788');
      expect(event.fields.Signer).toBe('VMware, Inc.');
      expect(event.fields.Hashes).toBe('SHA256=AA11BB22CC33DD44EE55FF6600112233445566778899AABBCCDDEEFF00112233');
    });

    it('describes the creator (src.process) as the parent', () => {
      expect(event.fields.ParentImage).toBe('C:\\Windows\\System32\\cmd.exe');
      expect(event.fields.ParentCommandLine).toBe('cmd.exe /c start-lab.bat');
      expect(event.fields.ParentProcessId).toBe(4410);
    });

    it('takes host, platform and time from the endpoint and event fields', () => {
      expect(event.host).toMatchObject({ hostname: 'LAB-WKS-22', agentId: 'b7e6d5c4-b3a2-4190-8f7e-6d5c4b3a2910' });
      expect(event.platform).toBe('windows');
      expect(event.timeMs).toBe(1732702222333);
      expect(event.provenance.recordId).toBe('01JDQ0Z6X8M3V6B4N2K7P9R1T5');
    });

    it('reads the same record when its dotted names are nested objects', () => {
      const nested = onlyEvent(parser().parse(recordOf(nest(fixture('sentinelone-sdl-vmrun.json')))));
      expect(nested.fields).toEqual(event.fields);
    });
  });

  describe('a Data Lake record that only carries src.process', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('sentinelone-sdl-src-only.json'))));

    it('describes the new process from src.process and the parent from src.process.parent', () => {
      expect(event.fields.Image).toBe('/usr/bin/vmrun');
      expect(event.fields.ParentImage).toBe('/usr/bin/bash');
      expect(event.fields.ParentProcessId).toBe(6990);
      expect(event.fields.User).toBe('dev');
      expect(event.platform).toBe('linux');
      expect(event.time).toBe('2026-11-27T12:00:01.000Z');
    });
  });

  describe('an older Deep Visibility export row', () => {
    const event = onlyEvent(parser().parse(recordOf(fixture('sentinelone-dv-vmrun.json'))));

    it('maps the camelCase columns', () => {
      expect(event.fields).toMatchObject({
        Image: 'C:\\Program Files (x86)\\VMware\\VMware Workstation\\vmrun.exe',
        CommandLine: 'vmrun -T ws start C:\\vm\\x.vmx nogui',
        ProcessId: 5120,
        ParentImage: 'cmd.exe',
        ParentProcessId: 4410,
        User: 'LAB\\operator',
        Hashes: 'SHA1=0123456789ABCDEF0123456789ABCDEF01234567',
      });
      expect(event.host).toMatchObject({ hostname: 'LAB-WKS-22', agentId: 'b7e6d5c4b3a241908f7e6d5c4b3a2910' });
      expect(event.time).toBe('2026-11-27T12:03:14.221Z');
      expect(event.provenance.recordId).toBe('1837461128370191234');
    });

    it('fails with missing-field without image and command line', () => {
      const row = without(fixture('sentinelone-dv-vmrun.json'), 'processImagePath', 'processCmd');
      expect(parser().parse(recordOf(row))).toMatchObject({
        ok: false,
        error: { code: 'missing-field', format: 'sentinelone' },
      });
    });
  });

  describe('other event types', () => {
    it('yields nothing for event types it does not read', () => {
      const row = { ...fixture('sentinelone-sdl-file-creation.json'), 'event.type': 'Behavioral Indicators' };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
    });

    it('yields nothing for an older-shape event of a type it does not read', () => {
      const row = { ...fixture('sentinelone-dv-vmrun.json'), eventType: 'Login' };
      expect(parser().parse(recordOf(row))).toEqual({ ok: true, events: [] });
    });
  });
});
