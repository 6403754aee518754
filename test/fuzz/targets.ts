/**
 * Fuzz targets shared by the bounded CI properties (test/fuzz/*.test.ts) and the long runner (test/fuzz/run.ts).
 * Each target feeds one kind of hostile input to one entry point and checks the contract every entry point has:
 * nothing throws, results have their declared shape, no prototype is polluted, and renderers let no markup,
 * mentions, header injection or terminal escapes through.
 */
import fc from 'fast-check';
import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { toPublishedAlert } from '../../lib/alerts/published-alert';
import { renderChatbot } from '../../lib/alerts/render-chatbot';
import { alertSubject, renderEmail } from '../../lib/alerts/render-email';
import { renderSlack } from '../../lib/alerts/render-slack';
import { toSnsPublishEntry } from '../../lib/alerts/sns-message';
import type { NormalizedEvent, ParseError } from '../../lib/model';
import { compileRuleText, RuleSet } from '../../lib/rules';
import {
  decodeCloudWatchEvent,
  decodeObjectBody,
  decodeSqsBody,
  type EnvelopeResult,
  PARSERS,
  type ParsedBatch,
  type ParseOutcome,
  type ParserFactory,
  parseRecords,
  type RecordInput,
  recordsFromText,
  s3ObjectsInSqsBody,
} from '../../lib/sources';
import { vmEvent } from '../alerts/fixtures';
import { hostileAlert } from '../alerts/hostile';
import { cloudWatchEvent, hostileString, objectBytes, recordTexts, ruleText, sqsBody } from './arbitraries';

/** A broken property: the message names what was wrong; the runner prints it with the input. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new PropertyViolation(message);
}

export interface FuzzTarget<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Throws (PropertyViolation or the entry point's own exception) when the contract is broken. */
  check(input: T): void;
}

// --- prototypes ------------------------------------------------------------------------------------------------

const PROTOTYPES: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
const KNOWN = new Map(PROTOTYPES.map(([name, proto]) => [name, new Set(Reflect.ownKeys(proto))]));

/** Throws if any built-in prototype gained a property since this module loaded. */
export function assertPrototypesClean(): void {
  for (const [name, proto] of PROTOTYPES) {
    const known = KNOWN.get(name) as Set<string | symbol>;
    const added = Reflect.ownKeys(proto).filter((key) => !known.has(key));
    expect(added.length === 0, `${name} polluted with ${added.map(String).join(', ')}`);
  }
  expect(({} as Record<string, unknown>)['polluted'] === undefined, 'a fresh object inherits "polluted"');
}

// --- shapes ----------------------------------------------------------------------------------------------------

function checkParseError(error: ParseError, where: string): void {
  expect(typeof error.code === 'string' && error.code.length > 0, `${where}: error without code`);
  expect(typeof error.reason === 'string', `${where}: error without reason`);
  expect(typeof error.format === 'string', `${where}: error without format`);
  expect(typeof error.excerpt === 'string', `${where}: error excerpt not a string`);
  expect(error.position !== null && typeof error.position === 'object', `${where}: error without position`);
  expect(typeof error.position.index === 'number', `${where}: position without index`);
}

function checkEvent(event: NormalizedEvent, where: string): void {
  expect(event !== null && typeof event === 'object', `${where}: event is not an object`);
  expect(typeof event.category === 'string', `${where}: event without category`);
  expect(typeof event.platform === 'string', `${where}: event without platform`);
  expect(typeof event.time === 'string', `${where}: event time is not a string`);
  expect(typeof event.timeMs === 'number' && Number.isFinite(event.timeMs), `${where}: event timeMs ${event.timeMs}`);
  expect(event.host !== null && typeof event.host === 'object', `${where}: event without host`);
  expect(event.fields !== null && typeof event.fields === 'object', `${where}: event without fields`);
  expect(typeof event.provenance?.format === 'string', `${where}: event without provenance format`);
}

