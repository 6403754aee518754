/**
 * `vmsentry completion bash|zsh` prints a completion script generated from the command tree. The bash script is
 * sourced into a real bash and its function called as bash's completion would call it (COMP_WORDS, COMP_CWORD);
 * the candidates it leaves in COMPREPLY are the specification. The zsh script is run in a real zsh (Debian's zsh
 * package; .ci/run installs it) with compinit, and its data functions (POSIX `case`, shared with bash) in bash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { runCompletion } from '../../bin/commands/completion';
import { completionScript, describeCommand } from '../../bin/completion';
import { helpOf, memoryIo } from '../validate/support';
import { runCli } from './run-cli';

async function scriptFor(shell: 'bash' | 'zsh'): Promise<string> {
  const io = memoryIo();
  expect(await runCompletion(shell, io)).toBe(0);
  return io.out();
}

describe('vmsentry completion bash', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-completion-'));
  const scriptFile = path.join(dir, 'vmsentry.bash');
  beforeAll(async () => {
    writeFileSync(scriptFile, await scriptFor('bash'));
    // A working directory with a file and a directory, for the path completions.
    mkdirSync(path.join(dir, 'cwd', 'logs'), { recursive: true });
    writeFileSync(path.join(dir, 'cwd', 'allow.jsonl'), '');
    writeFileSync(path.join(dir, 'cwd', 'auth.log'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The candidates bash completion offers for this command line; the last word is the one being completed. */
  function complete(...words: string[]): string[] {
    const script = [
      `source ${JSON.stringify(scriptFile)}`,
      `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_vmsentry',
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join('\n');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
      cwd: path.join(dir, 'cwd'),
      encoding: 'utf8',
    });
    return out.split('\n').filter((line) => line !== '');
  }

  it('registers the function for the vmsentry command and is valid bash', () => {
    const out = execFileSync('bash', ['--norc', '-c', `source ${JSON.stringify(scriptFile)} && complete -p vmsentry`], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('complete -F _vmsentry vmsentry');
  });

  it('completes commands, and every command with an empty word', () => {
    expect(complete('vmsentry', 'sc')).toEqual(['scan']);
    expect(complete('vmsentry', 'si')).toEqual(['sigma-compat']);
    expect(complete('vmsentry', '')).toEqual(
      expect.arrayContaining(['scan', 'rules', 'local', 'allowlist', 'hunt', 'completion']),
    );
    expect(complete('vmsentry', 'zz')).toEqual([]);
  });

  it('completes nested subcommands below the command that has them, and only there', () => {
    expect(complete('vmsentry', 'allowlist', 'a')).toEqual(['add']);
    expect(complete('vmsentry', 'allowlist', 'e')).toEqual(['expire', 'export']);
    expect(complete('vmsentry', 'rules', 'l')).toEqual(['list', 'lint']);
    // scan has no subcommands: the word is a path, not "rules list".
    expect(complete('vmsentry', 'scan', 'li')).toEqual([]);
  });

  it("completes a command's long options, after other options and their values too", () => {
    expect(complete('vmsentry', 'scan', '--out')).toEqual(['--output']);
    expect(complete('vmsentry', 'allowlist', 'add', '--ho')).toEqual(['--host']);
    expect(complete('vmsentry', 'rules', 'lint', '--pa')).toEqual(['--pack-policy']);
    expect(complete('vmsentry', 'scan', '--output', 'table', '--al')).toEqual(['--allowlist']);
    // --opt=value arrives as three words (bash splits at '='); the value is skipped like any other.
    expect(complete('vmsentry', 'scan', '--output', '=', 'table', '--fail')).toEqual(['--fail-on']);
    // Options of another command are not offered.
    expect(complete('vmsentry', 'scan', '--ho')).toEqual([]);
  });

  it('completes files for path arguments and file options, directories for directory options', () => {
    expect(complete('vmsentry', 'scan', 'a')).toEqual(['allow.jsonl', 'auth.log']);
    expect(complete('vmsentry', 'scan', '--allowlist', 'al')).toEqual(['allow.jsonl']);
    expect(complete('vmsentry', 'scan', '--rules', '')).toEqual(['logs']);
    expect(complete('vmsentry', 'local', 'lo')).toEqual(['logs']);
    // A value that is not a path (a log group name) gets no file names.
    expect(complete('vmsentry', 'hunt', '--log-group', 'a')).toEqual([]);
  });

  it('follows the command tree: a new option appears without editing a script', () => {
    const program = new Command('tool');
    program.command('go').option('--speed <n>', 'how fast').option('--map <file>', 'where').argument('[dirs...]');
    const script = completionScript('bash', describeCommand(program));
    expect(script).toContain(`'go') printf '%s\\n' '--speed --map --help'`);
    expect(script).toContain(`'go|--map') printf '%s\\n' 'f'`);
    expect(script).toContain(`'go') printf '%s\\n' 'd'`);
    expect(script).toContain('complete -F _tool tool');
  });

  it('is printed by the CLI, and an unknown shell is a usage error', async () => {
    const ok = await runCli(['completion', 'bash']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('complete -F _vmsentry vmsentry');
    const bad = await helpOf(['completion', 'fish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/one of: bash, zsh/);
    expect(bad.stdout).toBe('');
  });
});

describe('vmsentry completion zsh', () => {
  let script = '';
  beforeAll(async () => {
    script = await scriptFor('zsh');
  });

  it('loads in a real zsh with compinit and offers what the bash script offers', () => {
    const zsh = ['/usr/bin/zsh', '/bin/zsh'].find((file) => existsSync(file));
    if (!zsh) throw new Error("zsh is not installed: install Debian's zsh package (.ci/run does)");
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-zsh-'));
    const file = path.join(dir, '_vmsentry');
    writeFileSync(file, script);
    // compadd is replaced by a collector: what the function would offer, before zsh filters by the typed prefix.
    const offered = (words: string) =>
      execFileSync(
        zsh,
        [
          '-f',
          '-c',
          `autoload -Uz compinit && compinit -u -d ${dir}/.zcompdump; source ${file}; typeset -a got; ` +
            'compadd() { local a seen=0; for a in "$@"; do if (( seen )); then got+=($a); elif [[ $a == -- ]]; then seen=1; fi; done }; ' +
            `words=(${words}); CURRENT=\${#words}; _vmsentry 2>/dev/null; print -l -- $got`,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    try {
      execFileSync(zsh, ['-n', file]);
      expect(offered("vmsentry ''")).toEqual(expect.arrayContaining(['scan', 'allowlist', 'alerts', 'completion']));
      expect(offered("vmsentry allowlist ''")).toEqual(expect.arrayContaining(['add', 'list', 'expire']));
      expect(offered('vmsentry scan --')).toEqual(expect.arrayContaining(['--output', '--fail-on']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a compdef file registering its function for vmsentry, using zsh completion calls', () => {
    expect(script.startsWith('#compdef vmsentry\n')).toBe(true);
    expect(script.trimEnd().endsWith('compdef _vmsentry vmsentry')).toBe(true);
    expect(script).toContain('_files -/');
    expect(script).toMatch(/compadd -- \$\{=subs\}/);
    // zsh's `path` is its PATH array: a local named path would break command lookup inside the function.
    expect(script).not.toMatch(/local[^\n]*\bpath=/);
  });

  it('carries the same command tree as the bash script (its data functions answer the same in a shell)', () => {
    const data = script.slice(script.indexOf('_vmsentry_subcommands()'), script.indexOf('\n_vmsentry() {'));
    const ask = (call: string) =>
      execFileSync('bash', ['--norc', '-c', `${data}\n${call}`], { encoding: 'utf8' }).trim();
    expect(ask("_vmsentry_subcommands ''")).toBe(
      'scan rules local allowlist validate alerts hunt redrive sigma-compat completion',
    );
    expect(ask("_vmsentry_subcommands 'allowlist'")).toBe('add list remove expire import export lint');
    expect(ask("_vmsentry_options 'scan'").split(' ')).toEqual(expect.arrayContaining(['--output', '--fail-on']));
    expect(ask("_vmsentry_value 'scan|--allowlist'")).toBe('f');
    expect(ask("_vmsentry_argument 'scan'")).toBe('f');
  });
});
