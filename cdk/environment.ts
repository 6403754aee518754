import type { VmsentryConfig } from './config';

/** What the stack knows only as CloudFormation references (table names, the topic, the region, the bucket). */
export interface EnvironmentReferences {
  readonly allowlistTable: string;
  readonly stateTable: string;
  readonly alertTopicArn: string;
  readonly region: string;
  /** Only with the Kinesis path: where failed stream records' data is kept. */
  readonly failurePayloadBucket?: string;
}

/** The variable each reference is written to. */
export const REFERENCE_VARIABLES: Readonly<Record<keyof EnvironmentReferences, string>> = {
  allowlistTable: 'ALLOWLIST_TABLE',
  stateTable: 'STATE_TABLE',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  region: 'LOGS_INSIGHTS_REGION',
  failurePayloadBucket: 'FAILURE_PAYLOAD_BUCKET',
};

/**
 * Values shaped like what the references resolve to, so synth can run the runtime's own validation (lib/config.ts)
 * over the environment a configuration produces.
 */
export const ENVIRONMENT_PLACEHOLDERS: Required<EnvironmentReferences> = {
  allowlistTable: 'Vmsentry-TablesAllowlist0123456789-ABCDEFGHIJKL',
  stateTable: 'Vmsentry-TablesState0123456789-ABCDEFGHIJKL',
  alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:Vmsentry-AlertsTopic0123456789-ABCDEFGHIJKL',
  region: 'eu-west-1',
  failurePayloadBucket: 'vmsentry-subscriptionsfailurepayloads-0123456789ab',
};

/** Format hints: each subscribed log group's own format first, then the configured prefixes. */
export function sourceHintsOf(config: VmsentryConfig): { prefix: string; format: string }[] {
  return [
    ...config.logGroups.map((group) => ({ prefix: group.name, format: group.source })),
    ...config.sourceHints.map((hint) => ({ prefix: hint.prefix, format: hint.source })),
  ];
}

/**
 * The environment of the detection functions: the one place the deployment configuration becomes runtime settings.
 * The stack writes exactly this; cdk/config.ts validates it with the runtime's loader at synth.
 */
export function pipelineEnvironment(config: VmsentryConfig, refs: EnvironmentReferences): Record<string, string> {
  return {
    ALLOWLIST_TABLE: refs.allowlistTable,
    STATE_TABLE: refs.stateTable,
    ALERT_TOPIC_ARN: refs.alertTopicArn,
    DEDUP_WINDOW_SECONDS: String(config.dedupWindowMinutes * 60),
    ALLOWLIST_CACHE_SECONDS: String(config.allowlistCacheSeconds),
    // The runtime derives the claim lease from it (lib/settings.ts deliveryTimings): longer than any live invocation.
    FUNCTION_TIMEOUT_SECONDS: String(config.functionTimeoutSeconds),
    ALERT_FLOOD_THRESHOLD: String(config.alertFloodThreshold),
    MIN_SEVERITY: config.minSeverity,
    SOURCE_HINTS: JSON.stringify(sourceHintsOf(config)),
    LOGS_INSIGHTS_REGION: refs.region,
    ...(config.kinesis.enabled && refs.failurePayloadBucket
      ? { FAILURE_PAYLOAD_BUCKET: refs.failurePayloadBucket }
      : {}),
  };
}
