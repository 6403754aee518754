import { type AllowlistEntry, type AllowlistPin, isInstanceId } from '../model';
import { checkEntry, type EntryWarning } from './check';
import { entryIdFor } from './item';
import { isBroad, policyViolation, type WritePolicy } from './policy';

/** What a person asks for when adding an entry, from the CLI's flags or the console's form. */
export interface NewEntryRequest {
  readonly host: string;
  readonly rule: string;
  readonly match?: Readonly<Record<string, string>>;
  readonly matchAny?: readonly string[];
  /** An explicit pin; without one an instance-id host is pinned to its log stream unless `pin` is false. */
  readonly pin?: AllowlistPin | false;
  readonly reason: string;
  readonly owner: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type NewEntryResult =
  | {
      readonly ok: true;
      readonly entry: AllowlistEntry & { readonly id: string };
      readonly warnings: readonly EntryWarning[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The one path from a request to a writable entry, shared by `vmsentry allowlist add` and the web console: the
 * pipeline's validation (checkEntry), the default pin, then the write policy (expiry bound, broad entries only when
 * allowed). An instance-id host is pinned to the log stream the CloudWatch agent names after it: that is the
 * identity its source proves.
 */
export function newEntry(request: NewEntryRequest, policy: WritePolicy): NewEntryResult {
  const host = request.host.trim();
  const rule = request.rule.trim();
  const pin = pinFor(host, request.pin);
  const checked = checkEntry({
    host: request.host,
    rule: request.rule,
    ...(request.match && Object.keys(request.match).length > 0 ? { match: request.match } : {}),
    ...(request.matchAny && request.matchAny.length > 0 ? { matchAny: request.matchAny } : {}),
    // The item says broad so the pipeline accepts it; the policy below still demands permission for it.
    ...(isBroad({ host, rule }) ? { broad: true } : {}),
    ...(pin ? { pin } : {}),
    reason: request.reason,
    owner: request.owner,
    createdAt: policy.nowSeconds,
    expiresAt: request.expiresAt,
  });
  if (!checked.ok) return { ok: false, reason: `invalid entry: ${checked.reason}` };
  const entry = { ...checked.entry, id: entryIdFor(checked.entry) };
  const violation = policyViolation(entry, policy);
  if (violation) return { ok: false, reason: violation };
  return { ok: true, entry, warnings: checked.warnings };
}

function pinFor(host: string, pin: AllowlistPin | false | undefined): AllowlistPin | undefined {
  if (pin === false) return undefined;
  if (pin) return pin;
  const lowered = host.toLowerCase();
  return isInstanceId(lowered) ? { source: 'logStream', value: lowered } : undefined;
}
