import { AlertsNotPublishedError, ClaimsPendingError, DedupStageError } from '../pipeline';

/**
 * Whether retrying the same input can succeed. Effects that were unavailable (SNS or DynamoDB down or throttled, a
 * claim still leased, anything from the network) are worth retrying; a failure that comes from the input itself
 * fails the same way every time, so retrying it only blocks what comes after it: SNS refusing the request as
 * malformed (sender fault), or the code throwing on this record (TypeError, RangeError such as a stack overflow or
 * an invalid time: deterministic defects). Anything else counts as retryable: fail closed.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DedupStageError || error instanceof ClaimsPendingError) return true;
  if (error instanceof AlertsNotPublishedError) {
    return error.failures.some((failure) => !isSenderFault(failure.error));
  }
  return !DEFECTS.some((kind) => error instanceof kind);
}

const DEFECTS = [TypeError, RangeError, SyntaxError, ReferenceError];

/** SNS said the request itself is wrong (AlertPublishError.senderFault): the same entry fails again. */
function isSenderFault(error: Error): boolean {
  return (error as { senderFault?: unknown }).senderFault === true;
}

/** One line for logs and failure records. */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 1000);
  return `${error.name}: ${error.message}`.slice(0, 1000);
}
