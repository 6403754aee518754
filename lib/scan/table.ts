/**
 * Plain-text tables for terminals: columns padded to the widest cell, cells cut to a maximum width, control
 * characters escaped (cells carry attacker-influenced text such as command lines).
 */
export interface TableOptions {
  /** Widest a cell may be before it is cut with an ellipsis. */
  readonly maxCellWidth?: number;
}

const DEFAULT_MAX_CELL = 60;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function cellText(value: unknown, max = DEFAULT_MAX_CELL): string {
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(',') : String(value);
  // Control characters become spaces: cells hold attacker-influenced text printed to a terminal.
  const flat = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}

export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const max = options.maxCellWidth ?? DEFAULT_MAX_CELL;
  const cells = rows.map((row) => headers.map((_, index) => cellText(row[index], max)));
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
