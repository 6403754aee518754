/**
 * Build the web console into dist/console: console/app.ts bundled and minified by esbuild (one file, no inline
 * script, so the CSP can forbid inline code), plus index.html and styles.css copied. The console stack deploys this
 * directory with a config.json beside it; the local console server serves it with the local config.json.
 *
 *   tsx scripts/build-console.ts [--out DIR]
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const REPO_ROOT = path.resolve(__dirname, '..');
export const CONSOLE_SOURCE = path.join(REPO_ROOT, 'console');
export const DEFAULT_CONSOLE_DIR = path.join(REPO_ROOT, 'dist', 'console');
/** The files the built console consists of (the stack and the local server serve exactly these). */
export const CONSOLE_FILES = ['index.html', 'app.js', 'styles.css'] as const;

export function buildConsole(outDir = DEFAULT_CONSOLE_DIR): void {
  // Built beside and renamed into place, so a server reading the directory never sees half a build.
  const partial = `${outDir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  buildSync({
    entryPoints: [path.join(CONSOLE_SOURCE, 'app.ts')],
    outfile: path.join(partial, 'app.js'),
    bundle: true,
    platform: 'browser',
    target: ['es2022'],
    format: 'iife',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(path.join(CONSOLE_SOURCE, 'index.html'), path.join(partial, 'index.html'));
  copyFileSync(path.join(CONSOLE_SOURCE, 'styles.css'), path.join(partial, 'styles.css'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.dirname(outDir), { recursive: true });
  renameSync(partial, outDir);
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  const out = at === -1 ? DEFAULT_CONSOLE_DIR : path.resolve(process.argv[at + 1] ?? '');
  buildConsole(out);
  process.stdout.write(`built ${path.relative(process.cwd(), out)}\n`);
}
