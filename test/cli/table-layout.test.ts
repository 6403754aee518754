/**
 * Tables fit the terminal and colour appears only where a human reads it. Specifications:
 * - every table narrows its free-text columns (widest first, with an ellipsis) to COLUMNS, the terminal's width, or
 *   100 in a pipe; key columns (ids, hosts, file:line) are never cut, even when that makes a line overflow;
 * - colour is on for a terminal, off in a pipe; NO_COLOR (non-empty) turns it off on a terminal, FORCE_COLOR turns
 *   it on in a pipe (0/false off), TERM=dumb off; a pipe never receives an escape code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { colourEnabled, paletteFor } from '../../bin/colour';
import { listRules } from '../../bin/commands/rules';
import { runScan, type ScanCommandOptions } from '../../bin/commands/scan';
import { formatRepeats } from '../../bin/local/repeats';
import { DEFAULT_TABLE_WIDTH, tableLayout, terminalWidth } from '../../bin/table-layout';
import { formatTable } from '../../lib/scan/table';
import { REPO, runCli } from './run-cli';

const ESCAPE = /\u001b\[/;
const WIDTHS = [60, 80, 200] as const;

/** The inherited colour settings removed: what a pipe gets is decided by the pipe alone. */
const NO_COLOUR_SETTINGS = { FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: undefined } as const;

const ID = 'e-7f3a9c';
const TITLE = 'VirtualBox VM Created, Registered or Reconfigured via VBoxManage From a User Folder';
const COMMAND = `"C:\\Users\\Public\\vbox\\VBoxManage.exe" createvm --name "win7" --register`;

function lines(text: string): string[] {
  return text.split('\n');
}

/** Run with these environment variables set (undefined: unset), then restore them. */
async function withEnv<T>(vars: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await run();
  } finally {
    apply(saved);
  }
}

function capture(tty: boolean, columns?: number) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty, ...(columns ? { columns } : {}) });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let out = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.resume();
  return { io: { stdout, stderr }, out: () => out };
}

describe('formatTable with a width (lib/scan/table.ts)', () => {
  const headers = ['ID', 'TITLE', 'HOST', 'WHAT'];
  const rows = [
    [ID, TITLE, 'fin-ws042', COMMAND],
    ['e-0b11d2', 'Short title', 'build-01', 'qemu-system-x86_64 -m 256'],
  ];
  const keys = [0, 2];

  it.each(WIDTHS)('fits %i columns, cutting only free-text columns, never the ids and hosts', (width) => {
    const text = formatTable(headers, rows, { width, keys, maxCellWidth: 200 });
    for (const line of lines(text)) expect(line.length).toBeLessThanOrEqual(width);
    expect(text).toContain(ID);
    expect(text).toContain('fin-ws042');
    expect(text).toContain('build-01');
  });

  it('cuts at 60 and 80 with an ellipsis; at 200 the whole table fits uncut', () => {
    expect(formatTable(headers, rows, { width: 60, keys, maxCellWidth: 200 })).toContain('…');
    expect(formatTable(headers, rows, { width: 80, keys, maxCellWidth: 200 })).toContain('…');
    const wide = formatTable(headers, rows, { width: 200, keys, maxCellWidth: 200 });
    expect(wide).not.toContain('…');
    expect(wide).toContain(TITLE);
  });

  it('narrows the widest free column first: a short one keeps its text while the long one gives way', () => {
    const text = formatTable(['A', 'B'], [['x'.repeat(100), 'twenty characters ok']], { width: 60 });
    const [, , row] = lines(text);
    expect(row).toContain('twenty characters ok');
    expect(row?.length).toBe(60);
  });

  it('lets a line overflow rather than cut a key that does not fit', () => {
    const key = 'k'.repeat(70);
    const text = formatTable(['KEY', 'NOTE'], [[key, 'a note that could be cut']], { width: 60, keys: [0] });
    expect(text).toContain(key);
    expect(Math.max(...lines(text).map((line) => line.length))).toBeGreaterThan(60);
  });

  it('without a width, lays out as before (free cells cut at maxCellWidth only)', () => {
    const text = formatTable(['A', 'B'], [['x'.repeat(30), 'y']], { maxCellWidth: 10 });
    expect(lines(text)[2]).toBe(`${'x'.repeat(9)}…  y`);
  });

  it('paints only data cells, after padding, so colour never shifts a column', () => {
    const paint = (column: number, padded: string) => (column === 0 ? `<${padded}>` : padded);
    const text = formatTable(['SEV', 'RULE'], [['high', 'r1']], { paint });
    expect(lines(text)).toEqual(['SEV   RULE', '----  ----', '<high>  r1']);
  });
});

describe('terminal width (bin/table-layout.ts)', () => {
  it('is COLUMNS when set, else the terminal width, else 100', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '70' })).toBe(70);
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(terminalWidth({ isTTY: false }, {})).toBe(DEFAULT_TABLE_WIDTH);
    expect(DEFAULT_TABLE_WIDTH).toBe(100);
    // A pipe's stream reports no width; nonsense COLUMNS is ignored.
    expect(terminalWidth({ isTTY: false, columns: 40 }, { COLUMNS: 'wide' })).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 90 }, { COLUMNS: '0' })).toBe(90);
  });
});

