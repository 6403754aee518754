import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeObjectBody } from '../../../lib/sources/envelopes/object';
import { recordsFromText } from '../../../lib/sources/envelopes/text';
import { subscriptionEvent, subscriptionPayload } from '../../support/cloudwatch';

const file = { envelope: 'file' as const, index: 0, file: 'events.log' };

describe('text documents (files, stdin, S3 objects)', () => {
  it('gives one record per non-blank line with 1-based line numbers, JSON parsed once', () => {
    const result = recordsFromText('{"a":1}\r\n\n<Event/>\ntype=EXECVE msg=audit(1.0:2): argc=1 a0="ls"\n', file);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(
      result.records.map((record) => [record.position.line, record.position.index, record.json !== undefined]),
    ).toEqual([
      [1, 0, true],
      [3, 1, false],
      [4, 2, false],
    ]);
    expect(result.records[0]?.text).toBe('{"a":1}');
  });

  it('strips a byte-order mark', () => {
    const result = recordsFromText('\ufeff{"a":1}', file);
    expect(result.ok && result.records[0]?.json).toEqual({ a: 1 });
  });

  it('reads a JSON array as one record per element', () => {
    const result = recordsFromText('[\n {"a":1},\n {"b":2}\n]', file);
    expect(result.ok && result.records.map((record) => record.json)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reads one pretty-printed JSON object as one record', () => {
    const result = recordsFromText('{\n  "a": 1,\n  "b": [1, 2]\n}\n', file);
    expect(result.ok && result.records.map((record) => record.json)).toEqual([{ a: 1, b: [1, 2] }]);
  });

  it('unwraps a file holding a CloudWatch payload, decoded or as the raw Lambda event', () => {
    const payload = subscriptionPayload(['one', 'two'], { logGroup: '/g' });
    for (const text of [JSON.stringify(payload, null, 2), JSON.stringify(subscriptionEvent(payload))]) {
      const result = recordsFromText(text, file);
      expect(
        result.ok && result.records.map((record) => [record.text, record.position.logGroup, record.position.file]),
      ).toEqual([
        ['one', '/g', 'events.log'],
        ['two', '/g', 'events.log'],
      ]);
    }
  });

  it('refuses over-long lines with their line number and keeps the others', () => {
    const result = recordsFromText(`ok\n${'y'.repeat(50)}\nok again`, file, { limits: { maxRecordBytes: 10 } });
    expect(result.ok && result.records.map((record) => record.text)).toEqual(['ok', 'ok again']);
    expect(result.ok && result.errors[0]).toMatchObject({
      code: 'record-too-large',
      position: { line: 2, file: 'events.log' },
    });
  });

  it('reads every record of a large document: no count cuts its tail off', () => {
    const lines = Array.from({ length: 250_001 }, (_, i) => `line ${i}`);
    const result = recordsFromText(lines.join('\n'), file);
    expect(result.ok && result.records.length).toBe(250_001);
    expect(result.ok && result.records.at(-1)?.text).toBe('line 250000');
    expect(result.ok && result.errors).toEqual([]);
  });

  it('reads gzip and plain object bodies alike', () => {
    const text = '{"a":1}\n{"a":2}\n';
    const origin = { envelope: 's3' as const, index: 0, bucket: 'b', key: 'k.gz' };
    const plain = decodeObjectBody(Buffer.from(text), origin);
    const gzipped = decodeObjectBody(gzipSync(text), origin);
    expect(plain.ok && plain.records.map((record) => record.json)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(gzipped.ok && gzipped.records.map((record) => record.position)).toEqual([
      { ...origin, index: 0, line: 1 },
      { ...origin, index: 1, line: 2 },
    ]);
  });

  it('refuses a gzip object that expands beyond the bound', () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x41));
    expect(
      decodeObjectBody(bomb, { envelope: 's3', index: 0 }, { limits: { maxDecompressedBytes: 1024 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'envelope-too-large' },
    });
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    const result = decodeObjectBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {
      envelope: 's3',
      index: 0,
    });
    expect(result.ok && result.records[0]?.json).toEqual({ a: '\ufffd\ufffd' });
  });

  it('never throws on arbitrary bytes or text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string(), (bytes, text) => {
        decodeObjectBody(bytes, { envelope: 's3', index: 0 });
        decodeObjectBody(gzipSync(bytes), { envelope: 's3', index: 0 });
        recordsFromText(text, file);
      }),
      { numRuns: 300 },
    );
  });
});

describe('pretty-printed event XML documents', () => {
  it('gives one record per <Event> element, positioned at its first line, with newlines folded', () => {
    const text = [
      '<Events>',
      '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
      '  <System><EventID>1</EventID></System>',
      '</Event>',
      '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
      '  <System><EventID>4688</EventID></System>',
      '</Event>',
      '</Events>',
    ].join('\n');
    const result = recordsFromText(text, file);
    expect(result.ok && result.records.map((record) => [record.position.line, record.text])).toEqual([
      [
        2,
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>1</EventID></System></Event>',
      ],
      [
        5,
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID></System></Event>',
      ],
    ]);
  });

  it('keeps one-event-per-line XML files line-oriented', () => {
    const result = recordsFromText('<Event><System/></Event>\n<Event><System/></Event>\n', file);
    expect(result.ok && result.records.map((record) => record.position.line)).toEqual([1, 2]);
  });
});
