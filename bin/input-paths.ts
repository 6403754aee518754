/**
 * The files behind the path arguments of `scan` and `local` (and `local --corpus`): a file is itself, a directory is
 * every regular file under it, recursively, optionally filtered by `--include` globs, in a sorted order so two runs
 * over the same tree read (and alert) in the same order.
 *
 * Dot-files and dot-directories are skipped (.git, editor swap files). Symbolic links to files are read; symbolic links
 * to directories are not followed, so a link loop cannot make the walk endless (the walk only descends into real
 * directories, and a real directory tree has no cycles).
 *
 * Globs match the path relative to the directory, with `/` as separator on every platform:
 * - a glob without `/` matches the file's name at any depth (`*.gz`), as .gitignore and ripgrep do;
 * - a glob with `/` matches the whole relative path; `*` and `?` stay inside one path segment, `**` spans any number
 *   of directories, none included (`**\/*.jsonl` matches `a.jsonl` and `x/y/a.jsonl`).
 * Within a segment the allowlist's linear star matcher is used (case-insensitive, so `*.JSONL` exports from Windows
 * match `*.jsonl`); no regular expression is built from the glob.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type CompiledGlob, compileGlob, matchCompiled } from '../lib/allowlist/glob';
import { describeError, UsageError } from './cli-io';

/** `**` as a pattern segment: any number of path segments. */
const ANY_DEPTH = Symbol('**');
type PatternSegment = CompiledGlob | typeof ANY_DEPTH;

export interface PathGlob {
  readonly source: string;
  /** No `/` in the glob: it is matched against the file name only. */
  readonly nameOnly: boolean;
  readonly segments: readonly PatternSegment[];
}

export function compilePathGlob(source: string): PathGlob {
  const trimmed = source.replace(/^\.\//, '');
  const parts = trimmed.split('/').filter((part) => part !== '');
  if (parts.length === 0) throw new UsageError(`--include '${source}': an empty glob matches nothing`);
  return {
    source,
    nameOnly: !trimmed.includes('/'),
    segments: parts.map((part) => (part === '**' ? ANY_DEPTH : compileGlob(part))),
  };
}

/**
 * Does the relative path (segments separated by `/`) match? The same two-pointer walk as a star matcher, one level up:
 * `**` is the star, every other segment must match exactly one path segment. Only the last `**` is ever returned to,
 * so the work is at most (path segments × pattern segments) segment matches, each linear in the segment.
 */
export function matchPathGlob(glob: PathGlob, relative: string): boolean {
  const names = relative.split('/');
  if (glob.nameOnly) {
    const only = glob.segments[0];
    return only === ANY_DEPTH || matchCompiled(only as CompiledGlob, names[names.length - 1] as string);
  }
  const pattern = glob.segments;
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < names.length) {
    const segment = pattern[p];
    if (segment === ANY_DEPTH) {
      starP = p++;
      starN = n;
    } else if (segment !== undefined && matchCompiled(segment, names[n] as string)) {
      p++;
      n++;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY_DEPTH) p++;
  return p === pattern.length;
}

export interface ExpandOptions {
  /** `--include` globs; none means every regular file. */
  readonly include?: readonly string[];
  /** How messages name the argument, e.g. `--corpus` (default: nothing). */
  readonly label?: string;
}

function prefix(label: string | undefined, target: string): string {
  return label ? `${label} ${target}` : target;
}

function unreadable(label: string | undefined, target: string, cause: unknown): UsageError {
  const reason = (cause as NodeJS.ErrnoException).code ?? describeError(cause);
  return new UsageError(`cannot read ${prefix(label, target)}: ${reason}`, { cause });
}

/** Every regular file under `dir` whose relative path passes the globs, sorted by that relative path. */
export function listDirectory(dir: string, globs: readonly PathGlob[], label?: string): string[] {
  const found: string[] = [];
  // Explicit stack, not recursion: a deep tree cannot overflow the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(dir, relativeDir), { withFileTypes: true });
    } catch (cause) {
      throw unreadable(label, path.join(dir, relativeDir), cause);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        pending.push(relative);
        continue;
      }
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // A link to a file is read; a link to a directory is not followed (loops); a dangling link is skipped.
        try {
          isFile = statSync(path.join(dir, relative)).isFile();
        } catch {
          isFile = false;
        }
      }
      if (!isFile) continue;
      if (globs.length === 0 || globs.some((glob) => matchPathGlob(glob, relative))) found.push(relative);
    }
  }
  // Code-unit order, not the locale's: the same tree gives the same order on every machine.
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return found.map((relative) => path.join(dir, relative));
}

function describeGlobs(include: readonly string[]): string {
  return include.length === 0
    ? 'no regular file in it (dot-files and dot-directories are skipped)'
    : `no file in it matches ${include.map((glob) => `--include '${glob}'`).join(' ')}`;
}

/**
 * The files to read for these path arguments, in argument order with each directory expanded in place. `-` (stdin)
 * passes through. A missing path, something that is neither file nor directory, or a directory with no matching file
 * is a usage error naming it.
 */
export function expandInputPaths(paths: readonly string[], options: ExpandOptions = {}): string[] {
  const include = options.include ?? [];
  const globs = include.map(compilePathGlob);
  const files: string[] = [];
  for (const target of paths) {
    if (target === '-') {
      files.push(target);
      continue;
    }
    let isDirectory: boolean;
    try {
      const stat = statSync(target);
      if (!stat.isFile() && !stat.isDirectory()) {
        throw new UsageError(`cannot read ${prefix(options.label, target)}: not a file or directory`);
      }
      isDirectory = stat.isDirectory();
    } catch (cause) {
      if (cause instanceof UsageError) throw cause;
      throw unreadable(options.label, target, cause);
    }
    if (!isDirectory) {
      files.push(target);
      continue;
    }
    const listed = listDirectory(target, globs, options.label);
    if (listed.length === 0) throw new UsageError(`${prefix(options.label, target)}: ${describeGlobs(include)}`);
    files.push(...listed);
  }
  return files;
}

/** The `--include` help, shared by every command that takes directories. */
export const INCLUDE_HELP =
  "for directory arguments: read only files whose path relative to the directory matches (repeatable; '*.gz' " +
  "matches the name at any depth, '**/' spans directories); default every file, dot-files skipped";
