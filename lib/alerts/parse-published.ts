import { z } from 'zod';
import { SEVERITIES } from '../model';
import { ALERT_SCHEMA, type PublishedAlert } from './published-alert';

const strings = z.array(z.string());

/**
 * What a consumer of the SNS `default` body needs to be true before rendering. Loose objects: a newer publisher may
 * add fields; format and category stay strings so a new source does not make an older notifier drop alerts.
 */
const PublishedAlertSchema = z.looseObject({
  schema: z.literal(ALERT_SCHEMA),
  id: z.string().min(1),
  ruleId: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  technique: strings,
  tags: strings,
  host: z.string(),
  hostKeys: strings,
  description: z.string(),
  falsepositives: strings,
  response: z.string().optional(),
  context: strings,
  event: z.looseObject({
    category: z.string(),
    platform: z.string(),
    time: z.string(),
    timeMs: z.number(),
    host: z.record(z.string(), z.unknown()),
    provenance: z.looseObject({ format: z.string(), envelope: z.string(), index: z.number() }),
    fields: z.record(z.string(), z.unknown()),
  }),
  input: z.looseObject({ envelope: z.string(), index: z.number() }),
  dedup: z.looseObject({
    key: z.string(),
    count: z.number(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    windowSeconds: z.number(),
  }),
  allowlist: z.enum(['checked', 'unfiltered', 'bypassed']),
  links: z.looseObject({ logsInsights: z.string().optional(), runbook: z.string().optional() }),
  suppression: z
    .looseObject({
      entry: z.record(z.string(), z.unknown()),
      cli: z.string(),
      json: z.string(),
      putItem: z.string(),
      note: z.string().optional(),
    })
    .optional(),
  truncated: strings,
});

export type ParsedPublishedAlert = { ok: true; alert: PublishedAlert } | { ok: false; reason: string };

/** Parse and check an SNS `default` body. Never throws. */
export function parsePublishedAlert(text: string): ParsedPublishedAlert {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = PublishedAlertSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `not a ${ALERT_SCHEMA} alert: ${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`,
    };
  }
  // The schema checks every field the renderers read; the remaining model types are structurally compatible.
  return { ok: true, alert: result.data as unknown as PublishedAlert };
}
