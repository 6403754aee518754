import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfig as parseRuntimeConfig } from '../lib/config';
import { FORMATS, SEVERITIES } from '../lib/model';
import { boundedWholeNumber, ConsoleSettingsSchema, HistorySettingsSchema, SETTING_BOUNDS } from '../lib/settings';
import { ENVIRONMENT_PLACEHOLDERS, pipelineEnvironment } from './environment';

/**
 * The deployment configuration, read from CDK context key `vmsentry` (inline object) or from the JSON file named by
 * context key `vmsentryConfig` (path relative to the app's directory). Validated here so a typo fails `cdk synth`
 * with the field's path instead of a half-built stack. Settings that reach the functions' environment take their
 * bounds from lib/settings.ts, the runtime's own, and the environment a configuration produces is then checked with
 * the runtime's loader: a configuration that synthesizes is one whose functions start.
 */
const format = z.enum(FORMATS);
const severity = z.enum(SEVERITIES);

const LogGroupSchema = z
  .object({
    /** An existing log group to subscribe (also its format hint, so the runtime's hint bounds apply). */
    name: z.string().min(1).max(SETTING_BOUNDS.hintPrefixLength.max),
    /** The format its records are in; detection tries it first. */
    source: format,
    /** CloudWatch filter pattern; '' forwards every event (the default: rules need to see benign context too). */
    filterPattern: z.string().max(1024).default(''),
    /**
     * Whether silence from this group raises the heartbeat alarm. Off for logs that are quiet by nature (the Setup and
     * Hyper-V admin logs write a few events a month), where the alarm would only ever be noise.
     */
    heartbeat: z.boolean().default(true),
  })
  .strict();

const EmailSchema = z
  .object({
    address: z.email(),
    /** Lowest severity this address receives (an SNS filter policy on the numeric severityRank attribute). */
    minSeverity: severity.default('high'),
  })
  .strict();

const EdrFeedSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }).strict(),
  z
    .object({
      /** Create a queue (and DLQ) that S3 notifications or producers send to. */
      mode: z.literal('create'),
      /** Buckets the feed may read objects from (bucket names). */
      buckets: z.array(z.string().min(3).max(63)).default([]),
      /** KMS keys (ARNs) the buckets' objects are encrypted with. */
      kmsKeyArns: z.array(z.string().startsWith('arn:')).default([]),
    })
    .strict(),
  z
    .object({
      /** Use an existing queue, e.g. the one CrowdStrike FDR or a Security Lake subscriber gives you. */
      mode: z.literal('import'),
      queueArn: z.string().startsWith('arn:aws'),
      buckets: z.array(z.string().min(3).max(63)).default([]),
      kmsKeyArns: z.array(z.string().startsWith('arn:')).default([]),
    })
    .strict(),
]);

