/**
 * Compile the CLI once, so no command compiles TypeScript at run time: esbuild bundles bin/vmsentry.ts and the
 * project code it reaches into dist/cli/vmsentry.cjs; packages stay in node_modules (required lazily, per command).
 * `npm ci` runs it (the `prepare` script); bin/vmsentry.cjs uses the bundle while it is newer than every source.
 *
 *   tsx scripts/build-cli.ts [--out FILE]
 */
import { renameSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli', 'vmsentry.cjs');

export function buildCli(outfile = DEFAULT_CLI_BUNDLE): void {
  // Written beside and renamed into place: a CLI started meanwhile sees the old bundle or the new, never half of one.
  const partial = `${outfile}.${process.pid}.partial`;
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'bin', 'vmsentry.ts')],
    outfile: partial,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Dependencies load from node_modules as they would from the sources; only our TypeScript is compiled.
    packages: 'external',
    logLevel: 'warning',
  });
  renameSync(partial, outfile);
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  const out = at === -1 ? DEFAULT_CLI_BUNDLE : path.resolve(process.argv[at + 1] ?? '');
  buildCli(out);
  process.stdout.write(`built ${path.relative(process.cwd(), out)}\n`);
}
