import path from 'node:path';
import { loadCorpus, mixedBatch } from '../../bench/corpus';
import { loadRules, withEnvelopeErrors } from '../../lambdas/runtime';
import type { AlertPublisher, PublishReport } from '../../lib/alerts/publisher';
import { StaticAllowlistStore } from '../../lib/allowlist/store';
import { MemoryDedupStore } from '../../lib/dedup/memory-store';
import type { Alert, ParseError } from '../../lib/model';
import { type PipelineDeps, type PipelineOutcome, runPipeline } from '../../lib/pipeline';
import { detectCloudWatchDelivery } from '../../lib/pipeline/detect-stream';
import { Correlator } from '../../lib/rules';
import { InMemoryCorrelationStore } from '../../lib/rules/memory-store';
import { decodeCloudWatchEvent, parseRecords } from '../../lib/sources';
import { SeededRandom } from '../../scripts/benign-telemetry/random';
import { sysmonActivityEvents } from '../../scripts/benign-telemetry/sysmon-activity';
import { sysmonProcessXml } from '../integration/fixtures/sysmon';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { eventXml } from '../support/windows-xml';

const NOW = Date.UTC(2026, 10, 27, 12, 30, 0);
const rules = loadRules(path.join(__dirname, '..', '..', 'rules'));
const LIMITS = { limits: { maxRecordBytes: 64 * 1024 } };

class Publisher implements AlertPublisher {
  readonly alerts: Alert[] = [];
  calls = 0;
  async publish(alerts: readonly Alert[]): Promise<PublishReport> {
    this.calls++;
    this.alerts.push(...alerts);
    return { published: alerts.map((alert) => alert.id), failed: [] };
  }
}

function deps(): { deps: PipelineDeps; publisher: Publisher } {
  const publisher = new Publisher();
  return {
    publisher,
    deps: {
      ruleSet: rules.ruleSet,
      correlator: new Correlator(rules.correlations, new InMemoryCorrelationStore()),
      correlationOnly: rules.correlationOnly,
      allowlist: new StaticAllowlistStore([]),
      dedup: new MemoryDedupStore(),
      publisher,
      clock: () => NOW,
      config: { dedupWindowSeconds: 3600, minSeverity: 'low' },
    },
  };
}

/** Today's path, kept as the reference: the payload decoded whole, every record parsed, then the pipeline. */
async function wholePath(event: unknown) {
  const decoded = decodeCloudWatchEvent(event, LIMITS);
  const { deps: pipelineDeps, publisher } = deps();
  if (!decoded.ok)
    return { outcome: await runPipeline(parseRecords([]), pipelineDeps), publisher, error: decoded.error };
  const batch = withEnvelopeErrors(parseRecords(decoded.records), decoded.errors);
  return { outcome: await runPipeline(batch, pipelineDeps), publisher };
}

/** The streamed path the subscription function takes. */
async function streamedPath(event: unknown) {
  const detected = detectCloudWatchDelivery(event, rules.ruleSet, LIMITS);
  const { deps: pipelineDeps, publisher } = deps();
  if (detected.kind !== 'detected') throw new Error(`expected records, got ${detected.kind}`);
  const batch = withEnvelopeErrors(detected.batch, detected.envelopeErrors);
  return { outcome: await runPipeline(batch, pipelineDeps), publisher };
}

function summary(outcome: PipelineOutcome, publisher: Publisher) {
  return {
    counts: outcome.counts,
    parseErrors: outcome.parseErrors.map((error: ParseError) => [error.code, error.format, error.position]),
    alerts: outcome.alerts.map((alert) => alert.id),
    publishCalls: publisher.calls,
  };
}

/** A delivery with benign telemetry of four formats, positives, garbage, an over-long and a message-less event. */
function mixedDelivery(): unknown {
  const corpus = loadCorpus(path.join(__dirname, 'no-such-corpus-dir'));
  const messages = mixedBatch(corpus, { events: 600, positiveShare: 0.05, seed: 17 }).messages;
  const extra = [
    'not a log line %%%',
    '{"half": ',
    `{"CommandLine":"${'x'.repeat(70 * 1024)}"}`,
    sysmonProcessXml({ computer: 'STREAM-EQ-01', timeMs: NOW - 60_000 }),
    sysmonProcessXml({ computer: 'STREAM-EQ-01', timeMs: NOW - 30_000, recordId: 2 }),
    // An application log event: parsed, but no rule of the pack looks at that channel (unrouted).
    eventXml({ provider: 'Application Error', eventId: 1000, channel: 'Application', unnamed: ['app.exe', '1.0'] }),
  ];
  const activity = sysmonActivityEvents(60, new SeededRandom(5)).map((record) => JSON.stringify(record));
  const payload = subscriptionPayload([...messages.slice(0, 300), ...extra, ...activity, ...messages.slice(300)]);
  return { ...payload, logEvents: [...payload.logEvents, { id: 'no-message', timestamp: NOW }] };
}

describe('parse and detect record by record (BatchDetector, streamed CloudWatch decode)', () => {
  it('gives the counts, parse errors and alerts of the whole decode for the same delivery', async () => {
    const event = subscriptionEvent(mixedDelivery());
    const whole = await wholePath(event);
    const streamed = await streamedPath(event);
    expect(summary(streamed.outcome, streamed.publisher)).toEqual(summary(whole.outcome, whole.publisher));
    // The delivery exercised every count: events of several formats, unrouted ones, parse and envelope errors,
    // detections grouped by dedup key.
    const { counts } = whole.outcome;
    expect(Object.keys(counts.eventsByFormat).length).toBeGreaterThanOrEqual(3);
    expect(counts.eventsUnrouted).toBeGreaterThan(0);
    expect(counts.parseErrors).toBeGreaterThanOrEqual(4);
    expect(counts.detections).toBeGreaterThan(10);
    expect(counts.deduplicated).toBeGreaterThan(0);
    expect(counts.published).toBeGreaterThan(0);
  });

  it('gives the same answer when the payload is off the streamed shape and is decoded whole', async () => {
    const payload = mixedDelivery() as Record<string, unknown>;
    const { logEvents, ...header } = payload;
    // Header after the log events: the streamed reader hands it to the whole decode.
    const reordered = subscriptionEvent({ logEvents, ...header });
    const whole = await wholePath(reordered);
    const streamed = await streamedPath(reordered);
    expect(summary(streamed.outcome, streamed.publisher)).toEqual(summary(whole.outcome, whole.publisher));
    expect(whole.outcome.counts.published).toBeGreaterThan(0);
  });

  it('keeps no event: the detected batch carries counts and detections only', () => {
    const detected = detectCloudWatchDelivery(subscriptionEvent(mixedDelivery()), rules.ruleSet, LIMITS);
    if (detected.kind !== 'detected') throw new Error(detected.kind);
    expect(detected.batch).not.toHaveProperty('events');
    expect(detected.batch.eventCount).toBeGreaterThan(500);
    expect(detected.batch.matched.length).toBeLessThan(detected.batch.eventCount / 5);
  });
});
