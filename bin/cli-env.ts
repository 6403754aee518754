/**
 * The environment variables the CLI reads for the deployment's resources: one name per resource, `VMSENTRY_`
 * prefixed, and the Lambda functions' own name accepted after it (so an environment copied from a function works).
 * A table, so every command resolves them the same way and docs/operations.md lists them from one place.
 */
export const CLI_ENV = {
  allowlistTable: ['VMSENTRY_ALLOWLIST_TABLE', 'ALLOWLIST_TABLE'],
  stateTable: ['VMSENTRY_STATE_TABLE', 'STATE_TABLE'],
  alertTopicArn: ['VMSENTRY_ALERT_TOPIC_ARN', 'ALERT_TOPIC_ARN'],
  historyTable: ['VMSENTRY_HISTORY_TABLE', 'HISTORY_TABLE'],
} as const satisfies Record<string, readonly [string, string]>;

export type CliResource = keyof typeof CLI_ENV;
type Env = Readonly<Record<string, string | undefined>>;

/** The resource's value from the environment: the VMSENTRY_ name first, then the Lambda's; empty counts as unset. */
export function fromEnv(resource: CliResource, env: Env): string | undefined {
  for (const name of CLI_ENV[resource]) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** How a usage message names the variables of a resource: "VMSENTRY_STATE_TABLE (or STATE_TABLE)". */
export function envNames(resource: CliResource): string {
  const [own, lambda] = CLI_ENV[resource];
  return `${own} (or ${lambda})`;
}
