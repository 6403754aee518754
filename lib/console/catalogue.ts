import type { RuleMetadata } from '../model';

/** One rule as the console's rules page shows it (the catalogue is built once per cold start). */
export interface CatalogueRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly kind: 'rule' | 'correlation';
  readonly description: string;
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly response?: string;
  /** Names of the rule's sample events (`<rule>.samples.yml`): what it must fire on and what it must not. */
  readonly samples: { readonly positive: readonly string[]; readonly negative: readonly string[] };
}

export interface SampleNames {
  readonly positive: readonly string[];
  readonly negative: readonly string[];
}

export function catalogueOf(
  rules: readonly { readonly metadata: RuleMetadata }[],
  correlations: readonly { readonly metadata: RuleMetadata }[],
  samplesOf: (metadata: RuleMetadata) => SampleNames | undefined,
): CatalogueRule[] {
  const entry = (metadata: RuleMetadata, kind: CatalogueRule['kind']): CatalogueRule => ({
    id: metadata.id,
    title: metadata.title,
    level: metadata.severity,
    kind,
    description: metadata.description,
    tags: metadata.tags,
    falsepositives: metadata.falsepositives,
    ...(metadata.response ? { response: metadata.response } : {}),
    samples: samplesOf(metadata) ?? { positive: [], negative: [] },
  });
  return [
    ...rules.map((r) => entry(r.metadata, 'rule')),
    ...correlations.map((c) => entry(c.metadata, 'correlation')),
  ].sort((a, b) => a.title.localeCompare(b.title));
}
