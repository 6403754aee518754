/**
 * Quarantine: what the pipeline could not read is kept where an operator can look at it, so format drift and
 * oversized deliveries are visible instead of being counted and forgotten.
 * - A sample of unparseable records per invocation (bounded in number; each carries reason, position and excerpt).
 * - A pointer to every object that could not be processed at all (bucket, key, from which line, why). The pointer
 *   stays valid as long as the source object exists; the data is never copied.
 */
import { describePosition, type ParseError, type RecordPosition } from '../model';

export interface QuarantinedRecord {
  readonly kind: 'record';
  readonly code: ParseError['code'];
  readonly format: ParseError['format'];
  readonly reason: string;
  /** Human-readable position (`s3://bucket/key:line`, `log-group/stream#index`). */
  readonly where: string;
  readonly position: RecordPosition;
  readonly excerpt: string;
}

export interface UnprocessedObject {
  readonly kind: 'object';
  readonly bucket: string;
  readonly key: string;
  /** First line (1-based, after decompression) not processed; absent when nothing of the object was processed. */
  readonly fromLine?: number;
  readonly reason: string;
  readonly messageId?: string;
}

export type QuarantineEntry = QuarantinedRecord | UnprocessedObject;

/** The port: an adapter writes entries somewhere durable (lib/adapters/s3-quarantine.ts). */
export interface QuarantineStore {
  put(entries: readonly QuarantineEntry[]): Promise<void>;
}

/**
 * Each writer's path segment under the quarantine prefix (`quarantine/<source>/`): the stack grants each function
 * PutObject under its own segment only, so both sides take the name from here.
 */
export const QUARANTINE_SOURCES = {
  edrFeed: 'edr-feed',
  cloudwatchSubscription: 'cloudwatch-subscription',
} as const;
export type QuarantineSource = (typeof QUARANTINE_SOURCES)[keyof typeof QUARANTINE_SOURCES];

/** Parse-error samples kept per invocation: enough to see a format change, never a copy of a garbage feed. */
export const MAX_QUARANTINED_RECORDS = 50;

/**
 * Collects parse-error samples over one invocation and writes them in one call at its end (one PutObject per
 * invocation with errors, none without). Counts what it left out, so the sample says how representative it is.
 */
export class QuarantineCollector {
  private samples: QuarantinedRecord[] = [];
  private omitted = 0;

  constructor(
    private readonly store: QuarantineStore,
    private readonly maxRecords = MAX_QUARANTINED_RECORDS,
  ) {}

  add(errors: readonly ParseError[]): void {
    for (const error of errors) {
      if (this.samples.length >= this.maxRecords) {
        this.omitted++;
        continue;
      }
      this.samples.push({
        kind: 'record',
        code: error.code,
        format: error.format,
        reason: error.reason,
        where: describePosition(error.position),
        position: error.position,
        excerpt: error.excerpt,
      });
    }
  }

  /** Write what was collected (if anything) and start afresh. Returns how many samples were written and left out. */
  async flush(): Promise<{ written: number; omitted: number }> {
    const samples = this.samples;
    const omitted = this.omitted;
    this.samples = [];
    this.omitted = 0;
    if (samples.length > 0) await this.store.put(samples);
    return { written: samples.length, omitted };
  }
}
