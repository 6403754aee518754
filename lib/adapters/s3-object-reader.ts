import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';

/** Why an object could not be read; `reason` names the failure for logs and metrics (a small fixed set). */
export type S3ReadFailure = 'timeout' | 'access-denied' | 'throttled' | 'failed';

/** A GetObject that failed or stalled. Transient: the message is retried (then its DLQ keeps the pointer). */
export class S3ReadError extends Error {
  override readonly name = 'S3ReadError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly reason: S3ReadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type OpenedObject =
  | { readonly ok: true; readonly body: AsyncIterable<Uint8Array>; readonly contentLength?: number }
  | { readonly ok: false; readonly reason: 'missing' };

export interface S3ObjectReaderOptions {
  /**
   * Longest wait for GetObject's response and then for each block of its body. A hung request or a stalled body
   * fails this object (S3ReadError 'timeout'), not the whole invocation.
   */
  readonly timeoutMs: number;
}

/**
 * Opens S3 objects as streams of bytes for the EDR feed. The body is never buffered here: the caller reads it block
 * by block (lib/sources/envelopes/stream.ts), so memory stays bounded whatever the object's size.
 */
export class S3ObjectReader {
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3ObjectReaderOptions,
  ) {}

  /** `timeoutMs` shortens the wait for this call (what is left of the invocation); never lengthens it. */
  async open(bucket: string, key: string, timeoutMs?: number): Promise<OpenedObject> {
    const limit = Math.min(this.options.timeoutMs, timeoutMs ?? Number.POSITIVE_INFINITY);
    const abort = new AbortController();
    let response: GetObjectCommandOutput;
    try {
      response = await withTimeout(
        this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: abort.signal }),
        limit,
        () => abort.abort(),
      );
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new S3ReadError(bucket, key, 'timeout', `GetObject gave no response within ${limit} ms`);
      }
      const name = error instanceof Error ? error.name : '';
      if (name === 'NoSuchKey' || name === 'NotFound') return { ok: false, reason: 'missing' };
      throw new S3ReadError(bucket, key, failureOf(name), `GetObject failed: ${describe(error)}`, { cause: error });
    }
    return {
      ok: true,
      body: this.guarded(response.Body, bucket, key),
      ...(typeof response.ContentLength === 'number' ? { contentLength: response.ContentLength } : {}),
    };
  }

  /** The body's blocks, each awaited at most timeoutMs; a stalled or broken body becomes an S3ReadError. */
  private async *guarded(body: unknown, bucket: string, key: string): AsyncGenerator<Uint8Array> {
    if (body === undefined || body === null) return;
    if (body instanceof Uint8Array) {
      yield body;
      return;
    }
    if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
      throw new S3ReadError(bucket, key, 'failed', 'S3 object body is not a stream');
    }
    const iterator = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array | string>;
        try {
          next = await withTimeout(iterator.next(), this.options.timeoutMs, () => destroy(body));
        } catch (error) {
          if (error instanceof TimeoutError) {
            throw new S3ReadError(bucket, key, 'timeout', `S3 object body stalled for ${this.options.timeoutMs} ms`);
          }
          throw new S3ReadError(bucket, key, 'failed', `reading the S3 object failed: ${describe(error)}`, {
            cause: error,
          });
        }
        if (next.done) return;
        yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      }
    } finally {
      // Stopped early (an error downstream, a refused document): release the connection.
      destroy(body);
    }
  }
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function failureOf(name: string): S3ReadFailure {
  if (name === 'AccessDenied' || name === 'Forbidden' || name === 'InvalidObjectState') return 'access-denied';
  if (name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException') return 'throttled';
  if (name === 'AbortError' || name === 'TimeoutError' || name === 'RequestTimeout') return 'timeout';
  return 'failed';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function destroy(body: unknown): void {
  const stream = body as { destroy?: () => void } | undefined;
  if (stream && typeof stream.destroy === 'function') stream.destroy();
}