const ConfigSchema = z
  .object({
    logGroups: z.array(LogGroupSchema).default([]),
    /** Extra log-group prefix -> format hints, for groups reached by the account-level policy. */
    sourceHints: z
      .array(z.object({ prefix: z.string().min(1).max(SETTING_BOUNDS.hintPrefixLength.max), source: format }).strict())
      .default([]),
    /** An account-level subscription filter policy: every log group of the account and region, for org-wide coverage. */
    accountPolicy: z
      .object({
        enabled: z.boolean().default(false),
        filterPattern: z.string().max(1024).default(''),
        /** Log groups left out (the account policy selection criteria only support exclusion). */
        excludeLogGroups: z.array(z.string()).max(50).default([]),
      })
      .strict()
      .default({ enabled: false, filterPattern: '', excludeLogGroups: [] }),
    edrFeed: EdrFeedSchema.default({ mode: 'create', buckets: [], kmsKeyArns: [] }),
    alerts: z
      .object({
        emails: z.array(EmailSchema).default([]),
        /** AWS Chatbot (Amazon Q Developer in chat) Slack channel: no code, reads the `https` body of each alert. */
        chatbot: z
          .object({ slackWorkspaceId: z.string().min(1), slackChannelId: z.string().min(1) })
          .strict()
          .optional(),
        /** Secrets Manager secret (ARN) holding a Slack incoming-webhook URL; enables the slack-notifier function. */
        slackWebhookSecretArn: z.string().startsWith('arn:aws:secretsmanager:').optional(),
        slackMinSeverity: severity.default('medium'),
        /** Also deliver every alert to an SQS queue, for a SIEM. */
        siemQueue: z.boolean().default(false),
      })
      .strict()
      .default({ emails: [], slackMinSeverity: 'medium', siemQueue: false }),
    /** Lowest severity that is published at all. */
    minSeverity: severity.default('low'),
    dedupWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(SETTING_BOUNDS.dedupWindowSeconds.max / 60)
      .default(60),
    allowlistCacheSeconds: boundedWholeNumber('allowlistCacheSeconds', SETTING_BOUNDS.allowlistCacheSeconds).default(
      SETTING_BOUNDS.allowlistCacheSeconds.fallback,
    ),
    /** Past this many hosts per rule and source in one batch, detections go out as one flood alert (docs/alerts.md). */
    alertFloodThreshold: boundedWholeNumber('alertFloodThreshold', SETTING_BOUNDS.alertFloodThreshold).default(
      SETTING_BOUNDS.alertFloodThreshold.fallback,
    ),
    logRetentionDays: z
      .union([
        z.literal(7),
        z.literal(14),
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
        z.literal(731),
        z.literal(1827),
        z.literal(3653),
      ])
      .default(90),
    /** Operator alarms (errors, DLQ depth, blinded sources) go here. */
    alarmEmail: z.email().optional(),
    /** A subscribed source silent for this long raises the heartbeat alarm: monitoring may have been blinded. */
    heartbeatMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    /** Ingest functions' memory (MB) and timeout (s); defaults chosen from `npm run bench` (docs/benchmarks.md). */
    functionMemoryMb: z.number().int().min(128).max(10240).default(512),
    /** Also sets the dedup claim lease, the EDR queue's visibility timeout and the stream's record age (docs/deploy.md). */
    functionTimeoutSeconds: boundedWholeNumber('functionTimeoutSeconds', SETTING_BOUNDS.functionTimeoutSeconds).default(
      SETTING_BOUNDS.functionTimeoutSeconds.fallback,
    ),
    /** Scale path: route subscriptions through a Kinesis Data Stream instead of invoking Lambda directly. */
    kinesis: z
      .object({
        enabled: z.boolean().default(false),
        shards: z.number().int().min(1).max(500).default(2),
        batchSize: z.number().int().min(1).max(10000).default(100),
        parallelizationFactor: z.number().int().min(1).max(10).default(2),
      })
      .strict()
      .default({ enabled: false, shards: 2, batchSize: 100, parallelizationFactor: 2 }),
    /** The optional web console (docs/deploy.md, "Web console"): off unless `enabled`. */
    console: ConsoleSettingsSchema.default({ enabled: false, adminEmails: [], mfa: 'optional' }),
    /** Alert history (docs/alert-history.md): days an alert is kept after its last write. */
    history: HistorySettingsSchema.default({ retentionDays: SETTING_BOUNDS.historyRetentionDays.fallback }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const hints = config.logGroups.length + config.sourceHints.length;
    if (hints > SETTING_BOUNDS.sourceHints.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['sourceHints'],
        message: `logGroups and sourceHints together give ${hints} format hints; the functions read at most ${SETTING_BOUNDS.sourceHints.max}`,
      });
    }
  });

export type VmsentryConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validate a raw configuration object; throws ConfigError listing every problem with its path. Then the environment
 * it produces is run through the runtime's own validation, so nothing the functions would refuse at their cold start
 * gets deployed (the field bounds above already agree; this is the guarantee, test/cdk/config-runtime.test.ts).
 */
export function parseConfig(raw: unknown, origin = 'configuration'): VmsentryConfig {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(root)';
      return `  - ${path}: ${issue.message.startsWith(`${path} `) ? issue.message.slice(path.length + 1) : issue.message}`;
    });
    throw new ConfigError(`invalid vmsentry ${origin}:\n${problems.join('\n')}`);
  }
  const runtime = parseRuntimeConfig(pipelineEnvironment(parsed.data, ENVIRONMENT_PLACEHOLDERS));
  if (!runtime.ok) {
    throw new ConfigError(
      `invalid vmsentry ${origin}: the functions would refuse the environment it produces:\n${runtime.problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}`,
    );
  }
  return parsed.data;
}

/** Read the configuration the CDK context names: `vmsentryConfig` (a file) or `vmsentry` (inline). */
export function loadConfig(context: { tryGetContext(key: string): unknown }, baseDir: string): VmsentryConfig {
  const file = context.tryGetContext('vmsentryConfig');
  if (typeof file === 'string' && file !== '') {
    const path = isAbsolute(file) ? file : resolve(baseDir, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new ConfigError(`cannot read vmsentry config file ${path}: ${(cause as Error).message}`, { cause });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new ConfigError(`vmsentry config file ${path} is not JSON: ${(cause as Error).message}`, { cause });
    }
    return parseConfig(raw, `config file ${path}`);
  }
  return parseConfig(context.tryGetContext('vmsentry'), 'context "vmsentry"');
}
