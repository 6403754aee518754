import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { ParseError } from '../../../lib/model';
import type { RecordInput } from '../../../lib/sources';
import { decodeCloudWatchEvent } from '../../../lib/sources/envelopes/cloudwatch';
import { type StreamedDelivery, streamCloudWatchEvent } from '../../../lib/sources/envelopes/cloudwatch-stream';
import { subscriptionEvent, subscriptionPayload } from '../../support/cloudwatch';

function eventOfText(json: string): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(json)).toString('base64') } };
}

/** The streamed reader's answer with what it handed on, in order. */
function streamed(event: unknown, options: Parameters<typeof streamCloudWatchEvent>[2] = {}) {
  const records: RecordInput[] = [];
  const errors: ParseError[] = [];
  const outcome: StreamedDelivery = streamCloudWatchEvent(
    event,
    { record: (record) => records.push(record), error: (error) => errors.push(error) },
    options,
  );
  return { outcome, records, errors };
}

/** The streamed reader gives what the whole decode gives, or says 'whole' (then the whole decode is used). */
function expectSameAsWhole(event: unknown, options: Parameters<typeof streamCloudWatchEvent>[2] = {}): string {
  const { outcome, records, errors } = streamed(event, options);
  const whole = decodeCloudWatchEvent(event, options);
  switch (outcome.kind) {
    case 'records':
      expect(whole).toEqual({ ok: true, control: false, records, errors });
      break;
    case 'control':
      expect(whole).toEqual({ ok: true, control: true, records: [], errors: [] });
      break;
    case 'error':
      expect(whole).toEqual({ ok: false, error: outcome.error });
      break;
    case 'whole':
      break;
  }
  return outcome.kind;
}

const MESSAGES = [
  '{"EventID":1,"Image":"C:\\\\Tools\\\\VBoxManage.exe","CommandLine":"VBoxManage startvm \\"x\\" --type headless"}',
  'type=SYSCALL msg=audit(1.0:1): syscall=59',
  '<Event><System><EventID>1</EventID></System></Event>',
  'caf\u00e9 \u2603 "quoted" back\\slash',
];

describe('CloudWatch delivery read log event by log event', () => {
  it('hands on the same records, in order and with the same positions, as the whole decode', () => {
    const event = subscriptionEvent(subscriptionPayload(MESSAGES, { logGroup: '/aws/ec2/sysmon' }));
    const { outcome, records } = streamed(event, {
      formatHints: [{ prefix: '/aws/ec2', format: 'sysmon-windows' }],
    });
    expect(outcome).toEqual({ kind: 'records' });
    expect(records.map((record) => record.text)).toEqual(MESSAGES);
    expect(expectSameAsWhole(event, { formatHints: [{ prefix: '/aws/ec2', format: 'sysmon-windows' }] })).toBe(
      'records',
    );
  });

  it('reports a log event without a message or over the record cap as that event error, and keeps the rest', () => {
    const payload = subscriptionPayload(['ok one', 'x'.repeat(2000), 'ok two']);
    const events: unknown[] = [...payload.logEvents, 7, null, { id: 'no-message', timestamp: 1 }];
    const event = subscriptionEvent({ ...payload, logEvents: events });
    const { outcome, records, errors } = streamed(event, { limits: { maxRecordBytes: 1000 } });
    expect(outcome.kind).toBe('records');
    expect(records.map((record) => record.text)).toEqual(['ok one', 'ok two']);
    expect(errors.map((error) => [error.code, error.position.index])).toEqual([
      ['record-too-large', 1],
      ['envelope-invalid', 3],
      ['envelope-invalid', 4],
      ['envelope-invalid', 5],
    ]);
    expectSameAsWhole(event, { limits: { maxRecordBytes: 1000 } });
  });

  it('treats a CONTROL_MESSAGE as the whole decode does', () => {
    const event = subscriptionEvent({ ...subscriptionPayload(['health check']), messageType: 'CONTROL_MESSAGE' });
    expect(streamed(event).records).toEqual([]);
    expect(expectSameAsWhole(event)).toBe('control');
  });

  it('refuses what the whole decode refuses, with the same error: not base64, not gzip, a decompression bomb', () => {
    expect(expectSameAsWhole({ awslogs: { data: 'not base64 %%%' } })).toBe('error');
    expect(expectSameAsWhole({ awslogs: { data: Buffer.from('plain').toString('base64') } })).toBe('error');
    const bomb = eventOfText(JSON.stringify({ ...subscriptionPayload(['a'.repeat(200_000)]) }));
    expect(expectSameAsWhole(bomb, { limits: { maxDecompressedBytes: 50_000 } })).toBe('error');
  });

  it('leaves anything off the common shape to the whole decode (never a different answer)', () => {
    const payload = subscriptionPayload(['one', 'two']);
    const { logEvents, ...header } = payload;
    const cases = [
      JSON.stringify(payload).slice(0, -1), // truncated
      `${JSON.stringify(payload)} x`, // trailing garbage
      JSON.stringify({ logEvents, ...header }), // header after the log events
      `${JSON.stringify(payload).slice(0, -1)},"logGroup":"/late"}`, // a header field repeated after them
      `${JSON.stringify(payload).slice(0, -1)},"logEvents":[]}`, // the log events repeated
      JSON.stringify({ ...header, logEvents: 'nope' }), // not an array
      JSON.stringify({ ...header, messageType: 'SOMETHING_ELSE', logEvents }),
      JSON.stringify({ ...header, owner: 12, logEvents }), // the schema refuses it
      JSON.stringify([payload]),
      `\ufeff${JSON.stringify(payload)}`,
      JSON.stringify(payload).replace('"two"', '"tw\u0001o"'), // a control character inside a string
      JSON.stringify(payload).replace('"two"', '"two",'), // a trailing comma inside an element
      '{}',
    ];
    expect(cases.map((text) => expectSameAsWhole(eventOfText(text)))).toEqual(cases.map(() => 'whole'));
  });

  it('reads a payload whose header comes in any order before the log events, with white space anywhere', () => {
    const payload = subscriptionPayload(['one', 'two']);
    const text = `\n { "subscriptionFilters" : [ "f" ] ,"logStream":"s", "owner":"123456789012",\t"logGroup":"/g",\r
      "messageType":"DATA_MESSAGE", "extra": {"nested": ["]", "}"]},
      "logEvents" : [ ${payload.logEvents.map((event) => JSON.stringify(event)).join(' ,\n ')} ] } \n`;
    expect(expectSameAsWhole(eventOfText(text))).toBe('records');
  });

  it('gives the whole decode answer for any mutation of a payload (property)', () => {
    const base = JSON.stringify(subscriptionPayload(['{"a":"b\\"c"}', 'two', '[1,2]', '{"x":{"y":[1,{"z":"}"}]}}']));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(base.length), fc.constantFrom('', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x')),
          {
            maxLength: 4,
          },
        ),
        (edits) => {
          let text = base;
          for (const [at, piece] of edits) {
            const where = at % (text.length + 1);
            text = `${text.slice(0, where)}${piece}${text.slice(where + (piece === '' ? 1 : 0))}`;
          }
          expectSameAsWhole(eventOfText(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary payload text: records, control, a typed error or whole', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        expectSameAsWhole(eventOfText(text));
      }),
      { numRuns: 300 },
    );
  });
});
