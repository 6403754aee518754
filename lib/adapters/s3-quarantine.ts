import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineEntry, QuarantineStore } from '../quarantine';

export interface S3QuarantineOptions {
  /** Key prefix, e.g. `quarantine/`; entries land under `<prefix><source>/YYYY/MM/DD/`. */
  readonly prefix?: string;
  /** Which function wrote the entries (a path segment, so each source can be listed alone). */
  readonly source: string;
  readonly clock?: () => number;
}

/** QuarantineStore on an S3 bucket: one NDJSON object per call, one entry per line. */
export class S3Quarantine implements QuarantineStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly options: S3QuarantineOptions,
  ) {}

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = new Date((this.options.clock ?? Date.now)());
    const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
    const key = `${this.options.prefix ?? 'quarantine/'}${this.options.source}/${day}/${now.toISOString()}-${randomUUID()}.ndjson`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`,
        ContentType: 'application/x-ndjson',
      }),
    );
  }
}
