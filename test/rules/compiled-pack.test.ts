import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { NormalizedEvent } from '../../lib/model';
import { listRuleFiles, loadRuleDirectory, type RuleDirectory, RuleSet } from '../../lib/rules';
import * as compile from '../../lib/rules/compile';
import {
  buildCompiledPack,
  COMPILED_PACK_FILE,
  relativeRulePath,
  writeCompiledPack,
} from '../../lib/rules/compiled-pack';
import { loadRuleSamples, toEvent } from '../rules-pack/samples';

/** Rule sources name the scratch directory absolutely or relative to the working directory (a clone under /tmp). */
function relabel(loaded: RuleDirectory, dir: string): string {
  return shape(loaded).split(dir).join('<dir>').split(relative(process.cwd(), dir)).join('<dir>');
}

const PACK = join(__dirname, '..', '..', 'rules');
const INVALID = join(__dirname, '..', 'fixtures', 'sigma', 'invalid');

/** A copy of a directory; from the pack, the YAML only: the checkout's own rules.compiled.json (npm ci writes one) stays behind. */
function copyOf(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmsentry-compiled-'));
  cpSync(source, dir, { recursive: true, filter: (path) => path !== join(PACK, COMPILED_PACK_FILE) });
  return dir;
}

/** What the scripts/compile-rules.ts step does. */
function precompile(dir: string): void {
  const files = listRuleFiles(dir).map((file) => ({
    path: relativeRulePath(dir, file),
    text: readFileSync(file, 'utf8'),
  }));
  writeCompiledPack(dir, buildCompiledPack(files));
}

/** Everything loaded except the compiled closures (JSON drops functions). */
function shape(loaded: RuleDirectory): string {
  return JSON.stringify([loaded.rules, loaded.correlations, loaded.errors]);
}

