/**
 * Hostile input at alert-building time: one record that cannot be rendered, or a flood of forged host names, must
 * never withhold the other alerts of its batch. Sizes are chosen to finish in seconds; the properties are proven by
 * counting (messages sent, alerts rendered), never by wall time.
 */
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { toSnsPublishEntry } from '../../lib/alerts/sns-message';
import { StaticAllowlistStore } from '../../lib/allowlist/store';
import { MemoryDedupStore } from '../../lib/dedup/memory-store';
import type { Alert, NormalizedEvent } from '../../lib/model';
import { type DetectionMatcher, type PipelineDeps, runPipeline } from '../../lib/pipeline';
import { sysmonLinuxParser } from '../../lib/sources/linux/sysmon-linux';
import { detectionOf, VM_RULE, vmAlert, vmEvent } from '../alerts/fixtures';
import { fixtureLines, recordInput } from '../sources/linux/record-input';
import { parsedBatchOf } from '../support/parsed-batch';

const NOW = Date.UTC(2026, 10, 20, 14, 30, 0);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:vmsentry-alerts';
const sns = mockClient(SNSClient);

/** Every Publish and every PublishBatch entry succeeds; the messages are kept in order. */
function snsAcceptsAll(): { messages: { Subject?: string; Message?: string }[] } {
  const messages: { Subject?: string; Message?: string }[] = [];
  sns.on(PublishCommand).callsFake((input) => {
    messages.push(input);
    return { MessageId: 'm' };
  });
  sns.on(PublishBatchCommand).callsFake((input) => {
    messages.push(...input.PublishBatchRequestEntries);
    return {
      Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    };
  });
  return { messages };
}

/** The machine-readable body of a sent message. */
function bodyOf(message: { Message?: string }): Alert & { links: { logsInsights?: string } } {
  return JSON.parse(JSON.parse(message.Message ?? '{}').default);
}

function snsPublisher(): SnsAlertPublisher {
  return new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC, {
    region: 'eu-west-1',
    clock: () => NOW,
  });
}

/** The VM rule fires on every event: what is under test is what happens after detection. */
const everyEvent: DetectionMatcher = { match: (event) => [detectionOf(event)] };

function deps(overrides: Partial<PipelineDeps> = {}): PipelineDeps {
  return {
    ruleSet: everyEvent,
    allowlist: new StaticAllowlistStore([]),
    dedup: new MemoryDedupStore(),
    publisher: snsPublisher(),
    clock: () => NOW,
    config: { dedupWindowSeconds: 3600, minSeverity: 'low' },
    ...overrides,
  };
}

const batchOf = parsedBatchOf;

/** The fixture event on another host, in its own log stream. */
function onHost(hostname: string, overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const base = vmEvent();
  return {
    ...base,
    host: { hostname, logStream: `stream-${hostname}` },
    provenance: { ...base.provenance, logStream: `stream-${hostname}` },
    ...overrides,
  };
}

/** `{"a":{"a":...}}` nested `depth` deep, built without recursion (as JSON.parse builds it from a log line). */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'bottom' };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

beforeEach(() => sns.reset());

