/** fast-check generators of hostile input, built on real records (seeds.ts) and mutations of them. */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  DEEP_ARRAY,
  DEEP_OBJECT,
  DEEP_YAML,
  gzipBombs,
  HOSTILE_STRINGS,
  INVALID_UTF8,
  LONG_COMMAND,
  LONG_LINE,
  POLLUTION_JSON,
  seedRecords,
  seedRuleTexts,
} from './seeds';

/** A string an attacker could put in a log line: hostile constants, arbitrary code points, or both. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 20 }))
      .map(([a, b]) => `${b}${a}${b}`),
  },
);

type Mutation = (text: string) => string;

const at = (text: string, ratio: number): number => Math.floor(ratio * (text.length + 1));

/** One edit of a record's text. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), hostileString).map(
    ([ratio, insert]): Mutation =>
      (text) =>
        text.slice(0, at(text, ratio)) + insert + text.slice(at(text, ratio)),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.nat(200)).map(
    ([ratio, length]): Mutation =>
      (text) =>
        text.slice(0, at(text, ratio)) + text.slice(at(text, ratio) + length),
  ),
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map(
    (ratio): Mutation =>
      (text) =>
        text.slice(0, at(text, ratio)),
  ),
  // Replace the n-th JSON string value with a hostile one (escaped, so the record stays JSON).
  fc.tuple(fc.nat(60), hostileString).map(
    ([nth, value]): Mutation =>
      (text) => {
        let seen = 0;
        return text.replace(/":"(?:[^"\\]|\\.)*"/g, (match) => (seen++ === nth ? `":${JSON.stringify(value)}` : match));
      },
  ),
  // Replace the n-th JSON value of any kind with a structure of another type.
  fc
    .tuple(
      fc.nat(60),
      fc.constantFrom('null', '[]', '{}', '[[[[]]]]', '-1e309', '1e400', 'true', '{"__proto__":{"polluted":1}}'),
    )
    .map(
      ([nth, value]): Mutation =>
        (text) => {
          let seen = 0;
          return text.replace(/":("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g, (match) =>
            seen++ === nth ? `":${value}` : match,
          );
        },
    ),
  // Prototype-pollution keys at the top of a JSON record.
  fc.constantFrom('"__proto__":{"polluted":"yes"},', '"constructor":{"prototype":{"polluted":"yes"}},').map(
    (key): Mutation =>
      (text) =>
        text.startsWith('{') ? `{${key}${text.slice(1)}` : text,
  ),
  // Repeat a slice (long values, duplicated XML elements).
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.nat(100), fc.integer({ min: 2, max: 200 }))
    .map(
      ([ratio, length, times]): Mutation =>
        (text) => {
          const start = at(text, ratio);
          return text.slice(0, start) + text.slice(start, start + length).repeat(times) + text.slice(start);
        },
    ),
);

function mutated(seeds: () => readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([index, edits]) => {
    const pool = seeds();
    const seed = pool[index % pool.length] ?? '';
    return edits.reduce((text, edit) => edit(text), seed);
  });
}

/** A real record, unchanged. */
export const realRecord: fc.Arbitrary<string> = fc.nat().map((index) => {
  const pool = seedRecords();
  return pool[index % pool.length] ?? '';
});

/** One record's text: mostly mutated real records, some arbitrary text, some hand-made hostile ones. */
export const recordText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: mutated(seedRecords) },
  { weight: 2, arbitrary: realRecord },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_JSON) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      DEEP_ARRAY,
      DEEP_OBJECT,
      LONG_LINE,
      LONG_COMMAND,
      ...INVALID_UTF8.map((bytes) => bytes.toString('utf8')),
      ...INVALID_UTF8.map((bytes) => bytes.toString('latin1')),
    ),
  },
);

/** Several records, as one batch delivers them. */
export const recordTexts: fc.Arbitrary<string[]> = fc.array(recordText, { minLength: 0, maxLength: 6 });

/** Bytes of an S3 object or a gzip member: text (plain or gzip'd), arbitrary bytes, invalid UTF-8, bombs. */
export const objectBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: recordTexts.map((texts) => gzipSync(Buffer.from(texts.join('\n')))) },
  { weight: 2, arbitrary: recordTexts.map((texts) => Buffer.from(texts.join('\n'))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes) => {
      // A gzip header followed by garbage, and a valid gzip cut short.
      const valid = gzipSync(Buffer.from(bytes));
      return bytes.length % 2 === 0
        ? Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), bytes])
        : valid.subarray(0, valid.length >> 1);
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8, ...INVALID_UTF8.map((bytes) => gzipSync(bytes))) },
  { weight: 1, arbitrary: fc.constant(0).map(() => gzipBombs().small) },
);

