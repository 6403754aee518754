import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type FollowUp, followUpEntry } from '../dedup/follow-up';
import type { FollowUpPublisher, FollowUpPublishReport } from '../dedup/sweep';

/** SNS takes at most 10 entries per PublishBatch; follow-ups are small (bounded text), so 10 always fit 256 KB. */
const BATCH = 10;

/**
 * Follow-ups to the alert topic with PublishBatch. What SNS did not accept is reported per follow-up, never
 * swallowed; a thrown SDK error fails every entry of that call.
 */
export class SnsFollowUpPublisher implements FollowUpPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(followUps: readonly FollowUp[]): Promise<FollowUpPublishReport> {
    const published: string[] = [];
    const failed: { id: string; error: Error }[] = [];
    for (let start = 0; start < followUps.length; start += BATCH) {
      const chunk = followUps.slice(start, start + BATCH);
      const entries = chunk.map((followUp, index) => followUpEntry(followUp, index));
      try {
        const response = await this.client.send(
          new PublishBatchCommand({ TopicArn: this.topicArn, PublishBatchRequestEntries: entries }),
        );
        const ok = new Set((response.Successful ?? []).map((entry) => entry.Id));
        chunk.forEach((followUp, index) => {
          if (ok.has(String(index))) published.push(followUp.id);
          else failed.push({ id: followUp.id, error: new Error(`SNS did not accept follow-up ${followUp.id}`) });
        });
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        for (const followUp of chunk) failed.push({ id: followUp.id, error: cause });
      }
    }
    return { published, failed };
  }
}
