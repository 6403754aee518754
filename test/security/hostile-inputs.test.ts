/**
 * Hostile and oversized deliveries, bounded so CI runs them in seconds: recorded properties are no hang (every check
 * linear in its input: the cost at 4n stays near 4x the cost at n, where quadratic work would be 16x), no silent loss
 * (every record of a large delivery is read, to its last), and bounded memory (an object is streamed, a line without
 * line breaks is never held whole).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readRecords } from '../../bin/input';
import type { ParseError } from '../../lib/model';
import { decodeCloudWatchEvent, parseRecords } from '../../lib/sources';
import { LineSplitter, type SplitLine } from '../../lib/sources/envelopes/lines';
import { streamRecords } from '../../lib/sources/envelopes/stream';

const MiB = 1024 * 1024;

/**
 * Cost at 4n over cost at n. Repetitions are calibrated at n until they take at least 20 ms, so timer resolution and
 * scheduling noise stay small; a first run over 100 ms (quadratic work) stops calibrating at once.
 */
async function costRatio(run: (size: number) => unknown | Promise<unknown>, n: number): Promise<number> {
  const time = async (size: number, reps: number): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) await run(size);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  await run(n); // warm-up: compilation is not part of the cost
  let reps = 1;
  let base = await time(n, reps);
  while (base < 20 && reps < 1024) {
    reps *= 2;
    base = await time(n, reps);
  }
  // The best of three at each size: the least disturbed by other processes on the machine.
  const small = Math.min(base, await time(n, reps), await time(n, reps));
  const large = Math.min(await time(4 * n, reps), await time(4 * n, reps), await time(4 * n, reps));
  return large / small;
}

const LINEAR = 8; // 4x expected; 16x is quadratic

