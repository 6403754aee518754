import { ALL_RULES, type AllowlistEntry, GLOBAL_HOST } from '../model';

/**
 * Write policy: what `vmsentry allowlist add` and `import` refuse on top of validateEntry (which the pipeline applies
 * on read too). Pure: the clock comes in.
 */
export const DEFAULT_MAX_DAYS = 90;
export const BROAD_MAX_DAYS = 7;
export const DAY_SECONDS = 86_400;

export interface WritePolicy {
  readonly maxDays: number;
  readonly allowBroad: boolean;
  readonly nowSeconds: number;
}

/** Host "*" (every host) or rule "*" (every rule). validateEntry accepts such an entry only with broad: true. */
export function isBroad(entry: Pick<AllowlistEntry, 'host' | 'rule'>): boolean {
  return entry.host === GLOBAL_HOST || entry.rule === ALL_RULES;
}

/** Why an entry may not be written, or undefined when it may. */
export function policyViolation(entry: AllowlistEntry, policy: WritePolicy): string | undefined {
  if (entry.expiresAt === undefined) return 'expiresAt is required (every exception must end)';
  if (entry.expiresAt <= policy.nowSeconds) return 'expiresAt is in the past';
  const days = (entry.expiresAt - policy.nowSeconds) / DAY_SECONDS;
  if (days > policy.maxDays) return `expiresAt is ${Math.ceil(days)} days away; at most ${policy.maxDays} (--max-days)`;
  if (isBroad(entry)) {
    if (!policy.allowBroad) {
      return `host "*" or rule "*" suppresses across the fleet or every rule: pass --allow-broad to write it`;
    }
    if (days > BROAD_MAX_DAYS) return `a broad entry may last at most ${BROAD_MAX_DAYS} days`;
  }
  return undefined;
}
