/** One log event as FilterLogEvents returns it. */
export interface HuntLogEvent {
  readonly message: string;
  readonly timestampMs: number;
  readonly logStream: string;
  readonly eventId?: string;
}

export interface HuntPageRequest {
  readonly logGroup: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly nextToken?: string;
}

export interface HuntPage {
  readonly events: readonly HuntLogEvent[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

/** Port: one page of a time-range search of a log group (FilterLogEvents in AWS, arrays in tests). */
export interface HuntPageReader {
  readPage(request: HuntPageRequest): Promise<HuntPage>;
}
