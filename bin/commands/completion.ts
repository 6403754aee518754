/**
 * `vmsentry completion bash|zsh`: prints a completion script generated from the full command tree. Commands load
 * lazily (a run loads only its own), so this one builds a program with every command, and only when it runs.
 */
import { Command, InvalidArgumentError } from 'commander';
import { type CliIo, processIo, writeLine } from '../cli-io';
import { COMMANDS } from '../command-table';
import { completionScript, describeCommand, SHELLS, type Shell } from '../completion';

function parseShell(value: string): Shell {
  const shell = SHELLS.find((one) => one === value.toLowerCase());
  if (!shell) throw new InvalidArgumentError(`one of: ${SHELLS.join(', ')}`);
  return shell;
}

export async function runCompletion(shell: Shell, io: CliIo): Promise<number> {
  // Every command, loaded now: the tree the script completes (the entry point loaded only this one).
  const program = new Command('vmsentry').version('', '-V, --version');
  for (const command of COMMANDS) command.load()(program);
  await writeLine(io.stdout, completionScript(shell, describeCommand(program)).trimEnd());
  return 0;
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: subcommands, options, and files for path arguments')
    .argument('<shell>', `${SHELLS.join(' or ')}`, parseShell)
    .addHelpText(
      'after',
      '\nLoad it from your shell start-up file:\n' +
        '  bash (~/.bashrc):            source <(vmsentry completion bash)\n' +
        '  zsh (~/.zshrc, after compinit): source <(vmsentry completion zsh)\n' +
        'It completes `vmsentry` on PATH (npm link, or node_modules/.bin on PATH).',
    )
    .action(async (shell: Shell) => {
      process.exitCode = await runCompletion(shell, processIo);
    });
}
