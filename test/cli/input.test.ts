import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BinaryInputError, type InputChunk, needsWholeDocument, readRecords } from '../../bin/input';

const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

async function chunksOf(full: string, chunkRecords = 5000): Promise<InputChunk[]> {
  const out: InputChunk[] = [];
  for await (const chunk of readRecords({ kind: 'file', path: full }, { chunkRecords })) out.push(chunk);
  return out;
}

describe('needsWholeDocument', () => {
  it('reads JSON arrays and pretty-printed objects whole', () => {
    expect(needsWholeDocument('[{"a":1}', false)).toBe(true);
    expect(needsWholeDocument('{\n  "a": 1\n', false)).toBe(true);
  });

  it('streams NDJSON, XML lines and plain log lines', () => {
    expect(needsWholeDocument('{"a":1}\n{"a":2}\n', false)).toBe(false);
    expect(needsWholeDocument('<Event>...</Event>\n', false)).toBe(false);
    expect(needsWholeDocument('type=SYSCALL msg=audit(1:2): x', false)).toBe(false);
  });

  it('waits for more input while the first line is incomplete', () => {
    expect(needsWholeDocument('{"a":', false)).toBeUndefined();
    expect(needsWholeDocument('   ', false)).toBeUndefined();
  });
});

describe('readRecords', () => {
  it('hands lines on in chunks, keeping 1-based line numbers and skipping blank lines', async () => {
    const full = file('lines.log', 'one\r\n\ntwo\nthree\nfour\nfive');
    const chunks = await chunksOf(full, 2);
    expect(chunks.map((c) => c.records.map((r) => r.text))).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
    expect(chunks.flatMap((c) => c.records.map((r) => r.position.line))).toEqual([1, 3, 4, 5, 6]);
    expect(chunks[1]?.records[0]?.position).toMatchObject({ envelope: 'file', file: full, index: 2 });
  });

  it('parses JSON lines once, for the JSON parsers', async () => {
    const [chunk] = await chunksOf(file('n.jsonl', '{"a":1}\nnot json\n'));
    expect(chunk?.records.map((r) => r.json)).toEqual([{ a: 1 }, undefined]);
  });

  it('places the elements of a JSON array by index', async () => {
    const [chunk] = await chunksOf(file('array.json', JSON.stringify([{ a: 1 }, { a: 2 }], null, 2)));
    expect(chunk?.records.map((r) => [r.json, r.position.index, r.position.line])).toEqual([
      [{ a: 1 }, 0, undefined],
      [{ a: 2 }, 1, undefined],
    ]);
  });

  it('unwraps saved CloudWatch subscription events, one per line', async () => {
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/g',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '1', timestamp: 1, message: 'first' },
        { id: '2', timestamp: 2, message: 'second' },
      ],
    };
    const event = { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
    const [chunk] = await chunksOf(file('events.jsonl', `${JSON.stringify(event)}\n`));
    expect(chunk?.records.map((r) => [r.text, r.position.logGroup, r.position.index])).toEqual([
      ['first', '/g', 0],
      ['second', '/g', 1],
    ]);
  });

  it('reports an unreadable file as an error of the read, not as records', async () => {
    await expect(chunksOf(path.join(dir, 'missing.log'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads pretty-printed event XML (Event Viewer "Save as XML") whole, one record per event', async () => {
    const event = (id: number) =>
      `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n  <System>\n    <EventID>${id}</EventID>\n  </System>\n</Event>`;
    const chunks = await chunksOf(file('saved.xml', `${event(1)}\n${event(2)}\n`));
    expect(chunks.flatMap((c) => c.records.map((r) => [r.text.includes(`<EventID>`), r.position.line]))).toEqual([
      [true, 1],
      [true, 6],
    ]);
  });

  it('skips a line over the record bound as one error and reads on (bounded memory, linear time)', async () => {
    const chunks: InputChunk[] = [];
    const full = file('long.log', `${'z'.repeat(5000)}\nshort\n`);
    for await (const chunk of readRecords({ kind: 'file', path: full }, { maxLineChars: 1000 })) chunks.push(chunk);
    expect(chunks.flatMap((c) => c.errors.map((e) => [e.code, e.position.line, e.reason]))).toEqual([
      ['record-too-large', 1, 'line is 5000 characters, over the 1000 limit'],
    ]);
    expect(chunks.flatMap((c) => c.records.map((r) => r.text))).toEqual(['short']);
  });

  it('inflates a gzip file (found by its magic bytes, not its name), every member of a multi-member one', async () => {
    const text = '{"a":1}\n{"a":2}\nthird line\n';
    const plain = await chunksOf(file('plain.log', text));
    const members = Buffer.concat([gzipSync('{"a":1}\n{"a":2}\n'), gzipSync('third line\n')]);
    const zipped = await chunksOf(file('no-suffix.log', members));
    const view = (chunks: InputChunk[]) =>
      chunks.flatMap((c) => c.records.map((r) => [r.text, r.json, r.position.line]));
    expect(view(zipped)).toEqual(view(plain));
    expect(view(zipped)).toHaveLength(3);
  });

  it('keeps the line bound inside a gzip file', async () => {
    const chunks: InputChunk[] = [];
    const full = file('long.log.gz', gzipSync(`${'z'.repeat(5000)}\nshort\n`));
    for await (const chunk of readRecords({ kind: 'file', path: full }, { maxLineChars: 1000 })) chunks.push(chunk);
    expect(chunks.flatMap((c) => c.errors.map((e) => e.code))).toEqual(['record-too-large']);
    expect(chunks.flatMap((c) => c.records.map((r) => r.text))).toEqual(['short']);
  });

  it('keeps the decompressed-size bound for a gzip whole document', async () => {
    const full = file('big.json.gz', gzipSync(JSON.stringify([{ a: 'x'.repeat(4000) }], null, 2)));
    await expect(chunksOf(full)).resolves.toBeDefined();
    const read = async () => {
      for await (const _ of readRecords({ kind: 'file', path: full }, { maxDocumentBytes: 1000 })) {
        // drain
      }
    };
    await expect(read()).rejects.toMatchObject({ name: 'DocumentTooLargeError' });
  });

  it('refuses binary input (NUL bytes), plain or after gunzip, with a typed error naming what was wrong', async () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x0a]);
    await expect(chunksOf(file('a.out', binary))).rejects.toBeInstanceOf(BinaryInputError);
    await expect(chunksOf(file('a.out.gz', gzipSync(binary)))).rejects.toThrow(/NUL byte at byte 7 after gunzip/);
  });

  it('refuses input that is not UTF-8 text in its first block', async () => {
    const latin1 = Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x20, 0x0a]);
    await expect(chunksOf(file('bad.txt', latin1))).rejects.toThrow(/not valid UTF-8/);
  });
});
