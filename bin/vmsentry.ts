/**
 * The `vmsentry` command line. Each command lives in bin/commands/<name>.ts and exports
 * `register(program: Command): void`; this file only wires them and maps failures to exit codes
 * (0 ok, 1 internal error, 2 usage error or unreadable input).
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, describeError, EXIT, processIo, UsageError } from './cli-io';
import { COMMANDS, commandsFor } from './command-table';

export function createProgram(io: CliIo = processIo, argv?: readonly string[]): Command {
  const program = new Command('vmsentry')
    .description(
      'Detect MITRE ATT&CK T1564.006 (Run Virtual Instance): VMs and containers started to hide from the host.',
    )
    .version(versionOf(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const register of argv === undefined ? COMMANDS.map((command) => command.load()) : commandsFor(argv))
    register(program);
  // Subcommands inherit neither exitOverride nor output settings: apply them to every command.
  const apply = (command: Command): void => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    command.showHelpAfterError('(run with --help for usage)');
    for (const sub of command.commands) apply(sub);
  };
  apply(program);
  return program;
}

function versionOf(): string {
  try {
    return (require('../package.json') as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Run the CLI with these arguments (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // The SDK's Node-version notice is for Lambda operators, not CLI users (`npm start` enters here, not via the shim).
  process.env['AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING'] ??= '1';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  if (io === processIo) quietOnClosedPipe();
  const program = createProgram(io, argv);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with a "success" CommanderError; every other is a usage error (already printed).
      if (error.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`vmsentry: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`vmsentry: internal error: ${describeError(error)}\n`);
    if (process.env['VMSENTRY_DEBUG'] && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}

let pipeHandled = false;
function quietOnClosedPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`vmsentry scan big.log | head`): stop quietly.
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vmsentry: internal error: ${describeError(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
