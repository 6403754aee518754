import { z } from 'zod';

/**
 * The console Lambda's environment (set by cdk/constructs/console.ts). Read once at cold start; a missing or
 * malformed value stops the function with one message naming it, rather than a console that half works.
 */
const ConsoleEnvironmentSchema = z.object({
  HISTORY_TABLE: z.string().min(1),
  ALLOWLIST_TABLE: z.string().min(1),
  RULES_DIR: z.string().min(1).optional(),
  METRICS_NAMESPACE: z.string().min(1).default('vmsentry'),
  METRICS_SERVICE: z.string().min(1).default('vmsentry'),
  /** JSON list of subscribed log groups with heartbeats. */
  HEARTBEAT_LOG_GROUPS: z.string().default('[]'),
  HEARTBEAT_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
  /** JSON list of { name, url } of the pipeline's failure queues. */
  FAILURE_QUEUES: z.string().default('[]'),
  ALLOWLIST_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(90),
});

const LogGroupsSchema = z.array(z.string().min(1)).max(200);
const QueuesSchema = z.array(z.object({ name: z.string().min(1), url: z.string().url() })).max(50);

export interface ConsoleEnvironment {
  readonly historyTable: string;
  readonly allowlistTable: string;
  readonly rulesDir?: string;
  readonly metricsNamespace: string;
  readonly metricsService: string;
  readonly heartbeatLogGroups: readonly string[];
  readonly heartbeatMinutes: number;
  readonly failureQueues: readonly { readonly name: string; readonly url: string }[];
  readonly allowlistMaxDays: number;
}

export class ConsoleEnvironmentError extends Error {
  override readonly name = 'ConsoleEnvironmentError';
}

export function consoleEnvironment(env: Readonly<Record<string, string | undefined>>): ConsoleEnvironment {
  const parsed = ConsoleEnvironmentSchema.safeParse(env);
  if (!parsed.success) throw new ConsoleEnvironmentError(`console environment: ${z.prettifyError(parsed.error)}`);
  const value = parsed.data;
  const groups = LogGroupsSchema.safeParse(jsonOf(value.HEARTBEAT_LOG_GROUPS, 'HEARTBEAT_LOG_GROUPS'));
  if (!groups.success) throw new ConsoleEnvironmentError('HEARTBEAT_LOG_GROUPS must be a JSON list of log group names');
  const queues = QueuesSchema.safeParse(jsonOf(value.FAILURE_QUEUES, 'FAILURE_QUEUES'));
  if (!queues.success) throw new ConsoleEnvironmentError('FAILURE_QUEUES must be a JSON list of { name, url }');
  return {
    historyTable: value.HISTORY_TABLE,
    allowlistTable: value.ALLOWLIST_TABLE,
    ...(value.RULES_DIR ? { rulesDir: value.RULES_DIR } : {}),
    metricsNamespace: value.METRICS_NAMESPACE,
    metricsService: value.METRICS_SERVICE,
    heartbeatLogGroups: groups.data,
    heartbeatMinutes: value.HEARTBEAT_MINUTES,
    failureQueues: queues.data,
    allowlistMaxDays: value.ALLOWLIST_MAX_DAYS,
  };
}

function jsonOf(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConsoleEnvironmentError(`${name} is not JSON`);
  }
}