describe('colour (bin/colour.ts)', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  it('is on for a terminal and off for a pipe', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
  });

  it('NO_COLOR with any non-empty value turns it off on a terminal; an empty NO_COLOR does not', () => {
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: 'false' })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('FORCE_COLOR turns it on in a pipe (over NO_COLOR, as in Node); 0 and false turn it off', () => {
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colourEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('TERM=dumb turns it off on a terminal', () => {
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('styles severities when on and leaves text untouched when off', () => {
    expect(paletteFor(tty, {}).severity('critical')('x')).toBe('\u001b[1;31mx\u001b[0m');
    expect(paletteFor(tty, {}).severity('high')('x')).toBe('\u001b[31mx\u001b[0m');
    expect(paletteFor(tty, {}).severity('not-a-level')('x')).toBe('x');
    expect(paletteFor(pipe, {}).severity('critical')('x')).toBe('x');
  });

  it('tableLayout colours the severity column and the result column only when colour is on', () => {
    const on = tableLayout(capture(true).io, { keys: [0], severity: 0, result: 1 }, {});
    const text = formatTable(['SEV', 'RESULT', 'NOTE'], [['high', 'PASS', 'n']], on);
    expect(text).toContain('\u001b[31mhigh\u001b[0m');
    expect(text).toContain('\u001b[32mPASS  \u001b[0m');
    const off = tableLayout(capture(false).io, { keys: [0], severity: 0, result: 1 }, {});
    expect(formatTable(['SEV', 'RESULT'], [['high', 'FAIL']], off)).not.toMatch(ESCAPE);
  });
});

describe('vmsentry scan --output table', () => {
  const fixture = 'test/cli/fixtures/auditd-qemu.txt';

  it.each(WIDTHS)('fits COLUMNS=%i in a pipe, with hosts and positions whole and no escape codes', async (width) => {
    const result = await runCli(['scan', '--output', 'table', '-'], {
      input: readFileSync(fixture),
      env: { ...NO_COLOUR_SETTINGS, COLUMNS: String(width) },
    });
    expect(result.code).toBe(0);
    const table = lines(result.stdout.trimEnd());
    expect(table[0]).toMatch(/^SEVERITY\s+RULE\s+HOST\s+INPUT\s+WHAT$/);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(width);
    expect(table.slice(2).every((line) => /\bbuild-01\s+stdin:1\b/.test(line))).toBe(true);
    expect(result.stdout).not.toMatch(ESCAPE);
    if (width === 200) expect(result.stdout).toContain('QEMU Guest With User-Mode Network Port Forwarding');
    else expect(result.stdout).toContain('…');
  });

  it('colours severities in a pipe only with FORCE_COLOR', async () => {
    const forced = await runCli(['scan', '--output', 'table', '-'], {
      input: readFileSync(fixture),
      env: { ...NO_COLOUR_SETTINGS, FORCE_COLOR: '1' },
    });
    expect(forced.stdout).toMatch(/\u001b\[1;31mcritical\u001b\[0m/);
  });

  it('colours on a terminal, and NO_COLOR turns it off there', async () => {
    const scan = async () => {
      const { io, out } = capture(true, 200);
      await runScan(['test/cli/fixtures/auditd-qemu.txt'], { ...SCAN_DEFAULTS, output: 'table' }, io);
      return out();
    };
    expect(
      await withEnv({ NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', COLUMNS: undefined }, scan),
    ).toMatch(ESCAPE);
    const plain = await withEnv({ NO_COLOR: '1', FORCE_COLOR: undefined, COLUMNS: undefined }, scan);
    expect(plain).not.toMatch(ESCAPE);
    expect(plain).toContain('critical');
  });

  it('never colours JSON lines, even on a terminal with FORCE_COLOR', async () => {
    const { io, out } = capture(true, 200);
    await withEnv({ FORCE_COLOR: '1' }, () => runScan(['test/cli/fixtures/auditd-qemu.txt'], SCAN_DEFAULTS, io));
    expect(out()).toContain('"schema":"vmsentry.alert.v1"');
    expect(out()).not.toMatch(ESCAPE);
  });
});

describe('vmsentry rules list', () => {
  it.each([60, 80])('keeps every rule id and file whole at COLUMNS=%i, cutting titles instead', async (width) => {
    const { io, out } = capture(false);
    await withEnv({ COLUMNS: String(width) }, () => listRules({ rules: [], builtin: true }, io));
    const rows = lines(out().trimEnd()).slice(2);
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      expect(row).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s/);
      expect(row).toMatch(/\s\S+\.ya?ml$/);
    }
    expect(out()).toContain('…');
  });
});

describe('local mode repeat table (bin/local/repeats.ts)', () => {
  it('keeps host, count and times whole at 60 columns and cuts the rule title', () => {
    const row = {
      title: TITLE,
      host: 'fin-ws042.corp.example.com',
      count: 3,
      firstSeenMs: Date.UTC(2026, 0, 1),
      lastSeenMs: Date.UTC(2026, 0, 2),
    };
    const text = formatRepeats([row], { width: 60, keys: [1, 2, 3, 4] }) ?? '';
    expect(text).toContain('fin-ws042.corp.example.com');
    expect(text).toContain('3 times');
    expect(text).toContain('2026-01-02T00:00:00.000Z');
    expect(text).not.toContain(TITLE);
    expect(text).toContain('…');
  });
});

const SCAN_DEFAULTS: ScanCommandOptions = { rules: [], builtin: true, minSeverity: 'low' };

describe('docs/operations.md', () => {
  it('lists the variables that size and colour the tables in its environment table', () => {
    const doc = readFileSync(path.join(REPO, 'docs', 'operations.md'), 'utf8');
    for (const name of ['COLUMNS', 'NO_COLOR', 'FORCE_COLOR'])
      expect(doc).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
