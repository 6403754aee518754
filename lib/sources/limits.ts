/**
 * Envelope and record bounds. Log sources are attacker-influenced: an intruder who can write a log line can try to
 * exhaust the function with a decompression bomb or a megabyte command line. Every bound refuses with a typed error.
 * There is no bound on the number of records: an envelope held in memory is bounded by its decompressed size, and an
 * S3 object or a file is streamed line by line (envelopes/stream.ts), so a large delivery is read to its end, never cut.
 */
export interface SourceLimits {
  /**
   * Largest decompressed envelope held in memory whole: a CloudWatch payload, an SQS body, a JSON document (array or
   * pretty-printed object) in an S3 object or a file. Line-per-record objects are streamed and not bound by it.
   */
  readonly maxDecompressedBytes: number;
  /** Largest single record, bytes of text. */
  readonly maxRecordBytes: number;
}

export const DEFAULT_LIMITS: SourceLimits = {
  // CloudWatch Logs delivers at most ~1 MB compressed per subscription batch; 64 MiB decompressed is generous.
  maxDecompressedBytes: 64 * 1024 * 1024,
  // CloudWatch caps a log event at 256 KB (1 MB since 2025); PowerShell script blocks split at ~32 KB.
  maxRecordBytes: 1024 * 1024,
};

export function withLimits(overrides: Partial<SourceLimits> | undefined): SourceLimits {
  return overrides ? { ...DEFAULT_LIMITS, ...overrides } : DEFAULT_LIMITS;
}
