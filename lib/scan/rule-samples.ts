/**
 * The sample events next to each rule (`<slug>.samples.yml`) as a test `vmsentry rules test` runs: positives must
 * fire the rule (with the expected level when given), negatives must not. Correlation rules have sequences of
 * events (each step at an offset, optionally on its own host) run through the base rules and the correlation.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import {
  type Detection,
  EVENT_CATEGORIES,
  type EventFields,
  FORMATS,
  type NormalizedEvent,
  PLATFORMS,
  SEVERITIES,
  type Severity,
} from '../model';
import { type CompiledCorrelation, type CompiledRule, Correlator, InMemoryCorrelationStore, RuleSet } from '../rules';

const SampleEventSchema = z.strictObject({
  category: z.enum(EVENT_CATEGORIES),
  platform: z.enum(PLATFORMS),
  format: z.enum(FORMATS).optional(),
  fields: z.record(z.string(), z.unknown()),
  raw: z.record(z.string(), z.unknown()).optional(),
});
const ExpectSchema = z.strictObject({ level: z.enum(SEVERITIES) });
const SingleSchema = z.strictObject({
  name: z.string().min(1),
  event: SampleEventSchema,
  expect: ExpectSchema.optional(),
});
const StepSchema = z.strictObject({
  at: z.string().regex(/^\d+[smh]$/, 'at must be an offset like 30s, 4m, 2h'),
  host: z.string().min(1).optional(),
  event: SampleEventSchema,
});
const SequenceSchema = z.strictObject({
  name: z.string().min(1),
  sequence: z.array(StepSchema).min(1),
  expect: ExpectSchema.optional(),
});
const RuleSamplesSchema = z.strictObject({ positive: z.array(SingleSchema), negative: z.array(SingleSchema) });
const SequenceSamplesSchema = z.strictObject({ positive: z.array(SequenceSchema), negative: z.array(SequenceSchema) });

type SampleEvent = z.infer<typeof SampleEventSchema>;
type SingleSample = z.infer<typeof SingleSchema>;
type SequenceSample = z.infer<typeof SequenceSchema>;

export type RuleSamples =
  | { readonly kind: 'events'; readonly positive: SingleSample[]; readonly negative: SingleSample[] }
  | { readonly kind: 'sequences'; readonly positive: SequenceSample[]; readonly negative: SequenceSample[] };

export type SamplesParse =
  | { readonly ok: true; readonly samples: RuleSamples }
  | { readonly ok: false; readonly reason: string };

/** Parse a samples file; `sequences` for correlation rules. */
export function parseRuleSamples(text: string, kind: RuleSamples['kind']): SamplesParse {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    return { ok: false, reason: `not YAML: ${(cause as Error).message}` };
  }
  if (kind === 'events') {
    const result = RuleSamplesSchema.safeParse(doc);
    return result.success
      ? { ok: true, samples: { kind, ...result.data } }
      : { ok: false, reason: z.prettifyError(result.error) };
  }
  const result = SequenceSamplesSchema.safeParse(doc);
  return result.success
    ? { ok: true, samples: { kind, ...result.data } }
    : { ok: false, reason: z.prettifyError(result.error) };
}

/** Where sample time starts; sequence steps are offsets from here. */
export const SAMPLE_EPOCH_MS = Date.parse('2026-11-27T12:00:00.000Z');
export const SAMPLE_HOST = 'sample-host';
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

/** A complete event for a sample: host, time and provenance filled in. */
export function sampleEvent(
  sample: SampleEvent,
  recordId: string,
  host = SAMPLE_HOST,
  timeMs = SAMPLE_EPOCH_MS,
): NormalizedEvent {
  return {
    category: sample.category,
    platform: sample.platform,
    time: new Date(timeMs).toISOString(),
    timeMs,
    host: { hostname: host },
    provenance: { format: sample.format ?? 'normalized', envelope: 'inline', index: 0, recordId },
    // Field types are the rule engine's concern; the samples exercise them.
    fields: sample.fields as EventFields,
    ...(sample.raw !== undefined ? { raw: sample.raw } : {}),
  };
}

export interface SampleResult {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly kind: 'positive' | 'negative';
  readonly name: string;
  readonly pass: boolean;
  /** Why it failed, or the level it fired at. */
  readonly detail: string;
}

function verdict(
  kind: 'positive' | 'negative',
  fired: Detection | undefined,
  expected: Severity | undefined,
): { pass: boolean; detail: string } {
  if (kind === 'negative') {
    return fired
      ? { pass: false, detail: `fired at ${fired.severity} but must not` }
      : { pass: true, detail: 'silent' };
  }
  if (!fired) return { pass: false, detail: 'did not fire' };
  if (expected && fired.severity !== expected) {
    return { pass: false, detail: `fired at ${fired.severity}, expected ${expected}` };
  }
  return { pass: true, detail: `fired at ${fired.severity}` };
}

/** Run the samples of one detection rule against the rule. */
export function runRuleSamples(rule: CompiledRule, samples: Extract<RuleSamples, { kind: 'events' }>): SampleResult[] {
  const set = RuleSet.from([rule]);
  const run = (kind: 'positive' | 'negative', sample: SingleSample, index: number): SampleResult => {
    const event = sampleEvent(sample.event, `${kind}#${index}`);
    const fired = set.match(event).find((detection) => detection.rule.id === rule.metadata.id);
    return {
      ruleId: rule.metadata.id,
      ruleTitle: rule.metadata.title,
      kind,
      name: sample.name,
      ...verdict(kind, fired, sample.expect?.level),
    };
  };
  return [
    ...samples.positive.map((sample, index) => run('positive', sample, index)),
    ...samples.negative.map((sample, index) => run('negative', sample, index)),
  ];
}

/** Run the sequence samples of one correlation rule through the base rules and that correlation alone. */
export async function runCorrelationSamples(
  correlation: CompiledCorrelation,
  rules: readonly CompiledRule[],
  samples: Extract<RuleSamples, { kind: 'sequences' }>,
): Promise<SampleResult[]> {
  const set = RuleSet.from(rules);
  const run = async (kind: 'positive' | 'negative', sample: SequenceSample): Promise<SampleResult> => {
    const correlator = new Correlator([correlation], new InMemoryCorrelationStore());
    let fired: Detection | undefined;
    for (const [index, step] of sample.sequence.entries()) {
      const offset = Number(step.at.slice(0, -1)) * (UNIT_MS[step.at.slice(-1)] ?? 0);
      const event = sampleEvent(
        step.event,
        `${sample.name}#${index}`,
        step.host ?? SAMPLE_HOST,
        SAMPLE_EPOCH_MS + offset,
      );
      const raised = await correlator.process(set.match(event));
      fired ??= raised.find((detection) => detection.rule.id === correlation.metadata.id);
    }
    return {
      ruleId: correlation.metadata.id,
      ruleTitle: correlation.metadata.title,
      kind,
      name: sample.name,
      ...verdict(kind, fired, sample.expect?.level),
    };
  };
  const out: SampleResult[] = [];
  for (const sample of samples.positive) out.push(await run('positive', sample));
  for (const sample of samples.negative) out.push(await run('negative', sample));
  return out;
}
