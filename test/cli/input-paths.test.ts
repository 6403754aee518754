import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../bin/cli-io';
import { compilePathGlob, expandInputPaths, matchPathGlob } from '../../bin/input-paths';

function matches(glob: string, relative: string): boolean {
  return matchPathGlob(compilePathGlob(glob), relative);
}

describe('--include globs (path relative to the directory)', () => {
  it('a glob without a slash matches the file name at any depth', () => {
    expect(matches('*.gz', 'x.gz')).toBe(true);
    expect(matches('*.gz', 'a/b/x.gz')).toBe(true);
    expect(matches('*.gz', 'a/b/x.gz.txt')).toBe(false);
    expect(matches('*.gz', 'x.gz/y.txt')).toBe(false);
  });

  it('** spans any number of directories, none included', () => {
    expect(matches('**/*.jsonl', 'a.jsonl')).toBe(true);
    expect(matches('**/*.jsonl', 'a/b/c/d.jsonl')).toBe(true);
    expect(matches('logs/**/*.jsonl', 'logs/d.jsonl')).toBe(true);
    expect(matches('logs/**/*.jsonl', 'logs/2026/12/d.jsonl')).toBe(true);
    expect(matches('logs/**/*.jsonl', 'other/logs/d.jsonl')).toBe(false);
    expect(matches('logs/**', 'logs/a/b')).toBe(true);
    expect(matches('**/host1/**/*.log', 'x/host1/y/z.log')).toBe(true);
    expect(matches('**/host1/**/*.log', 'x/host2/y/z.log')).toBe(false);
  });

  it('in a glob with a slash, * and ? stay inside one path segment', () => {
    expect(matches('a/*.jsonl', 'a/x.jsonl')).toBe(true);
    expect(matches('a/*.jsonl', 'a/b/x.jsonl')).toBe(false);
    expect(matches('a/?.log', 'a/1.log')).toBe(true);
    expect(matches('a/?.log', 'a/12.log')).toBe(false);
    expect(matches('./a/*.log', 'a/1.log')).toBe(true);
  });

  it('is case-insensitive (exports from Windows) and treats regular-expression characters literally', () => {
    expect(matches('*.jsonl', 'A/B.JSONL')).toBe(true);
    expect(matches('[ab].log', 'a.log')).toBe(false);
    expect(matches('[ab].log', '[ab].log')).toBe(true);
    expect(matches('(x+)+.log', 'xxxx.log')).toBe(false);
    expect(matches('*.log', 'x.log.')).toBe(false);
  });

  it('an empty glob is a usage error', () => {
    expect(() => compilePathGlob('/')).toThrow(UsageError);
  });
});

describe('expandInputPaths', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'vmsentry-paths-'));
    mkdirSync(path.join(root, 'b', 'deep'), { recursive: true });
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, 'b', 'deep', 'z.jsonl'), '{}\n');
    writeFileSync(path.join(root, 'b', 'a.jsonl'), '{}\n');
    writeFileSync(path.join(root, 'a.gz'), '');
    writeFileSync(path.join(root, 'notes.txt'), 'x');
    writeFileSync(path.join(root, '.hidden.jsonl'), '{}\n');
    writeFileSync(path.join(root, '.git', 'c.jsonl'), '{}\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const under = (...names: string[]): string[] => names.map((name) => path.join(root, name));

  it('expands a directory to every regular file under it, sorted, skipping dot-files and dot-directories', () => {
    expect(expandInputPaths([root])).toEqual(under('a.gz', 'b/a.jsonl', 'b/deep/z.jsonl', 'notes.txt'));
  });

  it('keeps argument order, passes files and - through, and filters only directories', () => {
    const file = path.join(root, 'notes.txt');
    expect(expandInputPaths([file, '-', root], { include: ['*.gz'] })).toEqual([file, '-', ...under('a.gz')]);
  });

  it('--include globs are OR-ed', () => {
    expect(expandInputPaths([root], { include: ['**/*.jsonl', '*.gz'] })).toEqual(
      under('a.gz', 'b/a.jsonl', 'b/deep/z.jsonl'),
    );
    expect(expandInputPaths([root], { include: ['b/*.jsonl'] })).toEqual(under('b/a.jsonl'));
  });

  it('a directory with no matching file is a usage error naming the directory and the globs', () => {
    expect(() => expandInputPaths([root], { include: ['*.evtx', '*.xml'] })).toThrow(
      new UsageError(`${root}: no file in it matches --include '*.evtx' --include '*.xml'`),
    );
    const empty = path.join(root, 'empty');
    mkdirSync(path.join(empty, '.only-dot'), { recursive: true });
    expect(() => expandInputPaths([empty], { label: '--corpus' })).toThrow(
      new UsageError(`--corpus ${empty}: no regular file in it (dot-files and dot-directories are skipped)`),
    );
  });

  it('a missing path is a usage error with its code', () => {
    expect(() => expandInputPaths([path.join(root, 'nope')])).toThrow(/cannot read .*nope: ENOENT/);
  });

  it('reads links to files, does not follow links to directories, so a link loop finishes', () => {
    symlinkSync(root, path.join(root, 'b', 'deep', 'loop'));
    symlinkSync('..', path.join(root, 'b', 'up'));
    symlinkSync(path.join(root, 'b', 'a.jsonl'), path.join(root, 'linked.jsonl'));
    symlinkSync(path.join(root, 'gone'), path.join(root, 'dangling.jsonl'));
    expect(expandInputPaths([root], { include: ['*.jsonl'] })).toEqual(
      under('b/a.jsonl', 'b/deep/z.jsonl', 'linked.jsonl'),
    );
  });
});
