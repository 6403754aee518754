import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { AlertPublisher, PublishReport } from '../alerts/publisher';
import { batchesOf, type SnsMessageOptions, type SnsPublishEntry, toSnsPublishEntry } from '../alerts/sns-message';
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
 * 10 entries and 256 KB. Throttling retries are the SDK client's (maxAttempts at client creation); what still fails
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
    // Batch entry ids are positional: two alerts may share an alert id (a retry next to its original), and SNS
    // rejects a batch whose entry ids repeat.
    const pending: Pending[] = alerts.map((alert, index) => ({
      alertId: alert.id,
      entry: { ...toSnsPublishEntry(alert, { ...this.messageOptions, nowMs }), Id: `e${index}` },
    }));
    if (pending.length === 0) return { published: [], failed: [] };
    const [only] = pending;
    if (pending.length === 1 && only) return this.publishOne(only);
    const reports: PublishReport[] = [];
    for (const batch of batchesOf(pending.map((p) => ({ ...p.entry, pending: p })))) {
      reports.push(await this.publishBatch(batch.map((b) => b.pending)));
    }
    return {
      published: reports.flatMap((r) => r.published),
      failed: reports.flatMap((r) => r.failed),
    };
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

function thrown(alertId: string, error: unknown): AlertPublishError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AlertPublishError(alertId, `publishing alert ${alertId} failed: ${reason}`, undefined, undefined, {
    cause: error,
  });
}
