/**
 * The CLI loads only what a command needs, and ships compiled: `vmsentry --version` loads no command module and no
 * AWS SDK, `vmsentry scan` loads no AWS SDK, and the compiled bundle answers exactly as the TypeScript sources do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { COMMANDS, commandsFor } from '../../bin/command-table';
import { buildCli, DEFAULT_CLI_BUNDLE } from '../../scripts/build-cli';
import { REPO, runCli } from './run-cli';

describe('command table (bin/vmsentry.ts)', () => {
  it('names each command module by the command it registers, in help order', () => {
    const program = new Command('vmsentry');
    for (const command of COMMANDS) command.load()(program);
    expect(program.commands.map((command) => command.name())).toEqual(COMMANDS.map((command) => command.name));
  });

  it('loads no command for --version, the named one for a command, all of them for help or an unknown word', () => {
    expect(commandsFor(['--version'])).toHaveLength(0);
    expect(commandsFor(['-V'])).toHaveLength(0);
    expect(commandsFor(['scan', 'file.log'])).toHaveLength(1);
    expect(commandsFor(['--help'])).toHaveLength(COMMANDS.length);
    expect(commandsFor(['scna'])).toHaveLength(COMMANDS.length);
  });
});

/** Packages a fresh node process has loaded after running the bundle with these arguments. */
function packagesLoaded(bundle: string, args: readonly string[]): string[] {
  const script = `
    const { main } = require(${JSON.stringify(bundle)});
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    main(${JSON.stringify(args)}).then(() => {
      const names = new Set();
      for (const key of Object.keys(require.cache)) {
        const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(key);
        if (match) names.add(match[1].replace('\\\\', '/'));
      }
      write(JSON.stringify([...names].sort()));
    });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' })) as string[];
}

describe('compiled CLI (scripts/build-cli.ts)', () => {
  // Built inside the repository so its packages resolve from node_modules, as the shipped bundle's do.
  const dir = mkdtempSync(path.join(REPO, 'dist-test-cli-'));
  const bundle = path.join(dir, 'vmsentry.cjs');
  beforeAll(() => {
    buildCli(bundle);
    // The launcher's own bundle (npm ci builds it), rebuilt from the sources under test; the swap is atomic.
    buildCli(DEFAULT_CLI_BUNDLE);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version loads commander and nothing else', () => {
    expect(packagesLoaded(bundle, ['--version'])).toEqual(['commander']);
  });

  it('scan loads no AWS SDK, Powertools, zod, dynalite or emulator until its input needs them', () => {
    const loaded = packagesLoaded(bundle, ['scan', 'test/cli/fixtures/auditd-qemu.txt']);
    expect(loaded).toContain('commander');
    expect(
      loaded.filter((name) => /^@aws-sdk\/|^@smithy\/|^@aws-lambda-powertools\/|^zod$|dynalite|fauxqs/.test(name)),
    ).toEqual([]);
  });

  it('answers as the TypeScript sources do (launcher forced to each)', async () => {
    const args = ['scan', 'test/cli/fixtures/auditd-qemu.txt'];
    const compiled = execFileSync(process.execPath, [path.join(REPO, 'bin', 'vmsentry.cjs'), ...args], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, VMSENTRY_CLI: 'compiled' },
    });
    const source = await runCli(args);
    // The suggested allowlist entry is stamped with the wall clock (created now, expires in 30 days): set aside.
    const stable = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), suppression: undefined }));
    expect(stable(compiled)).toEqual(stable(source.stdout));
    expect(compiled).toContain('QEMU');
  }, 60_000);
});
