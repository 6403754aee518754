import type { Command } from 'commander';

export type Register = (program: Command) => void;

// ─── Command modules ──────────────────────────────────────────────────────────────────────────────────────────────
// Every command module, in help order, loaded only when its command runs (or for the full help): `vmsentry scan` never
// loads the AWS SDK, `vmsentry --version` loads no command at all. To add a command: create bin/commands/<name>.ts
// exporting `register(program: Command): void` and add a row here (test/cli/commands.test.ts checks the names).
export const COMMANDS: readonly { readonly name: string; readonly load: () => Register }[] = [
  { name: 'scan', load: () => (require('./commands/scan') as typeof import('./commands/scan')).register },
  { name: 'rules', load: () => (require('./commands/rules') as typeof import('./commands/rules')).register },
  { name: 'local', load: () => (require('./commands/local') as typeof import('./commands/local')).register },
  {
    name: 'allowlist',
    load: () => (require('./commands/allowlist') as typeof import('./commands/allowlist')).register,
  },
  { name: 'validate', load: () => (require('./commands/validate') as typeof import('./commands/validate')).register },
  { name: 'alerts', load: () => (require('./commands/alerts') as typeof import('./commands/alerts')).register },
  { name: 'hunt', load: () => (require('./commands/hunt') as typeof import('./commands/hunt')).register },
  { name: 'redrive', load: () => (require('./commands/redrive') as typeof import('./commands/redrive')).register },
  {
    name: 'sigma-compat',
    load: () => (require('./commands/sigma-compat') as typeof import('./commands/sigma-compat')).register,
  },
  {
    name: 'completion',
    load: () => (require('./commands/completion') as typeof import('./commands/completion')).register,
  },
];
/**
 * The commands a run needs: the one its first word names, none for a bare `--version`, every one for help or an
 * unknown word (so the help lists them all and commander can suggest the nearest).
 */
export function commandsFor(argv: readonly string[]): readonly Register[] {
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first === undefined && argv.some((arg) => arg === '-V' || arg === '--version')) return [];
  const named = COMMANDS.find((command) => command.name === first);
  return named ? [named.load()] : COMMANDS.map((command) => command.load());
}