describe('hostile inputs', () => {
  describe('the reason an unrecognised record gets is worked out in linear time', () => {
    const reasonRun = (make: (size: number) => string) => (size: number) => {
      const [error] = parseRecords([
        { text: make(size), json: undefined, position: { envelope: 'inline', index: 0 }, context: {} },
      ]).errors;
      if (error?.code !== 'unknown-format') throw new Error(`not an unrecognised record: ${error?.reason}`);
    };

    it('broken JSON over many lines (line and column are counted in one pass)', async () => {
      expect(
        await costRatio(
          reasonRun((size) => `[${'1,\n'.repeat(size)}`),
          20_000,
        ),
      ).toBeLessThan(LINEAR);
    });

    it('an unexpected token whose quoted context nearly repeats all along the record', async () => {
      const make = (size: number) => `[${'1,'.repeat(size)}x${',1'.repeat(20)}]`;
      expect(await costRatio(reasonRun(make), 20_000)).toBeLessThan(LINEAR);
    });

    it('Event XML truncated after a long run of elements', async () => {
      expect(
        await costRatio(
          reasonRun((size) => `<Event>${'<a x="1"/>'.repeat(size)}<`),
          20_000,
        ),
      ).toBeLessThan(LINEAR);
    });
  });

  describe('awslogs.data with line breaks', () => {
    const decodeRun = (make: (size: number) => string) => (size: number) =>
      decodeCloudWatchEvent({ awslogs: { data: make(size) } });

    it('is checked in linear time when it is a long run of line breaks (47 s for a 600 KB S3 object before)', async () => {
      const ratio = await costRatio(
        decodeRun((size) => `${'\n'.repeat(size)}!`),
        20_000,
      );
      expect(ratio).toBeLessThan(LINEAR);
    });

    it('is checked in linear time when base64 is wrapped at 76 characters with CRLF', async () => {
      const ratio = await costRatio(
        decodeRun((size) => `${'QUFBQUFB'.repeat(size / 8).replace(/(.{76})/g, '$1\r\n')}\r\n\r\n!`),
        200_000,
      );
      expect(ratio).toBeLessThan(LINEAR);
    });

    it('still decodes base64 wrapped with line breaks and padding', () => {
      const payload = {
        messageType: 'DATA_MESSAGE',
        owner: '111122223333',
        logGroup: '/g',
        logStream: 's',
        subscriptionFilters: ['f'],
        logEvents: [{ id: '1', timestamp: 1, message: 'hello' }],
      };
      const data = gzipSync(JSON.stringify(payload))
        .toString('base64')
        .replace(/(.{76})/g, '$1\n');
      const decoded = decodeCloudWatchEvent({ awslogs: { data: `${data}\n` } });
      expect(decoded.ok && decoded.records.map((r) => r.text)).toEqual(['hello']);
    });
  });

  it('a 250k-event CloudWatch delivery is read to its last event: no count cuts the tail off', () => {
    const count = 250_001;
    const logEvents = Array.from({ length: count }, (_, i) => ({ id: String(i), timestamp: 1, message: `e${i}` }));
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/g',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents,
    };
    const data = gzipSync(JSON.stringify(payload)).toString('base64');
    const decoded = decodeCloudWatchEvent({ awslogs: { data } });
    expect(decoded.ok && decoded.records.length).toBe(count);
    expect(decoded.ok && decoded.records.at(-1)?.text).toBe('e250000');
    expect(decoded.ok && decoded.errors).toEqual([]);
  });

  it('a 70 MiB (decompressed) gzip object is streamed to its last line in bounded chunks', async () => {
    const line = JSON.stringify({ event_simpleName: 'ProcessRollup2', padding: 'x'.repeat(4000) });
    const block = `${Array.from({ length: 1000 }, () => line).join('\n')}\n`;
    const member = gzipSync(block, { level: 1 });
    const repeats = Math.ceil((70 * MiB) / block.length);
    // Concatenated gzip members, read from a stream in 64 KiB pieces as an S3 body arrives.
    const gzipped = Buffer.concat([...Array.from({ length: repeats }, () => member), gzipSync('{"last":true}\n')]);
    const pieces = Array.from({ length: Math.ceil(gzipped.length / 65536) }, (_, i) =>
      gzipped.subarray(i * 65536, (i + 1) * 65536),
    );
    let records = 0;
    let largestChunk = 0;
    let last: string | undefined;
    const errors: ParseError[] = [];
    for await (const chunk of streamRecords(
      Readable.from(pieces),
      { envelope: 's3', index: 0 },
      { gunzip: true, chunkRecords: 2000 },
    )) {
      records += chunk.records.length;
      largestChunk = Math.max(largestChunk, chunk.records.length);
      last = chunk.records.at(-1)?.text ?? last;
      errors.push(...chunk.errors);
    }
    expect(repeats * block.length).toBeGreaterThan(70 * MiB);
    expect(records).toBe(repeats * 1000 + 1);
    expect(last).toBe('{"last":true}');
    expect(errors).toEqual([]);
    expect(largestChunk).toBeLessThanOrEqual(2000);
  }, 30_000);

  describe('a line without line breaks (vmsentry scan of a 200 MB line took 80 s and 1.3 GB)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-hostile-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const fileOf = (size: number): string => {
      const file = path.join(dir, `line-${size}.log`);
      writeFileSync(file, `${'A'.repeat(size)}\nafter\n`);
      return file;
    };

    it('is split in linear time', async () => {
      const files = new Map([8 * MiB, 32 * MiB].map((size) => [size, fileOf(size)]));
      const ratio = await costRatio(async (size) => {
        for await (const _ of readRecords({ kind: 'file', path: files.get(size)! })) {
          // read to the end
        }
      }, 8 * MiB);
      expect(ratio).toBeLessThan(LINEAR);
    }, 60_000);

    it('becomes one record-too-large error with its line and length, and the next line is still read', async () => {
      const chunks = [];
      for await (const chunk of readRecords({ kind: 'file', path: fileOf(3 * MiB) })) chunks.push(chunk);
      expect(chunks.flatMap((c) => c.errors)).toEqual([
        expect.objectContaining({
          code: 'record-too-large',
          position: expect.objectContaining({ line: 1 }),
          reason: `line is ${3 * MiB} characters, over the ${MiB} limit`,
        }),
      ]);
      expect(chunks.flatMap((c) => c.records.map((r) => [r.text, r.position.line]))).toEqual([['after', 2]]);
    });

    it('is never held whole: the splitter keeps at most the line bound, however long the line grows', () => {
      const splitter = new LineSplitter(MiB);
      const out: SplitLine[] = [];
      const block = 'B'.repeat(64 * 1024);
      let held = 0;
      for (let i = 0; i < 256; i++) {
        splitter.push(block, out);
        held = Math.max(held, splitter.pendingChars);
      }
      splitter.end(out);
      expect(held).toBeLessThanOrEqual(MiB);
      expect(out).toEqual([{ ok: false, length: 256 * 64 * 1024, head: 'B'.repeat(256), line: 1 }]);
    });
  });
});
