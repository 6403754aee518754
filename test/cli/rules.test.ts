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
    const { stdout } = await runCli(['rules', 'list', '--no-builtin', '--rules', `${FIXTURES}/extra-rules`]);
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
    expect(stderr).toMatch(/\d+ rule\(s\) checked, 0 problem\(s\)/);
  });

  it('lint exits 1 and lists invalid Sigma, missing metadata and duplicate ids', async () => {
    const { code, stdout } = await runCli(['rules', 'lint', '--no-builtin', '--rules', `${FIXTURES}/lint-problems`]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/no-metadata\.yml \[[0-9a-f-]+\]: author is missing/);
    expect(stdout).toMatch(/no-metadata\.yml \[[0-9a-f-]+\]: dedup\.fields is missing/);
    expect(stdout).toMatch(/bad-condition\.yml.*not valid Sigma: /);
    expect(stdout).toMatch(/duplicate-b\.yml \[[0-9a-f-]+\]: duplicate id \(also in .*duplicate-a\.yml\)/);
  });
});
