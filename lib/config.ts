import { z } from 'zod';
import { type FormatName, SEVERITIES, type Severity } from './model';
import { boundedWholeNumber, deliveryTimings, SETTING_BOUNDS, SourceHintsSchema } from './settings';

/** Runtime configuration of the ingest functions, read from the environment once per cold start. */
export interface RuntimeConfig {
  readonly allowlistTable: string;
  readonly stateTable: string;
  readonly alertTopicArn: string;
  /** Default dedup window when a rule sets none. */
  readonly dedupWindowSeconds: number;
  readonly allowlistCacheSeconds: number;
  /**
   * A claim older than this is taken over (the holder crashed). Derived from the function timeout (lib/settings.ts):
   * longer than any live invocation can hold it.
   */
  readonly claimLeaseSeconds: number;
  /** The function's configured timeout, as the stack wrote it (absent outside Lambda: CLI replay, local mode). */
  readonly functionTimeoutSeconds?: number;
  /** Detections below this severity are counted and dropped. */
  readonly minSeverity: Severity;
  readonly sourceHints: readonly { readonly prefix: string; readonly format: FormatName }[];
  readonly maxDecompressedBytes: number;
  /**
   * Largest S3 object the EDR feed reads. By default S3's own largest object (5 TiB), i.e. no cap: line-per-record
   * objects are streamed with bounded memory, so size alone never drops one; an operator may set a lower cap.
   */
  readonly maxObjectBytes: number;
  readonly logsInsightsRegion?: string;
  readonly rulesDir?: string;
  /** Runbook link put in alerts; `{ruleId}` is replaced. */
  readonly runbookUrl?: string;
  /** Bucket the Kinesis path keeps failed records' data in (set by the stack when the stream path is enabled). */
  readonly failurePayloadBucket?: string;
  /** Distinct hosts one rule may name from one source in one batch before they go out as one flood alert. */
  readonly alertFloodThreshold: number;
}

/** S3's largest object (5 TiB): the EDR feed's default object bound, so none is refused for its size alone. */
export const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** An optional whole-number variable within bounds; empty means the fallback. */
const wholeNumber = (
  name: string,
  bounds: { readonly min: number; readonly max: number; readonly fallback?: number },
) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? bounds.fallback : Number(value)))
    .pipe(boundedWholeNumber(name, bounds).optional());

/** A whole-number variable that always has a value (its fallback when unset). */
const positiveInt = (name: string, fallback: number, max: number) =>
  wholeNumber(name, { min: 1, max, fallback }).transform((value) => value ?? fallback);

const required = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .trim()
    .min(1, `${name} is required`)
    .max(2048, `${name} is too long`);

const HintsSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return [];
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'SOURCE_HINTS must be JSON: [{"prefix": "...", "format": "..."}]' });
      return z.NEVER;
    }
  })
  .pipe(SourceHintsSchema);

/** Claims without a function timeout (CLI replay, local mode): nothing runs longer than this there. */
const LOCAL_CLAIM_LEASE_SECONDS = 30;

