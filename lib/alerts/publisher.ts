import type { Alert } from '../model';
import type { AlertFallback } from './fallback';

/** Outcome of one publish call: every alert is either published or failed, never neither. */
export interface PublishReport {
  readonly published: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: Error }[];
  /** Alerts that could not be rendered and went out as a minimal fallback alert instead (counted and logged). */
  readonly fallbacks?: readonly AlertFallback[];
}

/** Port: where alerts go (SNS in the pipeline, stdout in `vmsentry scan`, an array in tests). */
export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<PublishReport>;
}
