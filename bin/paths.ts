import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The checkout (or installed package) the CLI runs from: the nearest directory above this module holding
 * package.json. Found, not assumed, because the same code runs from bin/ (through tsx) and bundled into dist/cli/.
 */
export function packageRootFrom(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = packageRootFrom(__dirname);

/** A path inside the package: `packagePath('rules')`, `packagePath('bin', 'local', 'fauxqs-server.mjs')`. */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