const EnvSchema = z.object({
  ALLOWLIST_TABLE: required('ALLOWLIST_TABLE'),
  STATE_TABLE: required('STATE_TABLE'),
  ALERT_TOPIC_ARN: required('ALERT_TOPIC_ARN').regex(/^arn:[\w-]+:sns:/, 'ALERT_TOPIC_ARN must be an SNS topic ARN'),
  DEDUP_WINDOW_SECONDS: positiveInt(
    'DEDUP_WINDOW_SECONDS',
    SETTING_BOUNDS.dedupWindowSeconds.fallback,
    SETTING_BOUNDS.dedupWindowSeconds.max,
  ),
  ALLOWLIST_CACHE_SECONDS: positiveInt(
    'ALLOWLIST_CACHE_SECONDS',
    SETTING_BOUNDS.allowlistCacheSeconds.fallback,
    SETTING_BOUNDS.allowlistCacheSeconds.max,
  ),
  FUNCTION_TIMEOUT_SECONDS: wholeNumber('FUNCTION_TIMEOUT_SECONDS', {
    min: SETTING_BOUNDS.functionTimeoutSeconds.min,
    max: SETTING_BOUNDS.functionTimeoutSeconds.max,
  }),
  /** An explicit lease (tests, local mode); with FUNCTION_TIMEOUT_SECONDS it must exceed the timeout. */
  CLAIM_LEASE_SECONDS: wholeNumber('CLAIM_LEASE_SECONDS', { min: 1, max: 3600 }),
  ALERT_FLOOD_THRESHOLD: positiveInt(
    'ALERT_FLOOD_THRESHOLD',
    SETTING_BOUNDS.alertFloodThreshold.fallback,
    SETTING_BOUNDS.alertFloodThreshold.max,
  ),
  MIN_SEVERITY: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? 'low' : value.trim().toLowerCase()))
    .pipe(z.enum(SEVERITIES, { error: `MIN_SEVERITY must be one of: ${SEVERITIES.join(', ')}` })),
  SOURCE_HINTS: HintsSchema,
  MAX_DECOMPRESSED_BYTES: positiveInt('MAX_DECOMPRESSED_BYTES', 64 * 1024 * 1024, 1024 * 1024 * 1024),
  MAX_OBJECT_BYTES: positiveInt('MAX_OBJECT_BYTES', S3_MAX_OBJECT_BYTES, S3_MAX_OBJECT_BYTES),
  LOGS_INSIGHTS_REGION: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^[a-z]{2}(-[a-z]+)+-\d$/.test(value), {
      message: 'LOGS_INSIGHTS_REGION must be a region name like eu-west-1',
    }),
  RULES_DIR: z.string().optional(),
  RUNBOOK_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^https:\/\/\S+$/.test(value), {
      message: 'RUNBOOK_URL must be an https URL',
    }),
  FAILURE_PAYLOAD_BUCKET: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value), {
      message: 'FAILURE_PAYLOAD_BUCKET must be an S3 bucket name',
    }),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

export type ConfigResult =
  | { readonly ok: true; readonly config: RuntimeConfig }
  | { readonly ok: false; readonly problems: string[] };

/** Validate the environment. Every problem is reported at once, named after its variable. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        const where = issue.path
          .slice(1)
          .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
          .join('');
        return issue.message.startsWith(variable) ? issue.message : `${variable}${where}: ${issue.message}`;
      }),
    };
  }
  const e = parsed.data;
  const timeout = e.FUNCTION_TIMEOUT_SECONDS;
  if (timeout !== undefined && e.CLAIM_LEASE_SECONDS !== undefined && e.CLAIM_LEASE_SECONDS <= timeout) {
    return {
      ok: false,
      problems: [
        `CLAIM_LEASE_SECONDS must exceed FUNCTION_TIMEOUT_SECONDS (${timeout}): a live invocation would lose its claim`,
      ],
    };
  }
  const config: RuntimeConfig = {
    allowlistTable: e.ALLOWLIST_TABLE,
    stateTable: e.STATE_TABLE,
    alertTopicArn: e.ALERT_TOPIC_ARN,
    dedupWindowSeconds: e.DEDUP_WINDOW_SECONDS,
    allowlistCacheSeconds: e.ALLOWLIST_CACHE_SECONDS,
    claimLeaseSeconds:
      e.CLAIM_LEASE_SECONDS ??
      (e.FUNCTION_TIMEOUT_SECONDS === undefined
        ? LOCAL_CLAIM_LEASE_SECONDS
        : deliveryTimings(e.FUNCTION_TIMEOUT_SECONDS).claimLeaseSeconds),
    ...(e.FUNCTION_TIMEOUT_SECONDS !== undefined ? { functionTimeoutSeconds: e.FUNCTION_TIMEOUT_SECONDS } : {}),
    alertFloodThreshold: e.ALERT_FLOOD_THRESHOLD,
    minSeverity: e.MIN_SEVERITY,
    sourceHints: e.SOURCE_HINTS,
    maxDecompressedBytes: e.MAX_DECOMPRESSED_BYTES,
    maxObjectBytes: e.MAX_OBJECT_BYTES,
    ...(e.LOGS_INSIGHTS_REGION ? { logsInsightsRegion: e.LOGS_INSIGHTS_REGION } : {}),
    ...(e.RULES_DIR ? { rulesDir: e.RULES_DIR } : {}),
    ...(e.RUNBOOK_URL ? { runbookUrl: e.RUNBOOK_URL } : {}),
    ...(e.FAILURE_PAYLOAD_BUCKET ? { failurePayloadBucket: e.FAILURE_PAYLOAD_BUCKET } : {}),
  };
  return { ok: true, config };
}

/** parseConfig for composition roots: a bad environment stops the cold start with every problem named. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): RuntimeConfig {
  const result = parseConfig(env);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}
