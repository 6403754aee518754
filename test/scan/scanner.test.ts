import { Correlator, InMemoryCorrelationStore, RuleSet } from '../../lib/rules';
import { emptySummary, SCAN_DEDUP_WINDOW_SECONDS, Scanner } from '../../lib/scan';
import { SETTING_BOUNDS } from '../../lib/settings';
import type { ParsedBatch } from '../../lib/sources';
import { correlationsFrom, entry, HEADLESS_RULE, INFO_RULE, processEvent, ruleFrom } from './helpers';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const headless = ruleFrom(HEADLESS_RULE);
const info = ruleFrom(INFO_RULE);

function batchOf(events: ParsedBatch['events'], extra: Partial<ParsedBatch> = {}): ParsedBatch {
  return {
    events,
    errors: [],
    records: events.length,
    eventsByFormat: { 'sysmon-windows': events.length },
    errorsByFormat: {},
    unknown: 0,
    ...extra,
  };
}

const START = { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage startvm kali --type headless' };
const LIST = { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage list vms' };

describe('Scanner', () => {
  it("uses the pipeline's default dedup window", () => {
    expect(SCAN_DEDUP_WINDOW_SECONDS).toBe(SETTING_BOUNDS.dedupWindowSeconds.fallback);
  });

  it('prints one record per detection with rule, severity, technique, host and input position', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless]), minSeverity: 'low', nowMs: NOW });
    const [record, ...rest] = await scanner.scan(batchOf([processEvent(START, { line: 7 })]));
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({
      ruleId: '11111111-1111-4111-8111-111111111111',
      title: 'Test VBoxManage Headless Start',
      severity: 'critical',
      technique: ['T1564.006'],
      host: 'ws-01.corp.example.com',
      context: ['started headless'],
      event: { provenance: { format: 'sysmon-windows' } },
      input: { envelope: 'file', file: 'events.jsonl', line: 7, index: 6 },
    });
    expect(record?.input).not.toHaveProperty('format');
  });

  it('prints the published alert schema (vmsentry.alert.v1): id, dedup and the suppression that would silence it', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless]), minSeverity: 'low', nowMs: NOW });
    const [first] = await scanner.scan(batchOf([processEvent(START, { line: 1 })]));
    expect(first).toMatchObject({
      schema: 'vmsentry.alert.v1',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      dedup: { count: 1, windowSeconds: SCAN_DEDUP_WINDOW_SECONDS },
      allowlist: 'checked',
      suppression: { entry: { host: 'ws-01.corp.example.com', rule: '11111111-1111-4111-8111-111111111111' } },
    });
  });

  it("gives repeats of a dedup window the window's id and a growing count, and a later window a new id", async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless]), minSeverity: 'low', nowMs: NOW });
    const [a] = await scanner.scan(batchOf([processEvent(START, { line: 1 })]));
    const [b] = await scanner.scan(batchOf([processEvent(START, { line: 2 })]));
    expect(b?.id).toBe(a?.id);
    expect([a?.dedup.count, b?.dedup.count]).toEqual([1, 2]);
    const short = new Scanner({
      ruleSet: RuleSet.from([headless]),
      minSeverity: 'low',
      nowMs: NOW,
      dedupWindowSeconds: 1,
    });
    const t0 = Date.parse('2026-11-27T10:00:00Z');
    const [c] = await short.scan(batchOf([processEvent(START, { line: 1, timeMs: t0 })]));
    const [d] = await short.scan(batchOf([processEvent(START, { line: 2, timeMs: t0 + 2_000 })]));
    expect(c?.id).toBe(a?.id);
    expect(d?.id).not.toBe(c?.id);
    expect(d?.dedup).toMatchObject({ count: 1, firstSeen: '2026-11-27T10:00:02.000Z' });
  });

  it('prints nothing for events no rule matches', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless]), minSeverity: 'low', nowMs: NOW });
    expect(await scanner.scan(batchOf([processEvent(LIST)]))).toEqual([]);
    expect(scanner.summary()).toMatchObject({ events: 1, detections: 0, alerts: 0 });
  });

  it('drops detections below the minimum severity and counts them', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless, info]), minSeverity: 'low', nowMs: NOW });
    const records = await scanner.scan(batchOf([processEvent(START)]));
    expect(records.map((r) => r.ruleId)).toEqual(['11111111-1111-4111-8111-111111111111']);
    expect(scanner.summary()).toMatchObject({ detections: 2, belowMinSeverity: 1, alerts: 1 });
  });

  it('keeps informational detections when the minimum is informational', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless, info]), minSeverity: 'informational', nowMs: NOW });
    expect(await scanner.scan(batchOf([processEvent(START)]))).toHaveLength(2);
  });

  it('suppresses a detection an allowlist entry covers (host and rule) and counts it per entry host', async () => {
    const scanner = new Scanner({
      ruleSet: RuleSet.from([headless]),
      minSeverity: 'low',
      nowMs: NOW,
      allowlist: [entry({ host: 'ws-01', rule: 'attack.t1564.006' })],
    });
    const records = await scanner.scan(
      batchOf([processEvent(START, { host: 'WS-01.corp.example.com' }), processEvent(START, { host: 'WS-02' })]),
    );
    expect(records.map((r) => r.host)).toEqual(['ws-02']);
    expect(scanner.summary()).toMatchObject({ suppressed: 1, suppressedByHost: { 'ws-01': 1 }, alerts: 1 });
  });

  it('ignores an expired allowlist entry and counts it as expired', async () => {
    const scanner = new Scanner({
      ruleSet: RuleSet.from([headless]),
      minSeverity: 'low',
      nowMs: NOW,
      allowlist: [entry({ host: 'ws-01', rule: '*', broad: true, expiresAt: NOW / 1000 - 60 })],
    });
    expect(await scanner.scan(batchOf([processEvent(START)]))).toHaveLength(1);
    expect(scanner.summary()).toMatchObject({ suppressed: 0, expiredEntries: 1 });
  });

  it('applies an entry that expires after now', async () => {
    const scanner = new Scanner({
      ruleSet: RuleSet.from([headless]),
      minSeverity: 'low',
      nowMs: NOW,
      allowlist: [entry({ host: 'ws-01', rule: '*', broad: true, expiresAt: NOW / 1000 + 60 })],
    });
    expect(await scanner.scan(batchOf([processEvent(START)]))).toHaveLength(0);
  });

  it('adds correlation detections across batches, and leaves correlation-only rules out of the output', async () => {
    const [burst] = correlationsFrom(`
title: Two Starts
id: 33333333-3333-4333-8333-333333333333
level: critical
tags: [attack.t1564.006]
correlation:
  type: event_count
  rules: [11111111-1111-4111-8111-111111111111]
  group-by: [Host]
  timespan: 10m
  condition: { gte: 2 }
`);
    if (!burst) throw new Error('correlation did not compile');
    const scanner = new Scanner({
      ruleSet: RuleSet.from([headless]),
      correlator: new Correlator([burst], new InMemoryCorrelationStore()),
      correlationOnly: new Set([headless.metadata.id]),
      minSeverity: 'low',
      nowMs: NOW,
    });
    const t0 = Date.parse('2026-11-27T10:00:00Z');
    const first = await scanner.scan(batchOf([processEvent(START, { timeMs: t0 })]));
    const second = await scanner.scan(batchOf([processEvent(START, { timeMs: t0 + 60_000 })]));
    expect(first).toEqual([]);
    expect(second.map((r) => r.title)).toEqual(['Two Starts']);
    expect(scanner.summary()).toMatchObject({ correlationOnly: 2, alerts: 1 });
  });

  it('accumulates record, event and parse-error counts and keeps the first few errors', async () => {
    const scanner = new Scanner({ ruleSet: RuleSet.from([headless]), minSeverity: 'low', nowMs: NOW, keepErrors: 2 });
    const error = (line: number) => ({
      code: 'unknown-format' as const,
      format: 'unknown' as const,
      reason: 'no parser recognised the record',
      position: { envelope: 'file' as const, file: 'x.log', index: line - 1, line },
      excerpt: '',
    });
    await scanner.scan(
      batchOf([], { records: 3, errors: [error(1), error(2), error(3)], errorsByFormat: { unknown: 3 } }),
    );
    await scanner.scan(batchOf([processEvent(LIST)]));
    const summary = scanner.summary();
    expect(summary).toMatchObject({ records: 4, events: 1, parseErrors: 3, parseErrorsByFormat: { unknown: 3 } });
    expect(summary.firstErrors.map((e) => e.position.line)).toEqual([1, 2]);
  });

  it('starts from an empty summary', () => {
    expect(emptySummary()).toMatchObject({ records: 0, alerts: 0, suppressed: 0, alertsByRule: {} });
  });
});
