import { type Alert, isPlausibleEventTime } from '../model';
import { isAllowlistAudit } from './allowlist-audit-rule';
import { boundAlert, type ContentLimits } from './bound';
import { hostQuery, logsInsightsUrl } from './logs-insights-link';
import { type Suppression, suggestSuppression } from './suppression';

/** Version tag of the published JSON; consumers check it before reading. */
export const ALERT_SCHEMA = 'vmsentry.alert.v1';

/**
 * The JSON body published for machines (SNS `default`, so SQS, Lambda and email-json subscribers): the alert with
 * its content bounded, plus the links and the suppression an analyst or a SOAR playbook acts on.
 */
export interface PublishedAlert extends Alert {
  readonly schema: typeof ALERT_SCHEMA;
  readonly links: {
    /** CloudWatch Logs Insights on the host's log group around the event. */
    readonly logsInsights?: string;
    readonly runbook?: string;
  };
  /** The allowlist entry that would suppress this alert (never offered for allowlist audit alerts). */
  readonly suppression?: Suppression;
  /** JSON paths whose values were cut to fit (`event.fields.CommandLine`, `event.raw`). */
  readonly truncated: readonly string[];
}

export interface PresentationOptions {
  /** Region of the console links; without it no Logs Insights link is built. */
  readonly region?: string;
  /** Allowlist table name for the `aws dynamodb put-item` suggestion. */
  readonly allowlistTable?: string;
  /** Local mode's DynamoDB endpoint: the suppress commands target the local instance (see suggestSuppression). */
  readonly localDynamoEndpoint?: string;
  /** Runbook URL; `{ruleId}` is replaced with the rule id. */
  readonly runbookUrl?: string;
  /** Console origin for other partitions (`https://console.amazonaws.cn`). */
  readonly consoleOrigin?: string;
  /** Minutes of log shown either side of the event (and of the dedup window). Default 15. */
  readonly logWindowMinutes?: number;
}

const MAX_TRUNCATED_PATHS = 50;

export function toPublishedAlert(
  alert: Alert,
  options: PresentationOptions,
  limits: ContentLimits,
  nowMs: number,
): PublishedAlert {
  const bounded = boundAlert(alert, limits);
  const logsInsights = logsLinkOf(alert, options);
  const runbook = options.runbookUrl?.replace(/\{ruleId\}/g, encodeURIComponent(alert.ruleId));
  const suppression = isAllowlistAudit(alert.ruleId)
    ? undefined
    : suggestSuppression(alert, {
        nowMs,
        ...(options.allowlistTable ? { allowlistTable: options.allowlistTable } : {}),
        ...(options.localDynamoEndpoint ? { localDynamoEndpoint: options.localDynamoEndpoint } : {}),
      });
  const truncated =
    bounded.truncated.length > MAX_TRUNCATED_PATHS
      ? [
          ...bounded.truncated.slice(0, MAX_TRUNCATED_PATHS),
          `... ${bounded.truncated.length - MAX_TRUNCATED_PATHS} more`,
        ]
      : bounded.truncated;
  return {
    ...bounded.alert,
    schema: ALERT_SCHEMA,
    links: { ...(logsInsights ? { logsInsights } : {}), ...(runbook ? { runbook } : {}) },
    ...(suppression ? { suppression } : {}),
    truncated,
  };
}

function logsLinkOf(alert: Alert, options: PresentationOptions): string | undefined {
  const { event } = alert;
  const logGroup = event.provenance.logGroup ?? alert.input.logGroup;
  if (!logGroup || !options.region) return undefined;
  const margin = (options.logWindowMinutes ?? 15) * 60_000;
  // Only believable times frame the link: a forged year-275760 time must not send the analyst there (or throw).
  const times = [event.timeMs, Date.parse(alert.dedup.firstSeen), Date.parse(alert.dedup.lastSeen)].filter(
    isPlausibleEventTime,
  );
  if (times.length === 0) return undefined;
  const logStream = event.host.logStream ?? event.provenance.logStream;
  return logsInsightsUrl({
    region: options.region,
    logGroup,
    query: hostQuery(alert.hostKeys.slice(0, 4), logStream),
    startMs: Math.min(...times) - margin,
    endMs: Math.max(...times) + margin,
    ...(options.consoleOrigin ? { consoleOrigin: options.consoleOrigin } : {}),
  });
}