describe('hostile records at alert-building time', () => {
  describe('a raw record nested 100,000 deep', () => {
    const deep = onHost('deep-host', { raw: nested(100_000) });

    it('renders as an SNS message that keeps the alert and cuts the raw record visibly', () => {
      const entry = toSnsPublishEntry(vmAlert(deep), { nowMs: NOW });
      const body = bodyOf(entry);
      expect(body.host).toBe('deep-host');
      expect(JSON.stringify(body.event.raw)).toContain('_truncated');
      expect((body as unknown as { truncated: string[] }).truncated).toContain('event.raw');
    });

    it('does not withhold the alert of another host in the same batch', async () => {
      const { messages } = snsAcceptsAll();
      const outcome = await runPipeline(batchOf([deep, onHost('good-host')]), deps());
      expect(messages.map((m) => bodyOf(m).host).sort()).toEqual(['deep-host', 'good-host']);
      expect(outcome.counts.published).toBe(2);
    });
  });

  describe('a raw record the JSON serializer refuses (a BigInt from a buggy parser)', () => {
    it('is published with the raw record replaced, beside the good alert', async () => {
      const { messages } = snsAcceptsAll();
      const odd = onHost('odd-host', { raw: { big: BigInt(1) as unknown } });
      await runPipeline(batchOf([odd, onHost('good-host')]), deps());
      expect(messages.map((m) => bodyOf(m).host).sort()).toEqual(['good-host', 'odd-host']);
    });
  });

  describe('event times at and beyond the edge of what a Date can hold', () => {
    const MAX_DATE_MS = 8.64e15; // +275760-09-13T00:00:00.000Z

    it.each([
      ['year +275760 (the last representable instant)', MAX_DATE_MS],
      ['year -271821 (the first representable instant)', -MAX_DATE_MS],
      ['beyond the representable range', MAX_DATE_MS * 10],
      ['not a number', Number.NaN],
    ])('an event timed %s is published beside the good alert and says its time was out of range', async (_, timeMs) => {
      const { messages } = snsAcceptsAll();
      const odd = onHost('odd-host', { timeMs, time: 'garbage' });
      const outcome = await runPipeline(batchOf([odd, onHost('good-host')]), deps());
      const bodies = messages.map(bodyOf);
      expect(bodies.map((b) => b.host).sort()).toEqual(['good-host', 'odd-host']);
      expect(outcome.counts.published).toBe(2);
      const oddBody = bodies.find((b) => b.host === 'odd-host');
      expect(oddBody?.context.join('\n')).toMatch(/event time .*out of range/i);
    });

    it('a forged Sysmon-for-Linux line timed +275760-09-13 keeps its event, timed by its delivery instead', () => {
      const line = fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!
        .replace(/SystemTime="[^"]*"/, 'SystemTime="+275760-09-13T00:00:00.000Z"')
        .replace(/<Data Name="UtcTime">[^<]*</, '<Data Name="UtcTime">+275760-09-13 00:00:00.000<');
      const outcome = sysmonLinuxParser.create().parse(recordInput(line, 0, {}, NOW));
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.events[0]?.timeMs).toBe(NOW);
      expect(outcome.events[0]?.time).toBe(new Date(NOW).toISOString());
    });
  });

  describe('an alert whose rendering still throws (a defect we have not met yet)', () => {
    it('goes out as a minimal alert that names the detection and the reason; the others are unaffected', async () => {
      const { messages } = snsAcceptsAll();
      const poisoned = vmAlert(onHost('poisoned-host'));
      // A getter that throws stands for any renderer defect: the publisher must not lose the detection.
      Object.defineProperty(poisoned.event, 'fields', {
        get() {
          throw new RangeError('renderer defect');
        },
      });
      const report = await snsPublisher().publish([vmAlert(onHost('a')), poisoned, vmAlert(onHost('b'))]);
      expect(report.failed).toEqual([]);
      expect(report.published).toHaveLength(3);
      const bodies = messages.map(bodyOf);
      expect(bodies.map((b) => b.host)).toEqual(['a', 'poisoned-host', 'b']);
      expect(bodies[1]?.ruleId).toBe(VM_RULE.id);
      expect(bodies[1]?.context.join('\n')).toContain('renderer defect');
    });
  });
});

