/**
 * How wide the CLI's tables may be and how they are coloured, decided once for every command that prints one: the
 * COLUMNS variable when set, else the terminal's width, else 100 (a pipe or a file has no width of its own).
 */
import type { TableLayout } from '../lib/scan/table';
import type { CliIo } from './cli-io';
import { paletteFor } from './colour';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_TABLE_WIDTH = 100;

export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: Env = process.env): number {
  // COLUMNS first, as ls and less read it: `COLUMNS=200 vmsentry rules list | less -S` is how one asks for more.
  const fromEnv = Number(env['COLUMNS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  return DEFAULT_TABLE_WIDTH;
}

/**
 * The layout of a table written to io.stdout: its width, the key columns never cut, and colour on the columns that
 * hold a severity (or a pass/fail result) when colour is on.
 */
export function tableLayout(
  io: CliIo,
  columns: { readonly keys: readonly number[]; readonly severity?: number; readonly result?: number },
  env: Env = process.env,
): TableLayout {
  const palette = paletteFor(io.stdout, env);
  const layout = { width: terminalWidth(io.stdout, env), keys: columns.keys };
  if (!palette.enabled) return layout;
  return {
    ...layout,
    paint: (column, padded, plain) => {
      if (column === columns.severity) return palette.severity(plain)(padded);
      if (column === columns.result) return (/^(pass|ok)/i.test(plain) ? palette.good : palette.bad)(padded);
      return padded;
    },
  };
}
