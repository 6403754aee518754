import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { type AlertFallback, fallbackAlert, fallbackOf, reasonOf } from '../alerts/fallback';
import type { AlertPublisher, PublishReport } from '../alerts/publisher';
import { EntryBatcher, type SnsMessageOptions, type SnsPublishEntry, toSnsPublishEntry } from '../alerts/sns-message';
import type { Alert } from '../model';

/** One alert SNS did not take, with SNS's reason (batch entry failure) or the SDK error as cause. */
export class AlertPublishError extends Error {
  override readonly name = 'AlertPublishError';
  constructor(
    readonly alertId: string,
    message: string,
    /** SNS error code for a rejected batch entry (`InvalidParameter`, `InternalError` ...). */
    readonly code?: string,
    /** True when SNS says the request itself is wrong: retrying the same entry will fail again. */
    readonly senderFault?: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SnsAlertPublisherOptions extends SnsMessageOptions {
  /** Clock for the suggested allowlist expiry (tests pin it); a fixed `nowMs` works too. Default: Date.now. */
  readonly clock?: () => number;
}

interface Pending {
  readonly alertId: string;
  readonly entry: SnsPublishEntry;
}

/**
 * AlertPublisher on one SNS topic. One alert goes out with Publish; several with PublishBatch in calls of at most
 * 10 entries and 256 KB, each call's messages rendered just before it is sent. Throttling retries are the SDK client's (maxAttempts at client creation); what still fails
 * is reported per alert, never swallowed: a failed batch entry carries SNS's code, a thrown SDK error fails every
 * entry of that call with the error as cause.
 */
export class SnsAlertPublisher implements AlertPublisher {
  private readonly clock: () => number;
  private readonly messageOptions: SnsMessageOptions;

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    options: SnsAlertPublisherOptions = {},
  ) {
    const { clock, nowMs, ...messageOptions } = options;
    this.clock = clock ?? (nowMs === undefined ? Date.now : () => nowMs);
    this.messageOptions = messageOptions;
  }

  async publish(alerts: readonly Alert[]): Promise<PublishReport> {
    const nowMs = this.clock();
    const fallbacks: AlertFallback[] = [];
    const failed: { id: string; error: Error }[] = [];
    const published: string[] = [];
    const collect = (report: PublishReport): void => {
      published.push(...report.published);
      failed.push(...report.failed);
    };
    const [first] = alerts;
    if (alerts.length === 1 && first) {
      const pending = this.pendingOf(first, 0, nowMs, fallbacks, failed);
      if (pending) collect(await this.publishOne(pending));
      return { published, failed, ...(fallbacks.length > 0 ? { fallbacks } : {}) };
    }
    // Rendered batch by batch, each sent before the next is rendered: a flood of alerts never holds every message.
    const batcher = new EntryBatcher<SnsPublishEntry & { pending: Pending }>();
    for (const [index, alert] of alerts.entries()) {
      const pending = this.pendingOf(alert, index, nowMs, fallbacks, failed);
      if (!pending) continue;
      const full = batcher.add({ ...pending.entry, pending });
      if (full) collect(await this.publishBatch(full.map((b) => b.pending)));
    }
    const last = batcher.flush();
    if (last) collect(await this.publishBatch(last.map((b) => b.pending)));
    return { published, failed, ...(fallbacks.length > 0 ? { fallbacks } : {}) };
  }

  /**
   * One alert's SNS entry. Rendering one alert must never fail the others: if it throws, the alert goes out as a
   * minimal fallback (recorded in `fallbacks`); if even that cannot be rendered, the alert alone is reported failed.
   * Batch entry ids are positional: two alerts may share an alert id (a retry next to its original), and SNS rejects
   * a batch whose entry ids repeat.
   */
  private pendingOf(
    alert: Alert,
    index: number,
    nowMs: number,
    fallbacks: AlertFallback[],
    failed: { id: string; error: Error }[],
  ): Pending | undefined {
    const options = { ...this.messageOptions, nowMs };
    try {
      return { alertId: alert.id, entry: { ...toSnsPublishEntry(alert, options), Id: `e${index}` } };
    } catch (error) {
      const minimal = fallbackAlert(alert, error);
      try {
        const entry = { ...toSnsPublishEntry(minimal, options), Id: `e${index}` };
        fallbacks.push(fallbackOf(minimal) ?? { id: minimal.id, reason: reasonOf(error), position: 'unknown' });
        return { alertId: minimal.id, entry };
      } catch (again) {
        failed.push({
          id: minimal.id,
          error: new AlertPublishError(
            minimal.id,
            `alert ${minimal.id} could not be rendered: ${reasonOf(again)}`,
            undefined,
            true,
            {
              cause: again,
            },
          ),
        });
        return undefined;
      }
    }
  }

  private async publishOne(pending: Pending): Promise<PublishReport> {
    const { Id: _id, ...input } = pending.entry;
    try {
      await this.client.send(new PublishCommand({ TopicArn: this.topicArn, ...input }));
      return { published: [pending.alertId], failed: [] };
    } catch (error) {
      return { published: [], failed: [{ id: pending.alertId, error: thrown(pending.alertId, error) }] };
    }
  }

  private async publishBatch(batch: readonly Pending[]): Promise<PublishReport> {
    const byEntryId = new Map(batch.map((p) => [p.entry.Id, p]));
    const entries: PublishBatchRequestEntry[] = batch.map((p) => ({ ...p.entry }));
    try {
      const response = await this.client.send(
        new PublishBatchCommand({ TopicArn: this.topicArn, PublishBatchRequestEntries: entries }),
      );
      const published: string[] = [];
      const failed: { id: string; error: Error }[] = [];
      for (const ok of response.Successful ?? []) {
        const p = ok.Id ? byEntryId.get(ok.Id) : undefined;
        if (p && byEntryId.delete(p.entry.Id)) published.push(p.alertId);
      }
      for (const bad of response.Failed ?? []) {
        const p = bad.Id ? byEntryId.get(bad.Id) : undefined;
        if (!p || !byEntryId.delete(p.entry.Id)) continue;
        const message = `SNS rejected alert ${p.alertId}: ${bad.Code ?? 'unknown'}${bad.Message ? ` - ${bad.Message}` : ''}`;
        failed.push({ id: p.alertId, error: new AlertPublishError(p.alertId, message, bad.Code, bad.SenderFault) });
      }
      // An entry the response does not mention was not confirmed: report it failed rather than assume success.
      for (const p of byEntryId.values()) {
        failed.push({
          id: p.alertId,
          error: new AlertPublishError(p.alertId, `SNS did not report alert ${p.alertId}`),
        });
      }
      return { published, failed };
    } catch (error) {
      return { published: [], failed: batch.map((p) => ({ id: p.alertId, error: thrown(p.alertId, error) })) };
    }
  }
}

/** SNS errors that say the request itself is wrong: sending the same message again fails the same way. */
const SENDER_FAULTS = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'InvalidParameter']);

function thrown(alertId: string, error: unknown): AlertPublishError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const senderFault = error instanceof Error && SENDER_FAULTS.has(error.name) ? true : undefined;
  return new AlertPublishError(alertId, `publishing alert ${alertId} failed: ${reason}`, undefined, senderFault, {
    cause: error,
  });
}
