/**
 * Checks the output of `npm run bench -- --json`: one JSON object per line, each a row `{ name, ..., ratio }` whose
 * values are strings, booleans or finite numbers. Every measured row carries a finite numeric `ratio` (the issue's
 * must-show: each target as a ratio measured in the same run); only the informational rows (`corpus`, which says
 * where the events came from, and `bundle:*`, bytes against a budget) may go without. CI pipes the quick bench
 * through it (.ci/run):
 *
 *   npm run --silent bench -- --quick --json | npx tsx bench/check-rows.ts --require cloudwatch-handler,scale-sim:
 */

export interface RowCheck {
  readonly rows: number;
  readonly problems: readonly string[];
}

const INFORMATIONAL = (name: string) => name === 'corpus' || name.startsWith('bundle:');

export function checkBenchRows(text: string, required: readonly string[] = []): RowCheck {
  const problems: string[] = [];
  const names: string[] = [];
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push(`${where}: not JSON: ${line.slice(0, 80)}`);
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const record = row as Record<string, unknown>;
    const name = record['name'];
    if (typeof name !== 'string' || name === '') {
      problems.push(`${where}: no name`);
      return;
    }
    names.push(name);
    for (const [key, value] of Object.entries(record)) {
      const ok =
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value));
      if (!ok) problems.push(`${name}: field ${key} is ${JSON.stringify(value)}`);
    }
    if (!INFORMATIONAL(name)) {
      const ratio = record['ratio'];
      if (typeof ratio !== 'number' || !Number.isFinite(ratio)) problems.push(`${name}: no finite numeric ratio`);
    }
  });
  for (const prefix of required) {
    if (!names.some((name) => name.startsWith(prefix))) problems.push(`no row named ${prefix}*`);
  }
  if (lines.length === 0) problems.push('no rows');
  return { rows: lines.length, problems };
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--require');
  const required = index >= 0 ? (process.argv[index + 1] ?? '').split(',').filter(Boolean) : [];
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { rows, problems } = checkBenchRows(Buffer.concat(chunks).toString('utf8'), required);
  for (const problem of problems) console.error(`bench rows: ${problem}`);
  console.log(`bench rows: ${rows} row(s), ${problems.length} problem(s)`);
  if (problems.length > 0) process.exitCode = 1;
}

if (require.main === module) void main();
