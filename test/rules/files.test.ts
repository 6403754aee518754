import fs, { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRuleFiles, loadRuleDirectory, MAX_RULE_TEXT, RuleSet } from '../../lib/rules';
import { makeEvent } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'sigma');

describe('rule directories', () => {
  const valid = loadRuleDirectory(join(FIXTURES, 'valid'));
  const set = RuleSet.from(valid.rules);
  const titlesFor = (event: Parameters<RuleSet['match']>[0]) => set.match(event).map((d) => d.rule.title);

  it('load every SigmaHQ-format rule and correlation without errors', () => {
    expect(valid.errors).toEqual([]);
    expect(valid.rules).toHaveLength(8);
    expect(valid.correlations).toHaveLength(1);
  });

  it('list .yml and .yaml files recursively and skip *.samples.yml', () => {
    const files = listRuleFiles(FIXTURES).map((file) => file.slice(FIXTURES.length + 1));
    expect(files).toContain(join('invalid', 'unknown_modifier.yml'));
    expect(files).toContain(join('valid', 'cloud', 'kubernetes_audit_pod_exec.yml'));
    expect(files.some((file) => file.includes('.samples.'))).toBe(false);
  });

  it('resolve correlation references by rule name across the file', () => {
    const [correlation] = valid.correlations;
    expect(correlation?.ruleIds).toEqual([
      '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d09',
      '3f2b6a34-1c55-4e0e-9a77-2a6c2f1d9b01',
    ]);
    expect(correlation?.generate).toBe(true);
    expect(correlation?.metadata.severity).toBe('critical');
  });

  it('report each broken file with its path and reason, and still load the rest', () => {
    // Broken YAML is written at test time: the repository's YAML linter would reject it as a fixture file.
    const dir = mkdtempSync(join(tmpdir(), 'vmsentry-rules-'));
    cpSync(join(FIXTURES, 'invalid'), dir, { recursive: true });
    writeFileSync(join(dir, 'bad_yaml.yaml'), 'title: Broken\ndetection:\n  selection:\n    Image: [unclosed\n');
    const loaded = loadRuleDirectory(dir);
    rmSync(dir, { recursive: true, force: true });
    const bySource = Object.fromEntries(loaded.errors.map((e) => [e.source.split(/[\\/]/).pop(), e.reason]));
    expect(bySource['unknown_modifier.yml']).toMatch(/unknown modifier 'sounds_like'/);
    expect(bySource['bad_yaml.yaml']).toMatch(/invalid YAML/);
    expect(bySource['unknown_reference.yml']).toMatch(/unknown rules.*no_such_rule/);
    expect(bySource['unsupported_logsource.yml']).toMatch(/category 'file_teleport'/);
    expect(loaded.rules).toEqual([]);
  });

  it('report a missing directory as a load error', () => {
    const loaded = loadRuleDirectory(join(FIXTURES, 'does-not-exist'));
    expect(loaded.errors[0]?.reason).toMatch(/cannot read rule directory/);
  });

  describe('SigmaHQ-format rules run unchanged against normalized events', () => {
    it('process_creation with filters', () => {
      const fields = {
        Image: 'C:\\Users\\bob\\AppData\\Local\\Temp\\vb\\VBoxManage.exe',
        CommandLine: 'VBoxManage startvm "w" --type headless',
      };
      expect(titlesFor(makeEvent({ fields }))).toEqual(['Headless VirtualBox VM Started Via VBoxManage']);
      const installed = {
        ...fields,
        Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
        ParentImage: 'C:\\Program Files\\Oracle\\VirtualBox\\VirtualBox.exe',
      };
      expect(titlesFor(makeEvent({ fields: installed }))).toEqual([]);
      expect(titlesFor(makeEvent({ fields: { ...fields, CommandLine: 'VBoxManage list vms' } }))).toEqual([]);
      expect(titlesFor(makeEvent({ fields, platform: 'linux' }))).toEqual([]);
    });

    it('Security 4688 through service security with EventID and its native field names', () => {
      const raw = { EventID: 4688, NewProcessName: 'C:\\tools\\qemu\\qemu-system-x86_64.exe' };
      const event = makeEvent({
        format: 'windows-security-4688',
        fields: { EventID: 4688, Image: raw.NewProcessName },
        raw,
      });
      expect(titlesFor(event)).toEqual(['QEMU Process Created (Security 4688)']);
      const sysmon = makeEvent({ format: 'sysmon-windows', fields: { Image: raw.NewProcessName } });
      expect(titlesFor(sysmon)).toEqual([]);
      const aliasOnly = makeEvent({
        format: 'windows-security-4688',
        fields: { EventID: 4688, Image: raw.NewProcessName },
      });
      expect(titlesFor(aliasOnly)).toEqual(['QEMU Process Created (Security 4688)']);
    });

    it('ps_script', () => {
      const event = (text: string) =>
        makeEvent({
          category: 'ps_script',
          format: 'powershell-4104',
          fields: { ScriptBlockText: text, EventID: 4104 },
        });
      expect(titlesFor(event('New-VM -Name x -MemoryStartupBytes 2GB; Start-VM -Name x'))).toEqual([
        'Hyper-V VM Created And Started From PowerShell',
      ]);
      expect(titlesFor(event('# Lab-Automation\nNew-VM -Name x; Start-VM -Name x'))).toEqual([]);
      expect(titlesFor(event('Get-VM | Stop-VM '))).toEqual([]);
    });

    it('windows system 7045 with Provider_Name', () => {
      const fields = {
        EventID: 7045,
        Provider: 'Service Control Manager',
        ServiceName: 'VBoxDrv',
        ImagePath: '\\??\\C:\\Users\\bob\\vb\\drivers\\VBoxDrv.sys',
      };
      const event = makeEvent({ category: 'service_install', format: 'windows-system-7045', fields });
      expect(titlesFor(event).sort()).toEqual([
        'VirtualBox Driver Installed (named for correlation)',
        'VirtualBox Kernel Driver Service Installed',
      ]);
      expect(set.match(event).find((d) => d.rule.dedupFields.length > 0)?.rule.dedupWindowSeconds).toBe(3600);
      const other = makeEvent({
        category: 'service_install',
        format: 'windows-system-7045',
        fields: { ...fields, ServiceName: 'npcap', ImagePath: 'C:\\npcap.sys' },
      });
      expect(titlesFor(other)).toEqual([]);
    });

    it('kubernetes audit by source-native dotted paths through arrays', () => {
      const raw = {
        kind: 'Event',
        verb: 'create',
        objectRef: { resource: 'pods', namespace: 'default', name: 'debug' },
        requestObject: { spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }] } },
      };
      const event = (r: Record<string, unknown>) =>
        makeEvent({ category: 'container_launch', platform: 'kubernetes', format: 'k8s-audit', fields: {}, raw: r });
      expect(titlesFor(event(raw))).toEqual(['Privileged Pod Created']);
      expect(titlesFor(event({ ...raw, objectRef: { resource: 'pods', namespace: 'kube-system' } }))).toEqual([]);
      expect(titlesFor(event({ ...raw, requestObject: { spec: { containers: [{ name: 'a' }] } } }))).toEqual([]);
      const exec = makeEvent({
        category: 'container_exec',
        platform: 'kubernetes',
        format: 'k8s-audit',
        raw: { verb: 'create', objectRef: { resource: 'pods', subresource: 'exec' } },
      });
      expect(titlesFor(exec)).toEqual(['Exec Into Pod']);
    });

    it('kubernetes audit on re-read normalized events through field aliases', () => {
      const fields = { ApiOperation: 'create', ApiResource: 'pods', ApiSubresource: 'exec' };
      const event = makeEvent({ category: 'container_exec', platform: 'kubernetes', format: 'normalized', fields });
      expect(titlesFor(event)).toEqual(['Exec Into Pod']);
      expect(
        titlesFor(makeEvent({ category: 'container_exec', platform: 'linux', format: 'normalized', fields })),
      ).toEqual([]);
    });

    it('cloudtrail', () => {
      const raw = {
        eventSource: 'ecs.amazonaws.com',
        eventName: 'RegisterTaskDefinition',
        requestParameters: {
          containerDefinitions: [
            { name: 'app', privileged: 'false' },
            { name: 'x', privileged: true },
          ],
        },
      };
      const event = (r: Record<string, unknown>) =>
        makeEvent({ category: 'cloud_api', platform: 'aws', format: 'cloudtrail', raw: r });
      expect(titlesFor(event(raw))).toEqual(['ECS Task Definition With Privileged Container']);
      expect(titlesFor(event({ ...raw, requestParameters: { containerDefinitions: [{ name: 'app' }] } }))).toEqual([]);
      expect(titlesFor(event({ ...raw, eventName: 'DescribeTaskDefinition' }))).toEqual([]);
    });
  });

  it('refuse a rule file over the size bound from its size, without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmsentry-rules-'));
    try {
      cpSync(join(FIXTURES, 'valid', 'cloud'), join(dir, 'cloud'), { recursive: true });
      const huge = join(dir, 'huge.yml');
      writeFileSync(huge, `# ${'x'.repeat(MAX_RULE_TEXT)}\n`);
      const read = jest.spyOn(fs, 'readFileSync');
      const loaded = loadRuleDirectory(dir);
      const readPaths = read.mock.calls.map(([path]) => String(path));
      read.mockRestore();
      expect(readPaths).not.toContain(huge);
      expect(loaded.errors).toEqual([
        expect.objectContaining({ reason: `rule file is ${MAX_RULE_TEXT + 3} bytes, larger than ${MAX_RULE_TEXT}` }),
      ]);
      expect(loaded.rules.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