function checkOutcome(outcome: ParseOutcome, where: string): void {
  expect(outcome !== null && typeof outcome === 'object' && typeof outcome.ok === 'boolean', `${where}: not a result`);
  if (outcome.ok) {
    expect(Array.isArray(outcome.events), `${where}: events is not an array`);
    for (const event of outcome.events) checkEvent(event, where);
  } else {
    checkParseError(outcome.error, where);
  }
}

function checkEnvelope(result: EnvelopeResult, where: string): void {
  expect(result !== null && typeof result === 'object' && typeof result.ok === 'boolean', `${where}: not a result`);
  if (!result.ok) {
    checkParseError(result.error, where);
    return;
  }
  expect(Array.isArray(result.records) && Array.isArray(result.errors), `${where}: records/errors not arrays`);
  expect(typeof result.control === 'boolean', `${where}: control is not a boolean`);
  for (const record of result.records) {
    expect(typeof record.text === 'string', `${where}: record text is not a string`);
    expect(record.json === undefined || (typeof record.json === 'object' && record.json !== null), `${where}: json`);
  }
  for (const error of result.errors) checkParseError(error, where);
}

function checkBatch(batch: ParsedBatch, where: string): void {
  expect(Array.isArray(batch.events) && Array.isArray(batch.errors), `${where}: batch arrays`);
  expect(Number.isInteger(batch.records) && batch.records >= 0, `${where}: batch records`);
  for (const event of batch.events) checkEvent(event, where);
  for (const error of batch.errors) checkParseError(error, where);
}

/** Parse what an envelope gave, and check both. */
function envelopeThenParse(result: EnvelopeResult, where: string): void {
  checkEnvelope(result, where);
  if (result.ok) checkBatch(parseRecords(result.records), `${where} -> parseRecords`);
}

// --- envelopes -------------------------------------------------------------------------------------------------

/** Small limits keep bombs cheap per case; the default limits are exercised by the CI tests separately. */
const FAST_LIMITS = { maxDecompressedBytes: 1024 * 1024, maxRecordBytes: 512 * 1024 };

export const cloudWatchTarget: FuzzTarget<unknown> = {
  name: 'envelope:cloudwatch',
  arbitrary: cloudWatchEvent,
  check(event) {
    envelopeThenParse(decodeCloudWatchEvent(event, { limits: FAST_LIMITS }), 'decodeCloudWatchEvent');
  },
};

export const sqsTarget: FuzzTarget<string> = {
  name: 'envelope:sqs',
  arbitrary: sqsBody,
  check(body) {
    const objects = s3ObjectsInSqsBody(body);
    expect(objects === undefined || Array.isArray(objects), 's3ObjectsInSqsBody: not an array');
    for (const object of objects ?? []) {
      expect(typeof object.bucket === 'string' && typeof object.key === 'string', 's3ObjectsInSqsBody: object ref');
    }
    const origin = { envelope: 'sqs', index: 0, messageId: 'm-1' } as const;
    envelopeThenParse(decodeSqsBody(body, origin, { limits: FAST_LIMITS }), 'decodeSqsBody');
  },
};

export const objectTarget: FuzzTarget<Uint8Array> = {
  name: 'envelope:s3-object',
  arbitrary: objectBytes,
  check(bytes) {
    const origin = { envelope: 's3', index: 0, bucket: 'b', key: 'k.ndjson.gz' } as const;
    envelopeThenParse(decodeObjectBody(bytes, origin, { limits: FAST_LIMITS }), 'decodeObjectBody');
  },
};

export const textTarget: FuzzTarget<string[]> = {
  name: 'envelope:text',
  arbitrary: recordTexts,
  check(texts) {
    const origin = { envelope: 'file', index: 0, file: 'fuzz.log' } as const;
    envelopeThenParse(recordsFromText(texts.join('\n'), origin, { limits: FAST_LIMITS }), 'recordsFromText');
  },
};

