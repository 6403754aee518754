/**
 * Envelope and record bounds. Log sources are attacker-influenced: an intruder who can write a log line can try to
 * exhaust the function with a decompression bomb or a megabyte command line. Every bound refuses with a typed error.
 */
export interface SourceLimits {
  /** Largest decompressed envelope (CloudWatch payload, S3 object), bytes. */
  readonly maxDecompressedBytes: number;
  /** Largest single record, bytes of text. */
  readonly maxRecordBytes: number;
  /** Most records taken from one envelope. */
  readonly maxRecords: number;
}

export const DEFAULT_LIMITS: SourceLimits = {
  // CloudWatch Logs delivers at most ~1 MB compressed per subscription batch; 64 MiB decompressed is generous.
  maxDecompressedBytes: 64 * 1024 * 1024,
  // CloudWatch caps a log event at 256 KB (1 MB since 2025); PowerShell script blocks split at ~32 KB.
  maxRecordBytes: 1024 * 1024,
  maxRecords: 200_000,
};

export function withLimits(overrides: Partial<SourceLimits> | undefined): SourceLimits {
  return overrides ? { ...DEFAULT_LIMITS, ...overrides } : DEFAULT_LIMITS;
}
