import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { HuntPage, HuntPageReader, HuntPageRequest } from '../hunt/pages';

/**
 * HuntPageReader on FilterLogEvents: one call per page, in the order CloudWatch returns them; the token is
 * CloudWatch's nextToken, handed back for resuming.
 */
export class CloudWatchLogsFilterReader implements HuntPageReader {
  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly options: { readonly pageSize?: number; readonly filterPattern?: string } = {},
  ) {}

  async readPage(request: HuntPageRequest): Promise<HuntPage> {
    const response = await this.client.send(
      new FilterLogEventsCommand({
        logGroupName: request.logGroup,
        startTime: request.startMs,
        endTime: request.endMs,
        ...(request.nextToken ? { nextToken: request.nextToken } : {}),
        ...(this.options.pageSize ? { limit: this.options.pageSize } : {}),
        ...(this.options.filterPattern ? { filterPattern: this.options.filterPattern } : {}),
      }),
    );
    return {
      events: (response.events ?? []).flatMap((event) =>
        event.message === undefined
          ? []
          : [
              {
                message: event.message,
                timestampMs: event.timestamp ?? request.startMs,
                logStream: event.logStreamName ?? '',
                ...(event.eventId ? { eventId: event.eventId } : {}),
              },
            ],
      ),
      ...(response.nextToken ? { nextToken: response.nextToken } : {}),
    };
  }
}

/** FilterLogEvents' answer to an expired or foreign nextToken. */
export function isStaleFilterToken(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidParameterException' && /token/i.test(error.message);
}
