import { FIXTURES, runCli } from './run-cli';

describe('vmsentry rules', () => {
  it('list --json gives id, title, level, tags, logsource and file for every rule', async () => {
    const { code, stdout, stderr } = await runCli(['rules', 'list', '--json']);
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.find((row) => row['title'] === 'Portable VirtualBox Registered on the Host')).toEqual({
      id: 'daa195c8-9f5f-4a91-9bdc-6876de41637e',
      title: 'Portable VirtualBox Registered on the Host',
      level: 'high',
      kind: 'detection',
      tags: expect.arrayContaining(['attack.t1564.006']),
      logsource: { category: 'process_creation', product: 'windows' },
      file: 'rules/windows/virtualbox-portable-registration.yml',
    });
    expect(rows.some((row) => row['kind'] === 'correlation')).toBe(true);
    expect(stderr).toMatch(/\d+ detection rule\(s\), \d+ correlation rule\(s\)/);
  });

  it('list prints a table by default', async () => {
    // A wide terminal: at the 100 columns of a pipe the title would be cut (test/cli/table-layout.test.ts).
    const { stdout } = await runCli(['rules', 'list', '--no-builtin', '--rules', `${FIXTURES}/extra-rules`], {
      env: { COLUMNS: '200' },
    });
    const [header, , row] = stdout.split('\n');
    expect(header).toMatch(/^ID +LEVEL +TITLE +LOGSOURCE +TAGS +FILE$/);
    expect(row).toMatch(
      /^6b0f3c1e-8d2a-4f5b-9c7e-1a2b3c4d5e6f +low +Extra Rule - Any QEMU System Emulator +process_creation\/linux/,
    );
  });

  it('test passes every sample of the built-in pack', async () => {
    const { code, stdout, stderr } = await runCli(['rules', 'test']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pass {2}Portable VirtualBox Registered on the Host - positive: /m);
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stderr).toMatch(/\d+ passed, 0 failed/);
  });

  it('test exits 1 and names the sample when a positive does not fire or a negative does', async () => {
    const { code, stdout } = await runCli(['rules', 'test', '--no-builtin', '--rules', `${FIXTURES}/failing-samples`]);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  Failing Samples Rule - positive: a listing is not a start (did not fire)');
    expect(stdout).toContain(
      'FAIL  Failing Samples Rule - negative: a start is a start (fired at medium but must not)',
    );
    expect(stdout).toContain('pass  Failing Samples Rule - positive: a start (fired at medium)');
  });

  it('lint finds no problem in the built-in pack', async () => {
    const { code, stderr } = await runCli(['rules', 'lint']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/\d+ rule\(s\) loaded, 0 not loaded \(100\.0 % load\), 0 problem\(s\)/);
  });

  it('lint --pack-policy exits 1 and lists invalid Sigma, missing metadata and duplicate ids', async () => {
    const { code, stdout } = await runCli([
      'rules',
      'lint',
      '--pack-policy',
      '--no-builtin',
      '--rules',
      `${FIXTURES}/lint-problems`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/no-metadata\.yml \[[0-9a-f-]+\]: author is missing/);
    expect(stdout).toMatch(/no-metadata\.yml \[[0-9a-f-]+\]: dedup\.fields is missing/);
    expect(stdout).toMatch(/bad-condition\.yml.*not loaded: /);
    expect(stdout).toMatch(/duplicate-b\.yml \[[0-9a-f-]+\]: duplicate id \(also in .*duplicate-a\.yml\)/);
  });

  describe('lint DIR (a third-party tree such as SigmaHQ rules/windows)', () => {
    const dir = `${FIXTURES}/sigmahq-style`;

    it('reports every rule that does not load, with its reason and its path inside DIR, in one run', async () => {
      const { code, stdout } = await runCli(['rules', 'lint', dir]);
      expect(code).toBe(1);
      const notLoaded = stdout.split('\n').filter((line) => line.includes(': not loaded: '));
      expect(notLoaded).toEqual([
        expect.stringMatching(
          /^windows\/builtin\/security\/win_security_unknown_service\.yml \[[0-9a-f-]+\]: not loaded: logsource service 'no-such-service' is not supported/,
        ),
        expect.stringMatching(
          /^windows\/process_creation\/proc_creation_win_burst\.yml \[[0-9a-f-]+\]: not loaded: detection timeframe/,
        ),
        expect.stringMatching(
          /^windows\/registry\/registry_set\/registry_set_unknown_category\.yml \[[0-9a-f-]+\]: not loaded: logsource category 'registry_telepathy'/,
        ),
      ]);
    });

    it('summarises the rules that did not load by reason class', async () => {
      const { stderr } = await runCli(['rules', 'lint', dir]);
      expect(stderr).toContain('5 file(s), 2 rule(s) loaded, 3 not loaded (40.0 % load), 3 problem(s)');
      expect(stderr).toMatch(/not loaded, by reason:\n +1 {2}legacy aggregation/);
      expect(stderr).toMatch(/\n +1 {2}logsource category not produced by any vmsentry source\n/);
      expect(stderr).toMatch(/\n +1 {2}logsource service not supported\n/);
    });

    it('does not ask an unchanged SigmaHQ-style rule for vmsentry extensions; policy gaps are warnings', async () => {
      const { stdout } = await runCli(['rules', 'lint', dir]);
      expect(stdout).not.toMatch(/dedup/);
      expect(stdout).not.toMatch(/proc_creation_win_vboxmanage_headless\.yml/);
      expect(stdout).toMatch(/win_security_hyperv_admins\.yml \[[0-9a-f-]+\]: warning: falsepositives is missing/);
      expect(stdout).toMatch(/win_security_hyperv_admins\.yml \[[0-9a-f-]+\]: warning: related type 'obsoletes'/);
      expect(stdout).toMatch(
        /win_security_hyperv_admins\.yml \[[0-9a-f-]+\]: warning: expand placeholders %Admin_Workstations%/,
      );
    });

    it('counts over every directory named, and exits 0 when every rule loads', async () => {
      const { code, stderr } = await runCli([
        'rules',
        'lint',
        `${dir}/windows/builtin/security`,
        '--rules',
        `${dir}/windows/process_creation`,
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain('4 file(s), 2 rule(s) loaded, 2 not loaded (50.0 % load), 2 problem(s)');
      const clean = await runCli(['rules', 'lint', 'rules']);
      expect(clean.code).toBe(0);
      expect(clean.stderr).toMatch(/0 not loaded \(100\.0 % load\), 0 problem\(s\)/);
    });
  });
});