describe('an alert flood: 5,000 forged host names from one source in one batch', () => {
  const FLOOD = 5_000;
  const flood = Array.from({ length: FLOOD }, (_, i) => {
    const event = vmEvent();
    return {
      ...event,
      host: { hostname: `forged-${i}.example`, logStream: 'i-0attacker00000000' },
      provenance: { ...event.provenance, index: i, eventId: `e${i}`, logStream: 'i-0attacker00000000' },
    };
  });
  const real = onHost('real-host.corp.example.com');

  it('sends the real host its own alert and the flood as one alert naming the count, the source and sample hosts', async () => {
    const { messages } = snsAcceptsAll();
    const dedup = new MemoryDedupStore();
    const lookedUp: string[] = [];
    const allowlist = {
      async entriesFor(keys: readonly string[]) {
        lookedUp.push(...keys);
        return [];
      },
    };
    const outcome = await runPipeline(batchOf([...flood, real]), deps({ dedup, allowlist }));
    const bodies = messages.map(bodyOf);
    expect(bodies).toHaveLength(2);
    expect(bodies.map((b) => b.host)).toContain('real-host.corp.example.com');
    const floodAlert = bodies.find((b) => b.host !== 'real-host.corp.example.com');
    expect(floodAlert?.title).toMatch(/^Alert flood/);
    expect(floodAlert?.host).toBe('i-0attacker00000000');
    const context = floodAlert?.context.join('\n') ?? '';
    expect(context).toContain(`${FLOOD} detections`);
    expect(context).toContain(`${FLOOD} distinct hosts`);
    expect(context).toContain('forged-0.example');
    // No silent loss: every flooded detection is accounted for in the counts.
    expect(outcome.counts).toMatchObject({ floods: 1, floodCollapsed: FLOOD, published: 2 });
    // Work per flood, not per forged host: two dedup keys claimed, the allowlist read for two hosts' keys only.
    expect(dedup.records.size).toBe(2);
    expect(lookedUp.some((key) => key.startsWith('forged-'))).toBe(false);
    expect(lookedUp.length).toBeLessThanOrEqual(4);
  });

  it('is retried as the same flood alert (same id), so a retry is deduplicated', async () => {
    snsAcceptsAll();
    const dedup = new MemoryDedupStore();
    const first = await runPipeline(batchOf([...flood, real]), deps({ dedup }));
    const again = await runPipeline(batchOf([...flood, real]), deps({ dedup }));
    expect(first.alerts).toHaveLength(2);
    expect(again.alerts).toHaveLength(0);
  });

  it('leaves a batch just at the threshold alone: each host gets its own alert', async () => {
    const { messages } = snsAcceptsAll();
    const outcome = await runPipeline(
      batchOf(flood.slice(0, 3)),
      deps({ config: { ...deps().config, alertFloodThreshold: 3 } }),
    );
    expect(messages).toHaveLength(3);
    expect(outcome.counts.floods).toBe(0);
  });

  it('hands the publisher bounded chunks of alerts when many real hosts alert at once', async () => {
    const sizes: number[] = [];
    const hosts = Array.from({ length: 120 }, (_, i) => onHost(`host-${i}`));
    await runPipeline(
      batchOf(hosts),
      deps({
        publisher: {
          async publish(alerts) {
            sizes.push(alerts.length);
            return { published: alerts.map((a) => a.id), failed: [] };
          },
        },
      }),
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
  });

  it('renders each SNS batch just before sending it, never the whole list first', async () => {
    let sends = 0;
    const renderedAfterSends: number[] = [];
    sns.on(PublishBatchCommand).callsFake((input) => {
      sends += 1;
      return {
        Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: 'm' })),
        Failed: [],
      };
    });
    const alerts = Array.from({ length: 30 }, (_, i) => {
      const alert = { ...vmAlert(onHost(`h-${i}`)), id: `id-${i}` };
      const title = alert.title;
      Object.defineProperty(alert, 'title', {
        enumerable: true,
        get() {
          renderedAfterSends[i] ??= sends;
          return title;
        },
      });
      return alert as Alert;
    });
    await snsPublisher().publish(alerts);
    expect(renderedAfterSends[0]).toBe(0);
    expect(renderedAfterSends[29]).toBe(2);
  });
});
