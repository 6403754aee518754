/** How a record reached us. */
export type EnvelopeKind = 'cloudwatch' | 'sqs' | 's3' | 'file' | 'stdin' | 'inline';

/**
 * Where a record came from, precisely enough to find it again: the envelope plus its coordinates inside it.
 * `index` is the 0-based record index inside the envelope (CloudWatch logEvents index, SQS record index, line index).
 */
export interface RecordPosition {
  readonly envelope: EnvelopeKind;
  readonly index: number;
  /** 1-based line for files, stdin and S3 NDJSON objects. */
  readonly line?: number;
  readonly file?: string;
  readonly logGroup?: string;
  readonly logStream?: string;
  /** CloudWatch Logs event id. */
  readonly eventId?: string;
  /** SQS message id. */
  readonly messageId?: string;
  readonly bucket?: string;
  readonly key?: string;
}

export function describePosition(position: RecordPosition): string {
  const where =
    position.file ??
    (position.key ? `s3://${position.bucket ?? '?'}/${position.key}` : undefined) ??
    (position.logGroup ? `${position.logGroup}/${position.logStream ?? '?'}` : undefined) ??
    position.messageId ??
    position.envelope;
  return position.line !== undefined ? `${where}:${position.line}` : `${where}#${position.index}`;
}