// --- parsers ---------------------------------------------------------------------------------------------------

function jsonOf(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const contexts = fc.constantFrom<RecordInput['context']>(
  {},
  { logGroup: '/aws/ec2/windows/sysmon', logStream: 'i-0123456789abcdef0', accountId: '123456789012' },
  { logGroup: '/vmsentry/linux/auditd', logStream: 'ip-10-0-0-1' },
);

/** One parser of the registry called directly (no dispatcher to catch what it throws): sniff, parse, flush. */
export function parserTarget(factory: ParserFactory): FuzzTarget<{ texts: string[]; context: RecordInput['context'] }> {
  return {
    name: `parser:${factory.format}`,
    arbitrary: fc.record({ texts: recordTexts, context: contexts }),
    check({ texts, context }) {
      const parser = factory.create();
      texts.forEach((text, index) => {
        const input: RecordInput = {
          text,
          json: jsonOf(text),
          timestampMs: 1795780800000 + index,
          position: { envelope: 'inline', index },
          context,
        };
        const sniffed = parser.sniff(input);
        expect(typeof sniffed === 'boolean', `${factory.format}.sniff returned ${typeof sniffed}`);
        if (sniffed) checkOutcome(parser.parse(input), `${factory.format}.parse`);
      });
      const flushed = parser.flush?.() ?? [];
      expect(Array.isArray(flushed), `${factory.format}.flush: not an array`);
      for (const outcome of flushed) checkOutcome(outcome, `${factory.format}.flush`);
    },
  };
}

export const parserTargets: readonly FuzzTarget<{ texts: string[]; context: RecordInput['context'] }>[] =
  PARSERS.map(parserTarget);

// --- Sigma loader ----------------------------------------------------------------------------------------------

const PROBE_EVENTS: readonly NormalizedEvent[] = [
  vmEvent(),
  vmEvent({ Image: '__proto__', CommandLine: 'constructor prototype toString' }),
  { ...vmEvent(), category: 'ps_script', fields: { ScriptBlockText: 'New-VM x; Start-VM x' } },
];

export const sigmaTarget: FuzzTarget<string> = {
  name: 'sigma:compileRuleText',
  arbitrary: ruleText,
  check(text) {
    const results = compileRuleText(text, 'fuzz.yml');
    expect(Array.isArray(results), 'compileRuleText: not an array');
    const rules = [];
    for (const result of results) {
      expect(typeof result.ok === 'boolean', 'compileRuleText: result without ok');
      if (result.ok) {
        expect(typeof result.rule.evaluate === 'function', 'compiled rule without evaluate');
        expect(typeof result.rule.metadata.id === 'string', 'compiled rule without id');
        rules.push(result.rule);
      } else {
        expect(typeof result.error.reason === 'string', 'load error without reason');
      }
    }
    if (rules.length > 0) {
      const set = RuleSet.from(rules);
      for (const event of PROBE_EVENTS) expect(Array.isArray(set.match(event)), 'RuleSet.match: not an array');
    }
  },
};

// --- renderers -------------------------------------------------------------------------------------------------

/** Slack/Chatbot markup an event value must never turn into: broadcasts, mentions, links, channel refs. */
export const SLACK_CONTROL = /<[!@#]|<(?:https?|mailto|ftp|slack):|<[^<>]*\|[^<>]*>/i;
const ANSI = /\u001b|\u009b/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, out);
  return out;
}

const RENDER_OPTIONS = {
  region: 'eu-west-1',
  allowlistTable: 'vmsentry-allowlist',
  runbookUrl: 'https://runbooks.example.com/{ruleId}',
  nowMs: Date.UTC(2026, 10, 27, 12, 0, 0),
};