/** A CloudWatch subscription payload (decoded form) whose parts may be wrong. */
const subscriptionPayload: fc.Arbitrary<unknown> = fc
  .record({
    messageType: fc.oneof(fc.constantFrom('DATA_MESSAGE', 'DATA_MESSAGE', 'CONTROL_MESSAGE'), hostileString),
    owner: fc.oneof(fc.constant('123456789012'), hostileString),
    logGroup: fc.oneof(fc.constantFrom('/aws/ec2/windows/sysmon', '/vmsentry/linux/auditd'), hostileString),
    logStream: fc.oneof(fc.constant('i-0123456789abcdef0'), hostileString),
    subscriptionFilters: fc.oneof(fc.constant(['vmsentry']), fc.anything()),
    messages: recordTexts,
    oddEvent: fc.option(fc.anything(), { freq: 4 }),
  })
  .map(({ messages, oddEvent, ...envelope }) => ({
    ...envelope,
    logEvents: [
      ...messages.map((message, index) => ({
        id: `3${String(index).padStart(55, '0')}`,
        timestamp: 1795780800000 + index,
        message,
      })),
      ...(oddEvent === null ? [] : [oddEvent]),
    ],
  }));

const base64Gzip = (text: string) => gzipSync(Buffer.from(text)).toString('base64');

/** A Lambda event the CloudWatch handler could be given, well formed or not. */
export const cloudWatchEvent: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: subscriptionPayload.map((payload) => ({ awslogs: { data: base64Gzip(JSON.stringify(payload)) } })),
  },
  { weight: 1, arbitrary: subscriptionPayload },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.anything()).map((data) => ({ awslogs: { data } })) },
  { weight: 1, arbitrary: objectBytes.map((bytes) => ({ awslogs: { data: Buffer.from(bytes).toString('base64') } })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(DEEP_ARRAY, DEEP_OBJECT, `{"messageType":"DATA_MESSAGE","logEvents":${DEEP_ARRAY}}`)
      .map((text) => ({ awslogs: { data: base64Gzip(text) } })),
  },
);

/** An SQS message body: inline events, S3 notifications (direct, via SNS, EventBridge), or junk. */
export const sqsBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: recordTexts.map((texts) => texts.join('\n')) },
  { weight: 2, arbitrary: recordTexts.map((texts) => JSON.stringify(texts.map((text) => ({ text })))) },
  {
    weight: 2,
    arbitrary: fc
      .record({ bucket: hostileString, key: hostileString, size: fc.oneof(fc.nat(), fc.double(), fc.string()) })
      .map(({ bucket, key, size }) =>
        JSON.stringify({
          Records: [
            {
              eventSource: 'aws:s3',
              eventName: 'ObjectCreated:Put',
              s3: { bucket: { name: bucket }, object: { key, size } },
            },
          ],
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ bucket: hostileString, key: hostileString }).map(({ bucket, key }) =>
      JSON.stringify({
        Type: 'Notification',
        Message: JSON.stringify({ Records: [{ s3: { bucket: { name: bucket }, object: { key } } }] }),
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ bucket: hostileString, key: hostileString }).map(({ bucket, key }) =>
      JSON.stringify({
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: { bucket: { name: bucket }, object: { key } },
      }),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_JSON, DEEP_ARRAY, DEEP_OBJECT, LONG_LINE, `[${DEEP_OBJECT}]`) },
);

/** Rule YAML: mutated pack rules, arbitrary text, and hostile YAML (alias bombs, deep nesting, pollution keys). */
export const ruleText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: mutated(seedRuleTexts) },
  // Two lines swapped: keys move between maps, conditions lose their selections.
  {
    weight: 2,
    arbitrary: fc.tuple(mutated(seedRuleTexts), fc.nat(), fc.nat()).map(([text, a, b]) => {
      const lines = text.split('\n');
      const i = a % lines.length;
      const j = b % lines.length;
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      return lines.join('\n');
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      DEEP_YAML,
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
      'title: t\nid: x\n__proto__:\n  polluted: yes\nlogsource: {category: process_creation}\ndetection:\n  __proto__: {Image: x}\n  constructor: {prototype: {polluted: 1}}\n  condition: __proto__ or constructor\n',
      'title: t\nlogsource: {category: process_creation}\ndetection:\n  sel:\n    CommandLine|re: "(a+)+$"\n  condition: sel\n',
      'title: t\nlogsource: {category: process_creation}\ndetection:\n  sel: {Image: x}\n  condition: not not not not not not not not not not not not not not not not not not not not sel\n',
      `title: t\nlogsource: {category: process_creation}\ndetection:\n  sel: {Image: x}\n  condition: ${'('.repeat(5000)}sel${')'.repeat(5000)}\n`,
      '--- !!js/function "function(){}"\n',
      '!!binary AAAA',
      'key: !!timestamp 2001-12-14t21:59:43.10-05:00\n',
    ),
  },
);
