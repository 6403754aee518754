/**
 * Delivery timings, SDK client limits and the fixed function timeouts: plain numbers the stack and the functions
 * share. Kept apart from lib/settings.ts (the zod schemas of the deployment configuration), so a function that needs
 * only these does not bundle zod (about 450 KB minified: docs/benchmarks.md, Bundles).
 */
/**
 * Seconds a dedup claim outlives the function timeout. A live invocation can still publish until its timeout, so a
 * lease shorter than the timeout would let another invocation take over a claim that is still being served (two
 * alerts). The margin covers DynamoDB latency and clock skew between the claiming and the checking invocation.
 */
export const CLAIM_LEASE_MARGIN_SECONDS = 30;

/**
 * Delivery timings that must add up, all derived from the function timeout (docs/deploy.md, "Timeouts"):
 * - claimLeaseSeconds > timeout: a live invocation never loses its claim.
 * - sqsVisibilityTimeoutSeconds >= timeout + lease: the EDR queue redelivers a message only once the crashed
 *   attempt's claim has expired, so the redelivery takes it over at once instead of failing as "pending" (AWS
 *   recommends 6 x timeout; that satisfies it from the minimum timeout up).
 * - kinesisMaxRecordAgeSeconds > lease: the stream path retries without delay and without a count limit, so a retry
 *   that meets a crashed attempt's live claim keeps the shard waiting until the lease ends, instead of burning a
 *   retry count in seconds and discarding the batch; after this age the batch goes to the failure path.
 */
export interface DeliveryTimings {
  readonly claimLeaseSeconds: number;
  readonly sqsVisibilityTimeoutSeconds: number;
  readonly kinesisMaxRecordAgeSeconds: number;
}

export function deliveryTimings(functionTimeoutSeconds: number): DeliveryTimings {
  const claimLeaseSeconds = functionTimeoutSeconds + CLAIM_LEASE_MARGIN_SECONDS;
  return {
    claimLeaseSeconds,
    sqsVisibilityTimeoutSeconds: Math.max(6 * functionTimeoutSeconds, functionTimeoutSeconds + claimLeaseSeconds),
    // One hour: far above the longest lease (900 + 30 s), far inside the stream's 24 h retention.
    kinesisMaxRecordAgeSeconds: 3600,
  };
}

/**
 * SDK clients in lambdas/ (SNS, S3, DynamoDB): attempts per call (throttling and transient errors are retried by the
 * SDK), and per-attempt timeouts, so a dependency that hangs fails the call, which then retries or lands on the
 * failure path, instead of holding the invocation until its own timeout (docs/deploy.md, "Timeouts").
 */
export const CLIENT_MAX_ATTEMPTS = 5;
/** AWS endpoints accept a connection in milliseconds. */
export const CLIENT_CONNECTION_TIMEOUT_MS = 500;

/**
 * Per-attempt request timeout: all attempts of one call (connection and request) fit in three quarters of the
 * function timeout, the rest left for the SDK's backoff and the batch's other work; never under 1 s (SNS and DynamoDB
 * answer in milliseconds), never over 5 s.
 */
export function clientRequestTimeoutMs(functionTimeoutSeconds: number): number {
  const perAttempt = Math.floor((functionTimeoutSeconds * 1000 * 0.75) / CLIENT_MAX_ATTEMPTS);
  return Math.min(5_000, Math.max(1_000, perAttempt - CLIENT_CONNECTION_TIMEOUT_MS));
}

/** Timeouts of the functions whose timeout is not configurable (the stack sets these; the functions size clients). */
export const FIXED_FUNCTION_TIMEOUT_SECONDS = {
  allowlistAudit: 30,
  dedupSweeper: 60,
  historyWriter: 30,
  consoleApi: 15,
} as const;
