import type { Alert } from '../model';

/** Outcome of one publish call: every alert is either published or failed, never neither. */
export interface PublishReport {
  readonly published: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: Error }[];
}

/** Port: where alerts go (SNS in the pipeline, stdout in `vmsentry scan`, an array in tests). */
export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<PublishReport>;
}
