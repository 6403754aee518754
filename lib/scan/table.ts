/**
 * Plain-text tables for terminals: columns padded to the widest cell, cells cut to a maximum width, control
 * characters escaped (cells carry attacker-influenced text such as command lines). Given a width, the table fits it
 * by narrowing its free-text columns, widest first; key columns (ids, hosts, positions a user copies into another
 * command) are never cut, so a table too narrow for its keys overflows rather than corrupting one.
 */
export interface TableOptions {
  /** Widest a free-text cell may be before it is cut with an ellipsis (key columns are never cut). */
  readonly maxCellWidth?: number;
  /** Fit every line into this many characters where the key columns allow; undefined: no limit. */
  readonly width?: number;
  /** Indexes of the columns that are never cut: what a user copies (ids, hosts, file:line, times). */
  readonly keys?: readonly number[];
  /**
   * Decorates a cell after padding (colour): the text it returns is printed as is and is not measured, so it must
   * add only zero-width escapes. Receives the column index and the cell's plain text (padded).
   */
  readonly paint?: (column: number, padded: string, plain: string) => string;
}

/** What a caller decides about the terminal (bin/table-layout.ts): width, uncuttable columns, colour. */
export type TableLayout = Pick<TableOptions, 'width' | 'keys' | 'paint'>;

const DEFAULT_MAX_CELL = 60;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const GAP = 2;
/** The narrowest a free-text column is shrunk to: enough of a title to recognise it, with the ellipsis. */
const MIN_FREE_WIDTH = 12;
/**
 * Even a key cell is cut beyond this: keys can come from logs (a host name), and a value this long is not one a user
 * copies from a terminal; the ellipsis shows it was cut.
 */
const MAX_KEY_WIDTH = 256;

function flatText(value: unknown): string {
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(',') : String(value);
  // Control characters become spaces: cells hold attacker-influenced text printed to a terminal.
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

function cut(flat: string, max: number): string {
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}

export function cellText(value: unknown, max = DEFAULT_MAX_CELL): string {
  return cut(flatText(value), max);
}

/**
 * Column widths that fit `width`: the widest free column loses one character at a time (never below its header or
 * MIN_FREE_WIDTH) until the line fits or no free column can give more. Bounded by the sum of the widths.
 */
function fitWidths(natural: readonly number[], floors: readonly number[], free: readonly boolean[], width: number) {
  const widths = [...natural];
  let total = widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1);
  while (total > width) {
    let widest = -1;
    for (let index = 0; index < widths.length; index++) {
      if (!free[index] || (widths[index] ?? 0) <= (floors[index] ?? 0)) continue;
      if (widest === -1 || (widths[index] ?? 0) > (widths[widest] ?? 0)) widest = index;
    }
    if (widest === -1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  return widths;
}

export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const max = options.maxCellWidth ?? DEFAULT_MAX_CELL;
  const keys = new Set(options.keys ?? []);
  const free = headers.map((_, index) => !keys.has(index));
  const flat = rows.map((row) => headers.map((_, index) => flatText(row[index])));
  const natural = headers.map((header, index) =>
    Math.max(
      header.length,
      ...flat.map((row) => {
        const length = (row[index] ?? '').length;
        return Math.min(length, free[index] ? max : MAX_KEY_WIDTH);
      }),
    ),
  );
  const floors = headers.map((header) => Math.max(header.length, MIN_FREE_WIDTH));
  const widths =
    options.width === undefined ? natural : fitWidths(natural, floors, free, Math.max(1, Math.floor(options.width)));
  const cells = flat.map((row) =>
    row.map((text, index) => cut(text, free[index] ? (widths[index] ?? max) : MAX_KEY_WIDTH)),
  );
  const paint = options.paint;
  const line = (row: readonly string[], painted: boolean): string =>
    row
      .map((cell, index) => {
        const padded = index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0);
        // Empty cells stay unpainted: a trailing escape would keep trimEnd from removing the padding before it.
        return painted && paint && cell !== '' ? paint(index, padded, cell) : padded;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [
    line(headers, false),
    line(
      widths.map((width) => '-'.repeat(width)),
      false,
    ),
    ...cells.map((row) => line(row, true)),
  ].join('\n');
}
