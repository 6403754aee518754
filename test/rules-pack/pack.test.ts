/**
 * The T1564.006 rule pack as a specification: every rule loads, carries its metadata, and behaves on the sample
 * events written next to it (positives fire at the stated level, near-miss negatives stay quiet); correlation
 * rules are driven through their event sequences.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { isSeverity } from '../../lib/model';
import {
  type CompiledCorrelation,
  type CompiledRule,
  Correlator,
  InMemoryCorrelationStore,
  listRuleFiles,
  loadRuleDirectory,
  RuleSet,
} from '../../lib/rules';
import { loadCorrelationSamples, loadRuleSamples, sequenceEvents, toEvent } from './samples';

const RULES_DIR = join(process.cwd(), 'rules');
const PLATFORM_FOLDERS = ['windows', 'linux', 'macos', 'containers', 'cross-platform', 'correlation'];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SLUG_FILE = /^[a-z0-9]+(?:-[a-z0-9]+)*\.yml$/;
const TECHNIQUE_TAG = /^attack\.t\d{4}(?:\.\d{3})?$/;
const MITRE_PAGE = 'https://attack.mitre.org/techniques/T1564/006/';

const pack = loadRuleDirectory(RULES_DIR);
const ruleSet = RuleSet.from(pack.rules);
const ruleFiles = listRuleFiles(RULES_DIR);

const rulesBySource = new Map<string, CompiledRule>(pack.rules.map((rule) => [rule.metadata.source ?? '', rule]));
const correlationsBySource = new Map<string, CompiledCorrelation>(
  pack.correlations.map((correlation) => [correlation.metadata.source ?? '', correlation]),
);

function sourceOf(file: string): string {
  return relative(process.cwd(), file) || file;
}

function samplesFileOf(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '.samples.yml');
}

function yamlDocument(file: string): Record<string, unknown> {
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

describe('the T1564.006 rule pack', () => {
  it('loads every rule file with zero errors', () => {
    expect(pack.errors).toEqual([]);
  });

  it('holds at least 40 detection rules and the three required correlations', () => {
    expect(pack.rules.length).toBeGreaterThanOrEqual(40);
    expect(pack.correlations.length).toBeGreaterThanOrEqual(3);
  });

  it('gives every rule and correlation a unique id', () => {
    const ids = [...pack.rules, ...pack.correlations].map((rule) => rule.metadata.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps exactly one rule per file', () => {
    const compiled = [...pack.rules, ...pack.correlations].map((rule) => rule.metadata.source);
    expect(compiled.sort()).toEqual(ruleFiles.map(sourceOf).sort());
  });

  it('resolves every correlation reference to a loaded rule', () => {
    const known = new Set(pack.rules.map((rule) => rule.metadata.id));
    const unresolved = pack.correlations.flatMap((correlation) => correlation.ruleIds.filter((id) => !known.has(id)));
    expect(unresolved).toEqual([]);
  });

  it('files rules in platform folders under descriptive slugs', () => {
    const misplaced = ruleFiles.filter(
      (file) => !PLATFORM_FOLDERS.includes(basename(dirname(file))) || !SLUG_FILE.test(basename(file)),
    );
    expect(misplaced).toEqual([]);
  });

  it('puts correlation rules, and only them, in the correlation folder', () => {
    const inFolder = ruleFiles.filter((file) => basename(dirname(file)) === 'correlation').map(sourceOf);
    expect(inFolder.sort()).toEqual(pack.correlations.map((correlation) => correlation.metadata.source).sort());
  });
});

describe('rule metadata', () => {
  for (const file of ruleFiles) {
    const source = sourceOf(file);
    const compiled = rulesBySource.get(source) ?? correlationsBySource.get(source);
    const title = compiled?.metadata.title ?? source;

    it(`${title}: carries id, description, tags, references, author, date, level, falsepositives, dedup and response`, () => {
      const doc = yamlDocument(file);
      expect(compiled).toBeDefined();
      expect(text(doc['id'])).toMatch(UUID_V4);
      expect(text(doc['title']).length).toBeGreaterThan(10);
      expect(text(doc['description']).length).toBeGreaterThan(40);
      expect(['experimental', 'test']).toContain(doc['status']);
      expect(doc['author']).toBe('vmsentry');
      expect(doc['date']).toBe('2026-11-27');
      expect(strings(doc['references'])).toContain(MITRE_PAGE);
      const tags = strings(doc['tags']);
      expect(tags).toContain('attack.defense-evasion');
      expect(tags.some((tag) => TECHNIQUE_TAG.test(tag))).toBe(true);
      expect(isSeverity(doc['level'])).toBe(true);
      expect(strings(doc['falsepositives']).length).toBeGreaterThan(0);
      expect(compiled?.metadata.dedupFields.length ?? 0).toBeGreaterThan(0);
      expect(text(doc['response']).length).toBeGreaterThan(0);
    });
  }

  for (const rule of pack.rules) {
    it(`${rule.metadata.title}: names its filters by intent (filter_main_* or filter_optional_*)`, () => {
      const doc = yamlDocument(join(process.cwd(), rule.metadata.source ?? ''));
      const detection = doc['detection'];
      const names = detection !== null && typeof detection === 'object' ? Object.keys(detection) : [];
      const badFilters = names.filter((name) => name.startsWith('filter') && !/^filter_(?:main|optional)_/.test(name));
      expect(badFilters).toEqual([]);
    });
  }

  for (const correlation of pack.correlations) {
    it(`${correlation.metadata.title}: is a critical correlation grouped by host`, () => {
      expect(correlation.metadata.severity).toBe('critical');
      expect(correlation.groupBy.map((field) => field.toLowerCase())).toEqual(['host']);
    });
  }
});

describe('sample files', () => {
  for (const file of ruleFiles) {
    const source = sourceOf(file);
    const title = (rulesBySource.get(source) ?? correlationsBySource.get(source))?.metadata.title ?? source;
    it(`${title}: has a samples file with at least two positives and two negatives`, () => {
      const samplesFile = samplesFileOf(file);
      expect(existsSync(samplesFile)).toBe(true);
      const loaded = correlationsBySource.has(source)
        ? loadCorrelationSamples(samplesFile)
        : loadRuleSamples(samplesFile);
      if (!loaded.ok) throw new Error(loaded.reason);
      expect(loaded.samples.positive.length).toBeGreaterThanOrEqual(2);
      expect(loaded.samples.negative.length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('detection rules on their sample events', () => {
  for (const rule of pack.rules) {
    const { id, title } = rule.metadata;
    const loaded = loadRuleSamples(samplesFileOf(join(process.cwd(), rule.metadata.source ?? '')));
    if (!loaded.ok) continue; // reported by the 'sample files' specification above
    for (const sample of loaded.samples.positive) {
      it(`${title}: ${sample.name}`, () => {
        const event = toEvent(sample.event, { recordId: `${id}:${sample.name}` });
        const mine = ruleSet.match(event).filter((detection) => detection.rule.id === id);
        expect(mine).toHaveLength(1);
        if (sample.expect) expect(mine[0]?.severity).toBe(sample.expect.level);
      });
    }
    for (const sample of loaded.samples.negative) {
      it(`${title}: ${sample.name}`, () => {
        const event = toEvent(sample.event, { recordId: `${id}:${sample.name}` });
        const mine = ruleSet.match(event).filter((detection) => detection.rule.id === id);
        expect(mine).toEqual([]);
      });
    }
    if (rule.escalations.length > 0) {
      it(`${title}: reaches every escalation with at least one positive sample`, () => {
        const reasons = new Set(
          loaded.samples.positive.flatMap((sample) =>
            ruleSet
              .match(toEvent(sample.event, { recordId: `${id}:${sample.name}` }))
              .filter((detection) => detection.rule.id === id)
              .flatMap((detection) => detection.context ?? []),
          ),
        );
        expect(
          rule.escalations.map((escalation) => escalation.reason).filter((reason) => !reasons.has(reason)),
        ).toEqual([]);
      });
    }
  }
});

describe('correlation rules on their event sequences', () => {
  async function raisedBy(correlation: CompiledCorrelation, events: ReturnType<typeof sequenceEvents>) {
    const correlator = new Correlator([correlation], new InMemoryCorrelationStore());
    const raised = [];
    for (const event of events) raised.push(...(await correlator.process(ruleSet.match(event))));
    return raised.filter((detection) => detection.rule.id === correlation.metadata.id);
  }

  for (const correlation of pack.correlations) {
    const { title } = correlation.metadata;
    const loaded = loadCorrelationSamples(samplesFileOf(join(process.cwd(), correlation.metadata.source ?? '')));
    if (!loaded.ok) continue; // reported by the 'sample files' specification above
    for (const sample of loaded.samples.positive) {
      it(`${title}: ${sample.name}`, async () => {
        const raised = await raisedBy(correlation, sequenceEvents(sample));
        expect(raised).toHaveLength(1);
        if (sample.expect) expect(raised[0]?.severity).toBe(sample.expect.level);
        // The analyst sees every earlier event of the window in the context lines.
        expect(raised[0]?.context?.length).toBeGreaterThanOrEqual(correlation.type === 'event_count' ? 2 : 1);
      });
    }
    for (const sample of loaded.samples.negative) {
      it(`${title}: ${sample.name}`, async () => {
        expect(await raisedBy(correlation, sequenceEvents(sample))).toEqual([]);
      });
    }
  }
});