export const rendererTarget: FuzzTarget<{ text: string; host: string; unfiltered: boolean }> = {
  name: 'renderers:email+slack+chatbot+sns',
  arbitrary: fc.record({ text: hostileString, host: hostileString, unfiltered: fc.boolean() }),
  check({ text, host, unfiltered }) {
    const base = hostileAlert(text, { host: { hostname: host } });
    const alert = unfiltered ? { ...base, allowlist: 'unfiltered' as const } : base;
    const entry = toSnsPublishEntry(alert, RENDER_OPTIONS);
    expect(!/[\r\n]/.test(entry.Subject), `SNS subject has a line break: ${JSON.stringify(entry.Subject)}`);
    expect(
      /^[\x20-\x7e]{1,100}$/.test(entry.Subject),
      `SNS subject not printable ASCII <= 100: ${JSON.stringify(entry.Subject)}`,
    );
    for (const [name, attribute] of Object.entries(entry.MessageAttributes)) {
      expect(!/[\r\n]/.test(attribute.StringValue), `attribute ${name} has a line break`);
    }
    const bodies = JSON.parse(entry.Message) as { default: string; email: string; https: string };
    expect(!ANSI.test(bodies.email), 'e-mail body carries an ANSI escape');
    expect(!/\r/.test(bodies.email), 'e-mail body carries a CR');
    for (const line of bodies.email.split('\n')) {
      expect(
        !CONTROL_EXCEPT_NEWLINE.test(line),
        `e-mail line carries a control character: ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    const chatbot = JSON.parse(bodies.https) as unknown;
    for (const value of stringsOf(chatbot)) {
      expect(
        !SLACK_CONTROL.test(value),
        `chatbot text lets Slack markup through: ${JSON.stringify(value.slice(0, 120))}`,
      );
      expect(!ANSI.test(value), 'chatbot text carries an ANSI escape');
    }
    const published = toPublishedAlert(
      alert,
      RENDER_OPTIONS,
      CONTENT_LEVELS[0] as (typeof CONTENT_LEVELS)[number],
      RENDER_OPTIONS.nowMs,
    );
    const subject = alertSubject(published);
    expect(/^[\x20-\x7e]{1,100}$/.test(subject), `alertSubject not printable ASCII <= 100: ${JSON.stringify(subject)}`);
    const email = renderEmail(published, CONTENT_LEVELS[0] as (typeof CONTENT_LEVELS)[number]);
    expect(!ANSI.test(email) && !/\r/.test(email), 'renderEmail carries ANSI/CR');
    const slack = renderSlack(published);
    const slackTexts = [slack.text, ...stringsOf(slack.blocks.map((block) => ({ ...block, url: undefined })))];
    for (const value of slackTexts) {
      expect(!SLACK_CONTROL.test(value), `Slack text lets markup through: ${JSON.stringify(value.slice(0, 120))}`);
      expect(!ANSI.test(value), 'Slack text carries an ANSI escape');
    }
    // Every button URL is one the renderer built (console or runbook), never event text.
    for (const block of slack.blocks) {
      if (block.type !== 'actions') continue;
      for (const element of block.elements) {
        expect(
          /^https:\/\/(?:[a-z0-9-]+\.)*(?:aws\.amazon\.com|amazonaws\.cn|example\.com)\//.test(element.url),
          `button URL ${element.url}`,
        );
      }
    }
    renderChatbot(published);
  },
};

/** Every target, in the order the runner reports them. */
export const ALL_TARGETS: readonly FuzzTarget<never>[] = [
  cloudWatchTarget,
  sqsTarget,
  objectTarget,
  textTarget,
  ...parserTargets,
  sigmaTarget,
  rendererTarget,
] as unknown as readonly FuzzTarget<never>[];

/** The property for fast-check: the target's check, then the prototype check. */
export function propertyOf<T>(target: FuzzTarget<T>): fc.IProperty<[T]> {
  return fc.property(target.arbitrary, (input) => {
    target.check(input);
    assertPrototypesClean();
  });
}
