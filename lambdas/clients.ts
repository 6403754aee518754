/**
 * Options of every SNS, S3 and DynamoDB client the functions create (lib/settings.ts, docs/deploy.md "Timeouts"):
 * retries for throttling, and connection and per-attempt request timeouts derived from the function's timeout, so a
 * hung dependency fails its call well before the invocation times out.
 */
import { CLIENT_CONNECTION_TIMEOUT_MS, CLIENT_MAX_ATTEMPTS, clientRequestTimeoutMs } from '../lib/timings';

export interface ClientOptions {
  readonly maxAttempts: number;
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    /** Without it the SDK only logs a warning when requestTimeout passes, and the request goes on hanging. */
    readonly throwOnRequestTimeout: true;
  };
}

export function clientOptions(functionTimeoutSeconds: number): ClientOptions {
  return {
    maxAttempts: CLIENT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CLIENT_CONNECTION_TIMEOUT_MS,
      requestTimeout: clientRequestTimeoutMs(functionTimeoutSeconds),
      throwOnRequestTimeout: true,
    },
  };
}
