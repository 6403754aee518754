import { z } from 'zod';
import { FORMATS } from './model';
import { DEFAULT_ALERT_FLOOD_THRESHOLD } from './pipeline/flood';

/**
 * The settings the deployment configuration (cdk/config.ts) turns into the detection functions' environment, and
 * the runtime (lib/config.ts) reads back at every cold start. Both sides take their bounds from here, so a
 * configuration `cdk synth` accepts can never produce an environment the runtime refuses (test/cdk/config-runtime).
 * Pure: zod, lib/model and a constant of lib/pipeline/flood only, so cdk/ may import it as plain data.
 */
export const SETTING_BOUNDS = {
  dedupWindowSeconds: { min: 1, max: 7 * 86_400, fallback: 3600 },
  allowlistCacheSeconds: { min: 1, max: 3600, fallback: 60 },
  functionTimeoutSeconds: { min: 10, max: 900, fallback: 60 },
  /** Distinct hosts one rule may name from one source in one batch before they go out as one flood alert. */
  alertFloodThreshold: { min: 1, max: 100_000, fallback: DEFAULT_ALERT_FLOOD_THRESHOLD },
  /** Log groups plus hints the runtime reads from SOURCE_HINTS. */
  sourceHints: { max: 200 },
  hintPrefixLength: { max: 512 },
  /** Days an alert stays in the history after its last write (DynamoDB TTL); docs/alert-history.md. */
  historyRetentionDays: { min: 1, max: 3653, fallback: 90 },
} as const;

/** A whole number within [min, max]; messages name the setting so both sides read alike. */
export function boundedWholeNumber(name: string, bounds: { readonly min: number; readonly max: number }) {
  return z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(bounds.min, `${name} must be at least ${bounds.min}`)
    .max(bounds.max, `${name} must be at most ${bounds.max}`);
}

export const SourceHintSchema = z.strictObject({
  prefix: z
    .string()
    .min(1, 'a hint prefix must not be empty')
    .max(
      SETTING_BOUNDS.hintPrefixLength.max,
      `a hint prefix must be at most ${SETTING_BOUNDS.hintPrefixLength.max} characters`,
    ),
  format: z.enum(FORMATS, { error: `must be one of: ${FORMATS.join(', ')}` }),
});

export const SourceHintsSchema = z
  .array(SourceHintSchema)
  .max(SETTING_BOUNDS.sourceHints.max, `at most ${SETTING_BOUNDS.sourceHints.max} source hints (log groups + hints)`);

// Timings and client limits live in ./timings (no zod there: the functions that need only them stay small).
export * from './timings';

/** How the web console's Cognito user pool asks for a second factor (TOTP authenticator apps only, never SMS). */
export const CONSOLE_MFA_MODES = ['off', 'optional', 'required'] as const;
export type ConsoleMfaMode = (typeof CONSOLE_MFA_MODES)[number];

/** Cognito hosted UI domain prefixes: lowercase letters, digits and inner hyphens, 1-63 characters. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Cognito refuses prefixes containing these words. */
const RESERVED_PREFIX_WORDS = ['aws', 'amazon', 'cognito'] as const;
/** Console admins are created one by one in the user pool; a long list belongs in an identity provider instead. */
export const CONSOLE_MAX_ADMINS = 50;

/**
 * The optional web console (issue 15), off by default: nothing of it is deployed until `enabled` is true. Sign-in is
 * Cognito with self sign-up off, so `adminEmails` are the only people who can ever sign in.
 */
export const ConsoleSettingsSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'console.enabled must be true or false' }).default(false),
    adminEmails: z
      .array(z.email({ error: 'must be an e-mail address' }).transform((address) => address.toLowerCase()))
      .max(CONSOLE_MAX_ADMINS, `at most ${CONSOLE_MAX_ADMINS} console admins`)
      .default([]),
    mfa: z.enum(CONSOLE_MFA_MODES, { error: `must be one of: ${CONSOLE_MFA_MODES.join(', ')}` }).default('optional'),
    /** Hosted sign-in page prefix (<prefix>.auth.<region>.amazoncognito.com); unique per region. Default: from the stack id. */
    domainPrefix: z
      .string()
      .regex(DOMAIN_PREFIX, 'must be 1-63 lowercase letters, digits or inner hyphens')
      .refine((prefix) => !RESERVED_PREFIX_WORDS.some((word) => prefix.includes(word)), {
        message: `must not contain ${RESERVED_PREFIX_WORDS.join(', ')} (Cognito refuses them)`,
      })
      .optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.enabled && settings.adminEmails.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['adminEmails'],
        message: 'the console needs at least one admin e-mail: self sign-up is off, so nobody else could sign in',
      });
    }
    const seen = new Set<string>();
    for (const [index, address] of settings.adminEmails.entries()) {
      if (seen.has(address)) {
        ctx.addIssue({ code: 'custom', path: ['adminEmails', index], message: `${address} is listed twice` });
      }
      seen.add(address);
    }
  });

export type ConsoleSettings = z.infer<typeof ConsoleSettingsSchema>;

/** `history` in the deployment configuration: the alert history table's retention. */
export const HistorySettingsSchema = z.strictObject({
  retentionDays: boundedWholeNumber('history.retentionDays', SETTING_BOUNDS.historyRetentionDays).default(
    SETTING_BOUNDS.historyRetentionDays.fallback,
  ),
});
export type HistorySettings = z.infer<typeof HistorySettingsSchema>;
