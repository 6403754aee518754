import { existsSync, readFileSync } from 'node:fs';
import type { RuleMetadata } from '../model';
import { loadRuleDirectory } from '../rules';
import { parseRuleSamples } from '../scan/rule-samples';
import { type CatalogueRule, catalogueOf, type SampleNames } from './catalogue';

/** The catalogue of a rules directory: every loaded rule and correlation with the names of its samples. */
export function catalogueFromDirectory(dir: string): CatalogueRule[] {
  const loaded = loadRuleDirectory(dir);
  return catalogueOf(loaded.rules, loaded.correlations, samplesFromFile);
}

function samplesFromFile(metadata: RuleMetadata): SampleNames | undefined {
  const file = metadata.source?.replace(/\.ya?ml$/i, '.samples.yml');
  if (!file || !existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const parsed = parseRuleSamples(text, 'events');
  const result = parsed.ok ? parsed : parseRuleSamples(text, 'sequences');
  if (!result.ok) return undefined;
  return {
    positive: result.samples.positive.map((s) => s.name),
    negative: result.samples.negative.map((s) => s.name),
  };
}
