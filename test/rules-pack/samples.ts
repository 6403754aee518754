/**
 * Sample events that sit next to each rule (`<slug>.samples.yml`): schema, loading, and conversion into
 * NormalizedEvents. Samples give category, platform, fields (and raw for source-native rules); host, time and
 * provenance are filled here so every sample is a complete, valid event.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { EVENT_CATEGORIES, type EventFields, FORMATS, type NormalizedEvent, SEVERITIES } from '../../lib/model';

const PLATFORMS = ['windows', 'linux', 'macos', 'kubernetes', 'aws'] as const;

const sampleEventSchema = z
  .object({
    category: z.enum(EVENT_CATEGORIES),
    platform: z.enum(PLATFORMS),
    /** Source format the event claims to come from; `normalized` (routing by platform) when absent. */
    format: z.enum(FORMATS).optional(),
    fields: z.record(z.string(), z.unknown()),
    raw: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const expectSchema = z.object({ level: z.enum(SEVERITIES) }).strict();

const singleSampleSchema = z
  .object({ name: z.string().min(1), event: sampleEventSchema, expect: expectSchema.optional() })
  .strict();

const stepSchema = z
  .object({
    /** Offset from the start of the sequence: 30s, 4m, 2h. */
    at: z.string().regex(/^\d+[smh]$/),
    host: z.string().min(1).optional(),
    event: sampleEventSchema,
  })
  .strict();

const sequenceSampleSchema = z
  .object({ name: z.string().min(1), sequence: z.array(stepSchema).min(1), expect: expectSchema.optional() })
  .strict();

const ruleSamplesSchema = z
  .object({ positive: z.array(singleSampleSchema), negative: z.array(singleSampleSchema) })
  .strict();
const correlationSamplesSchema = z
  .object({ positive: z.array(sequenceSampleSchema), negative: z.array(sequenceSampleSchema) })
  .strict();

export type SampleEvent = z.infer<typeof sampleEventSchema>;
export type RuleSamples = z.infer<typeof ruleSamplesSchema>;
export type CorrelationSamples = z.infer<typeof correlationSamplesSchema>;
export type SequenceSample = z.infer<typeof sequenceSampleSchema>;

export type SamplesResult<T> = { ok: true; samples: T } | { ok: false; reason: string };

function load<T>(file: string, schema: z.ZodType<T>): SamplesResult<T> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    return { ok: false, reason: `${file}: ${String(cause)}` };
  }
  const result = schema.safeParse(doc);
  return result.success
    ? { ok: true, samples: result.data }
    : { ok: false, reason: `${file}: ${z.prettifyError(result.error)}` };
}

export function loadRuleSamples(file: string): SamplesResult<RuleSamples> {
  return load(file, ruleSamplesSchema);
}

export function loadCorrelationSamples(file: string): SamplesResult<CorrelationSamples> {
  return load(file, correlationSamplesSchema);
}

/** Where sample time starts; steps of a sequence are offsets from here. */
export const SAMPLE_EPOCH_MS = Date.parse('2026-11-27T12:00:00.000Z');
export const SAMPLE_HOST = 'sample-host';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

export function offsetMs(at: string): number {
  const unit = at.slice(-1);
  return Number(at.slice(0, -1)) * (UNIT_MS[unit] ?? 0);
}

/** A complete NormalizedEvent for a sample: host, time and provenance filled in. */
export function toEvent(
  sample: SampleEvent,
  options: { recordId: string; host?: string; timeMs?: number },
): NormalizedEvent {
  const timeMs = options.timeMs ?? SAMPLE_EPOCH_MS;
  return {
    category: sample.category,
    platform: sample.platform,
    time: new Date(timeMs).toISOString(),
    timeMs,
    host: { hostname: options.host ?? SAMPLE_HOST },
    provenance: {
      format: sample.format ?? 'normalized',
      envelope: 'inline',
      index: 0,
      recordId: options.recordId,
    },
    // The schema checked the shape; field types are the rule engine's concern and are exercised by the samples.
    fields: sample.fields as EventFields,
    ...(sample.raw !== undefined ? { raw: sample.raw } : {}),
  };
}

/** The events of a sequence sample, in order, each at its offset and on its host. */
export function sequenceEvents(sample: SequenceSample): NormalizedEvent[] {
  return sample.sequence.map((step, index) =>
    toEvent(step.event, {
      recordId: `${sample.name}#${index}`,
      timeMs: SAMPLE_EPOCH_MS + offsetMs(step.at),
      ...(step.host !== undefined ? { host: step.host } : {}),
    }),
  );
}