/** Load while counting how many rule files had their YAML parsed. */
function loadCountingYaml(dir: string): { loaded: RuleDirectory; yamlParses: number } {
  const spy = jest.spyOn(compile, 'parseRuleDocuments');
  try {
    const loaded = loadRuleDirectory(dir);
    return { loaded, yamlParses: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

function packSampleEvents(): NormalizedEvent[] {
  return listRuleFiles(PACK).flatMap((file) => {
    const samples = loadRuleSamples(file.replace(/\.yml$/, '.samples.yml'));
    if (!samples.ok) return [];
    return [...samples.samples.positive, ...samples.samples.negative].map((sample) =>
      toEvent(sample.event, { recordId: sample.name }),
    );
  });
}

function firstRule(dir: string): string {
  return listRuleFiles(dir)[0] as string;
}

function future(seconds: number): Date {
  return new Date(Date.now() + seconds * 1000);
}

describe('precompiled rule directories (rules.compiled.json)', () => {
  const dirs: string[] = [];
  const scratch = (source: string): string => {
    const dir = copyOf(source);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const yamlDir = scratch(PACK);
  const compiledDir = scratch(PACK);
  precompile(compiledDir);
  const fromYaml = loadRuleDirectory(yamlDir);

  it('are used instead of parsing YAML when fresh', () => {
    const { loaded, yamlParses } = loadCountingYaml(compiledDir);
    expect(yamlParses).toBe(0);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.rules.length).toBeGreaterThan(0);
  });

  it('are not looked for when absent: the YAML is parsed without a warning', () => {
    const { loaded, yamlParses } = loadCountingYaml(yamlDir);
    expect(yamlParses).toBe(listRuleFiles(yamlDir).length);
    expect(loaded.warnings).toEqual([]);
  });

  it('load the same rules, correlations and errors as the YAML', () => {
    // Sources are relative to the working directory, so compare within each directory's own terms.
    expect(relabel(loadRuleDirectory(compiledDir), compiledDir)).toBe(relabel(fromYaml, yamlDir));
    const invalidYaml = scratch(INVALID);
    writeFileSync(
      join(invalidYaml, 'bad_yaml.yaml'),
      'title: Broken\ndetection:\n  selection:\n    Image: [unclosed\n',
    );
    const invalidCompiled = scratch(invalidYaml);
    precompile(invalidCompiled);
    const compiledErrors = loadCountingYaml(invalidCompiled);
    expect(compiledErrors.yamlParses).toBe(0);
    expect(relabel(compiledErrors.loaded, invalidCompiled)).toBe(relabel(loadRuleDirectory(invalidYaml), invalidYaml));
    expect(compiledErrors.loaded.errors.map((error) => error.reason).join('\n')).toMatch(/invalid YAML/);
  });

  it('give a RuleSet that detects exactly what the YAML-loaded one does', () => {
    const events = packSampleEvents();
    const yamlSet = RuleSet.from(fromYaml.rules);
    const compiledSet = RuleSet.from(loadRuleDirectory(compiledDir).rules);
    const detected = (set: RuleSet) =>
      events.map((event) => set.match(event).map((d) => [d.rule.id, d.severity, d.context ?? []]));
    const expected = detected(yamlSet);
    expect(expected.flat().length).toBeGreaterThan(0);
    expect(detected(compiledSet)).toEqual(expected);
  });

  describe('are ignored with a warning, and the YAML parsed, when', () => {
    it('a rule file is newer than the compiled file', () => {
      const dir = scratch(compiledDir);
      utimesSync(firstRule(dir), future(60), future(60));
      const { loaded, yamlParses } = loadCountingYaml(dir);
      expect(yamlParses).toBe(listRuleFiles(dir).length);
      expect(loaded.warnings?.map((w) => w.reason)).toEqual([expect.stringMatching(/ignored.*changed after/)]);
      expect(relabel(loaded, dir)).toBe(relabel(loadRuleDirectory(yamlDir), yamlDir));
    });

    it('a rule file was edited although the compiled file looks newer (the edit is never hidden)', () => {
      const dir = scratch(compiledDir);
      const file = firstRule(dir);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Edited After Compiling'));
      utimesSync(join(dir, COMPILED_PACK_FILE), future(120), future(120));
      const loaded = loadRuleDirectory(dir);
      expect(loaded.warnings?.map((w) => w.reason)).toEqual([expect.stringMatching(/ignored.*differs/)]);
      expect(loaded.rules.map((rule) => rule.metadata.title)).toContain('Edited After Compiling');
    });

    it('a rule file was added or removed', () => {
      const added = scratch(compiledDir);
      writeFileSync(join(added, 'extra.yml'), readFileSync(firstRule(added), 'utf8').replace(/^id: .*$/m, 'id: x-1'));
      utimesSync(join(added, COMPILED_PACK_FILE), future(120), future(120));
      const withExtra = loadRuleDirectory(added);
      expect(withExtra.warnings).toHaveLength(1);
      expect(withExtra.rules.map((rule) => rule.metadata.id)).toContain('x-1');

      const removed = scratch(compiledDir);
      const gone = firstRule(removed);
      rmSync(gone);
      const without = loadRuleDirectory(removed);
      expect(without.warnings).toHaveLength(1);
      expect(without.rules).toHaveLength(fromYaml.rules.length - 1);
    });

    it.each([
      ['not JSON', '{"format": "vmsentry-rules-compiled/1", "files": ['],
      ['another format', JSON.stringify({ format: 'something-else', files: [] })],
      ['malformed entries', JSON.stringify({ format: 'vmsentry-rules-compiled/1', files: [{ path: 1 }] })],
    ])('the compiled file is corrupt (%s)', (_name, text) => {
      const dir = scratch(compiledDir);
      writeFileSync(join(dir, COMPILED_PACK_FILE), text);
      const { loaded, yamlParses } = loadCountingYaml(dir);
      expect(yamlParses).toBe(listRuleFiles(dir).length);
      expect(loaded.warnings).toHaveLength(1);
      expect(loaded.warnings?.[0]?.source).toMatch(/rules\.compiled\.json$/);
      expect(loaded.rules).toHaveLength(fromYaml.rules.length);
      expect(loaded.errors).toEqual([]);
    });
  });

  it('leave files JSON cannot carry exactly to the YAML parser, and still use the rest', () => {
    const dir = scratch(compiledDir);
    const file = firstRule(dir);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\ncustom_limit: .inf\n`);
    precompile(dir);
    const pack = JSON.parse(readFileSync(join(dir, COMPILED_PACK_FILE), 'utf8')) as {
      files: { path: string; documents?: unknown[] }[];
    };
    expect(pack.files.filter((entry) => entry.documents === undefined).map((entry) => entry.path)).toEqual([
      relativeRulePath(dir, file),
    ]);
    const { loaded, yamlParses } = loadCountingYaml(dir);
    expect(yamlParses).toBe(1);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.rules).toHaveLength(fromYaml.rules.length);
  });
});
