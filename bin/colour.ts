/**
 * Colour for the terminal, decided in one place: on when the stream is a terminal, off in pipes, files and CI logs.
 * NO_COLOR (any non-empty value, https://no-color.org) turns it off; FORCE_COLOR turns it on even in a pipe (`0` or
 * `false` turn it off), and wins over NO_COLOR as it does for Node itself; TERM=dumb turns it off on a terminal.
 * Every renderer that colours asks here, so a pipe never receives an escape code.
 */
import type { Severity } from '../lib/model/severity';

type Env = Readonly<Record<string, string | undefined>>;

export function colourEnabled(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export type Paint = (text: string) => string;

const sgr =
  (open: string): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[0m`;
const plain: Paint = (text) => text;

/** The styles the CLI uses; identity functions when colour is off. */
export interface Palette {
  readonly enabled: boolean;
  /** A severity's style (critical bold red, high red, medium yellow, low cyan, informational dim). */
  readonly severity: (severity: string) => Paint;
  /** A result that passed. */
  readonly good: Paint;
  /** A result that failed or needs attention (an expired entry, a failed scenario). */
  readonly bad: Paint;
}

const SEVERITY_STYLE: Readonly<Record<Severity, string>> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  informational: '2',
};

export function paletteFor(stream: { isTTY?: boolean }, env: Env = process.env): Palette {
  const enabled = colourEnabled(stream, env);
  const style = (open: string): Paint => (enabled ? sgr(open) : plain);
  return {
    enabled,
    severity: (severity) => {
      const open = SEVERITY_STYLE[severity.trim().toLowerCase() as Severity];
      return open === undefined ? plain : style(open);
    },
    good: style('32'),
    bad: style('31'),
  };
}
