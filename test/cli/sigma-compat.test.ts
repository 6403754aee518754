import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli';

const CHECKOUT = 'test/fixtures/sigma-regression';

describe('vmsentry sigma-compat PATH (a SigmaHQ-layout checkout written here)', () => {
  it('reports per category the events, rules and cases that fired their own rule, and exits 1 below 98 %', async () => {
    const { code, stdout, stderr } = await runCli(['sigma-compat', CHECKOUT]);
    expect(code).toBe(1);
    const rows = stdout.split('\n');
    expect(rows[0]).toMatch(/^CATEGORY +EVENTS +RULES +FIRED OWN RULE +%$/);
    expect(rows).toContainEqual(expect.stringMatching(/^builtin\/security +1 +1 +1 +100\.0 %$/));
    expect(rows).toContainEqual(expect.stringMatching(/^builtin\/system +1 +1 +1 +100\.0 %$/));
    expect(rows).toContainEqual(expect.stringMatching(/^process_creation +7 +6 +3 +50\.0 %$/));
    // Sysmon registry, file and image-load events go through the same path.
    expect(rows).toContainEqual(expect.stringMatching(/^registry\/registry_set +1 +1 +1 +100\.0 %$/));
    expect(rows).toContainEqual(expect.stringMatching(/^file\/file_event +1 +1 +1 +100\.0 %$/));
    expect(rows).toContainEqual(expect.stringMatching(/^image_load +1 +1 +1 +100\.0 %$/));
    expect(rows).toContainEqual(expect.stringMatching(/^total +12 +11 +8 +72\.7 %$/));
    expect(stderr).toContain('8 of 11 regression case(s) fired their own rule (72.7 %, minimum 98 %): FAIL');
    expect(stderr).toContain('8 rule(s) loaded from rules, rules-threat-hunting, 1 not loaded');
  });

  it('names every miss with the stage that lost it', async () => {
    const { stdout } = await runCli(['sigma-compat', CHECKOUT]);
    const misses = stdout.slice(stdout.indexOf('misses:')).split('\n').slice(1).filter(Boolean);
    expect(misses).toEqual([
      'process_creation/proc_creation_win_hypervisor_burst [3f405162-7c8d-4e9f-a0b1-c2d3e4f50617]: rule not loaded: detection timeframe (aggregation) is not supported; write a correlation rule',
      'process_creation/proc_creation_win_qemu_from_user_folder_near_miss [2e3f4051-6b7c-4d8e-9fa0-b1c2d3e4f506]: the rule did not match the parsed event',
      'process_creation/proc_creation_win_rule_not_in_checkout [73849506-b0c1-42d3-a4f5-061728394a5b]: rule not found under rules*/ of the checkout',
    ]);
  });

  it('passes at a lower --min, prints JSON on request, and writes the Event XML it scanned', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'vmsentry-compat-'));
    try {
      const { code, stdout } = await runCli(['sigma-compat', CHECKOUT, '--min', '70', '--json', '--xml-out', out]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as { total: { fired: number; cases: number }; passed: boolean };
      expect(report).toMatchObject({ passed: true, total: { fired: 8, cases: 11, events: 12 } });
      const xml = readFileSync(
        path.join(out, 'process_creation', 'proc_creation_win_vboxmanage_headless_start.xml'),
        'utf8',
      ).split('\n');
      // Two pretty-printed events one after the other became two lines of Event XML.
      expect(xml.filter(Boolean)).toHaveLength(2);
      expect(xml[0]).toMatch(/^<Event xmlns="http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event"><System>/);
      expect(xml[0]).toContain(
        '<Data Name="CommandLine">&quot;C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe&quot; startvm',
      );
      const scan = await runCli([
        'scan',
        '--no-builtin',
        '--rules',
        `${CHECKOUT}/rules`,
        path.join(out, 'builtin', 'system', 'win_system_vboxdrv_service_from_user_folder.xml'),
      ]);
      expect(scan.stdout).toContain('"ruleId":"51627384-9eaf-40b1-82d3-e4f506172839"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a folder that is not a SigmaHQ checkout', async () => {
    const { code, stderr } = await runCli(['sigma-compat', 'test/fixtures']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no regression_data\/rules\/windows\/ in it/);
  });
});
