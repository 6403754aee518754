import fc from 'fast-check';
import { stringify } from 'yaml';
import type { AlertPublisher } from '../../lib/alerts/publisher';
import { StaticAllowlistStore } from '../../lib/allowlist/store';
import { MemoryDedupStore } from '../../lib/dedup/memory-store';
import type { Alert, Detection, NormalizedEvent, RuleMetadata } from '../../lib/model';
import { runPipeline } from '../../lib/pipeline';
import {
  type CompiledCorrelation,
  type CorrelationHit,
  type CorrelationStore,
  Correlator,
  compileRuleFile,
  correlationOnlyRuleIds,
  InMemoryCorrelationStore,
} from '../../lib/rules';
import { makeEvent } from './helpers';

function meta(id: string, title: string): RuleMetadata {
  return {
    id,
    title,
    description: '',
    severity: 'low',
    techniques: [],
    tags: [],
    references: [],
    falsepositives: [],
    dedupFields: [],
  };
}

const DRIVER = meta('rule-driver', 'VirtualBox driver installed');
const HEADLESS = meta('rule-headless', 'Headless VM start');

let correlationCount = 0;

function correlation(section: Record<string, unknown>, level = 'high'): CompiledCorrelation {
  const [result] = compileRuleFile(
    stringify({ title: 'Correlated', id: `corr-${correlationCount++}`, level, correlation: section }),
    'c.yml',
  );
  if (!result?.ok || !('correlation' in result)) throw new Error(`bad correlation: ${JSON.stringify(result)}`);
  return result.correlation;
}

const TEMPORAL = { type: 'temporal', rules: ['rule-driver', 'rule-headless'], 'group-by': ['Host'], timespan: '10m' };
const COUNT = {
  type: 'event_count',
  rules: ['rule-headless'],
  'group-by': ['Host'],
  timespan: '5m',
  condition: { gte: 3 },
};

function at(
  minute: number,
  host = 'ws01',
  recordId?: string,
  command = 'VBoxManage startvm w --type headless',
): NormalizedEvent {
  const time = new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();
  return makeEvent({
    time,
    host: { hostname: host },
    fields: { CommandLine: command },
    ...(recordId ? { recordId } : {}),
  });
}

function hit(rule: RuleMetadata, event: NormalizedEvent): Detection {
  return { rule, severity: rule.severity, event };
}

describe('Correlator', () => {
  describe('temporal', () => {
    it('raises when every referenced rule matched on the host within the timespan', async () => {
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      const driver = at(0, 'ws01', 'r1', 'sc create VBoxDrv');
      const start = at(7, 'ws01', 'r2');
      const raised = await correlator.process([hit(DRIVER, driver), hit(HEADLESS, start)]);
      expect(raised).toHaveLength(1);
      const [detection] = raised;
      expect(detection?.rule.title).toBe('Correlated');
      expect(detection?.severity).toBe('high');
      expect(detection?.event).toBe(start);
      expect(detection?.related).toEqual([driver, start]);
      expect(detection?.context).toEqual([
        "correlated with 'VirtualBox driver installed: sc create VBoxDrv' (7 min earlier)",
      ]);
    });

    it('stays silent when the hits are further apart than the timespan', async () => {
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      expect(await correlator.process([hit(DRIVER, at(0, 'ws01', 'r1')), hit(HEADLESS, at(11, 'ws01', 'r2'))])).toEqual(
        [],
      );
    });

    it('stays silent when only one of the rules matched', async () => {
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      expect(await correlator.process([hit(HEADLESS, at(0, 'ws01', 'a')), hit(HEADLESS, at(1, 'ws01', 'b'))])).toEqual(
        [],
      );
    });

    it('keeps hosts apart', async () => {
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      expect(await correlator.process([hit(DRIVER, at(0, 'ws01', 'r1')), hit(HEADLESS, at(1, 'ws02', 'r2'))])).toEqual(
        [],
      );
    });

    it('temporal_ordered needs the declared order', async () => {
      const ordered = correlation({ ...TEMPORAL, type: 'temporal_ordered' });
      const wrongOrder = new Correlator([ordered], new InMemoryCorrelationStore());
      expect(await wrongOrder.process([hit(HEADLESS, at(0, 'ws01', 'a')), hit(DRIVER, at(2, 'ws01', 'b'))])).toEqual(
        [],
      );
      const rightOrder = new Correlator([ordered], new InMemoryCorrelationStore());
      expect(
        await rightOrder.process([hit(DRIVER, at(0, 'ws01', 'a')), hit(HEADLESS, at(2, 'ws01', 'b'))]),
      ).toHaveLength(1);
    });
  });

  describe('event_count', () => {
    it('raises once the count is reached within the timespan, per host', async () => {
      const correlator = new Correlator([correlation(COUNT, 'critical')], new InMemoryCorrelationStore());
      const batch = [hit(HEADLESS, at(0, 'a', '1')), hit(HEADLESS, at(1, 'a', '2')), hit(HEADLESS, at(1, 'b', '3'))];
      expect(await correlator.process(batch)).toEqual([]);
      const raised = await correlator.process([hit(HEADLESS, at(3, 'a', '4'))]);
      expect(raised).toHaveLength(1);
      expect(raised[0]?.severity).toBe('critical');
      expect(raised[0]?.context).toHaveLength(2);
      expect(raised[0]?.related).toHaveLength(1);
    });

    it('does not count hits outside the timespan', async () => {
      const correlator = new Correlator([correlation(COUNT)], new InMemoryCorrelationStore());
      const raised = await correlator.process([
        hit(HEADLESS, at(0, 'a', '1')),
        hit(HEADLESS, at(6, 'a', '2')),
        hit(HEADLESS, at(12, 'a', '3')),
      ]);
      expect(raised).toEqual([]);
    });

    it('ignores detections of rules it does not reference', async () => {
      const correlator = new Correlator([correlation(COUNT)], new InMemoryCorrelationStore());
      const raised = await correlator.process([0, 1, 2].map((m) => hit(DRIVER, at(m, 'a', `d${m}`))));
      expect(raised).toEqual([]);
    });
  });

  describe('idempotency and shared state', () => {
    it('raises again, on the same event, when the same batch is fed again (a retry after a failed publish)', async () => {
      // Raising must not depend on the hits being new to the store: the first attempt stored them, then its publish
      // failed. Dedup (same rule, host and event) drops the double when the first attempt did get through.
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      const batch = [hit(DRIVER, at(0, 'ws01', 'r1')), hit(HEADLESS, at(2, 'ws01', 'r2'))];
      const first = await correlator.process(batch);
      const retry = await correlator.process(batch);
      expect(first).toHaveLength(1);
      expect(retry).toHaveLength(1);
      expect(retry[0]?.event).toBe(first[0]?.event);
      expect(retry[0]?.context).toEqual(first[0]?.context);
    });

    it('raises nothing for a batch whose hits complete no window, even when older stored hits did', async () => {
      const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
      await correlator.process([hit(DRIVER, at(0, 'ws01', 'r1')), hit(HEADLESS, at(2, 'ws01', 'r2'))]);
      expect(await correlator.process([hit(HEADLESS, at(30, 'ws01', 'r3'))])).toEqual([]);
    });

    it('does not count a re-fed event twice', async () => {
      const correlator = new Correlator([correlation(COUNT)], new InMemoryCorrelationStore());
      const same = hit(HEADLESS, at(0, 'a', 'same'));
      await correlator.process([same]);
      await correlator.process([same]);
      expect(await correlator.process([same, hit(HEADLESS, at(1, 'a', 'other'))])).toEqual([]);
    });

    it('correlates across two Correlator instances sharing one store (two Lambda invocations)', async () => {
      const store = new InMemoryCorrelationStore();
      const rules = [correlation(TEMPORAL)];
      const first = new Correlator(rules, store);
      const second = new Correlator(rules, store);
      expect(await first.process([hit(DRIVER, at(0, 'ws01', 'r1', 'sc create VBoxDrv'))])).toEqual([]);
      const raised = await second.process([hit(HEADLESS, at(4, 'ws01', 'r2'))]);
      expect(raised).toHaveLength(1);
      expect(raised[0]?.related).toHaveLength(1);
      expect(raised[0]?.context?.[0]).toMatch(/VirtualBox driver installed.*4 min earlier/);
    });

    it('writes only new hits to the store, keyed by rule and event', async () => {
      const appended: CorrelationHit[][] = [];
      const inner = new InMemoryCorrelationStore();
      const recording: CorrelationStore = {
        append: (id, group, hits, ttl) => {
          appended.push([...hits]);
          return inner.append(id, group, hits, ttl);
        },
        since: (id, group, sinceMs) => inner.since(id, group, sinceMs),
      };
      const correlator = new Correlator([correlation(TEMPORAL)], recording);
      const event = at(0, 'ws01', 'r1');
      await correlator.process([hit(DRIVER, event), hit(HEADLESS, event)]);
      await correlator.process([hit(DRIVER, event)]);
      expect(appended).toHaveLength(1);
      expect(appended[0]?.map((h) => h.ruleId).sort()).toEqual(['rule-driver', 'rule-headless']);
    });
  });

  describe('under retry, through the pipeline', () => {
    it('publishes the correlation alert exactly once overall when the first publish fails and the batch is retried', async () => {
      const burst = correlation(COUNT, 'critical');
      const store = new InMemoryCorrelationStore();
      const delivered: Alert[] = [];
      let failNext = true;
      const publisher: AlertPublisher = {
        publish: async (alerts) => {
          if (failNext) {
            failNext = false;
            throw new Error('SNS is down');
          }
          delivered.push(...alerts);
          return { published: alerts.map((alert) => alert.id), failed: [] };
        },
      };
      const events = [0, 1, 2].map((minute) => at(minute, 'ws01', `burst-${minute}`));
      const batch = {
        events,
        errors: [],
        records: events.length,
        eventsByFormat: {},
        errorsByFormat: {},
        unknown: 0,
      };
      const deps = {
        ruleSet: { match: (event: NormalizedEvent) => [hit(HEADLESS, event)] },
        correlationOnly: new Set(['rule-headless']),
        allowlist: new StaticAllowlistStore([]),
        dedup: new MemoryDedupStore(),
        publisher,
        clock: () => Date.UTC(2026, 10, 27, 10, 5),
        config: { dedupWindowSeconds: 3600, minSeverity: 'low' as const },
      };
      // A fresh Correlator per attempt: the retry may run in a new execution environment; only the store persists.
      await expect(runPipeline(batch, { ...deps, correlator: new Correlator([burst], store) })).rejects.toThrow();
      await runPipeline(batch, { ...deps, correlator: new Correlator([burst], store) });
      await runPipeline(batch, { ...deps, correlator: new Correlator([burst], store) });
      expect(delivered.map((alert) => alert.ruleId)).toEqual([burst.metadata.id]);
      expect(delivered[0]?.severity).toBe('critical');
    });
  });

  describe('state calls', () => {
    it('reads and writes the state of different groups concurrently, at most `concurrency` at once', async () => {
      const inner = new InMemoryCorrelationStore();
      let inFlight = 0;
      let most = 0;
      const slow: CorrelationStore = {
        append: (id, group, hits, ttl) => inner.append(id, group, hits, ttl),
        since: async (id, group, sinceMs) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
          return inner.since(id, group, sinceMs);
        },
      };
      const correlator = new Correlator([correlation(COUNT)], slow, { concurrency: 3 });
      const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      await correlator.process(hosts.map((host, i) => hit(HEADLESS, at(0, host, `h${i}`))));
      expect(most).toBe(3);
    });

    it('fails the batch when the state of any group cannot be read (the invocation is retried)', async () => {
      const broken: CorrelationStore = {
        append: async () => {},
        since: async (_id, group) => {
          if (group === 'b') throw new Error('throttled');
          return [];
        },
      };
      const correlator = new Correlator([correlation(COUNT)], broken);
      await expect(
        correlator.process([hit(HEADLESS, at(0, 'a', '1')), hit(HEADLESS, at(0, 'b', '2'))]),
      ).rejects.toThrow('throttled');
    });

    it('stores bounded event keys: a 450 KB host name does not reach the store', async () => {
      const appended: CorrelationHit[] = [];
      const inner = new InMemoryCorrelationStore();
      const recording: CorrelationStore = {
        append: (id, group, hits, ttl) => {
          appended.push(...hits);
          return inner.append(id, group, hits, ttl);
        },
        since: (id, group, sinceMs) => inner.since(id, group, sinceMs),
      };
      const huge = 'h'.repeat(450_000);
      const correlator = new Correlator([correlation(COUNT)], recording);
      const raised = await correlator.process([0, 1, 2].map((m) => hit(HEADLESS, at(m, huge, `x${m}`))));
      expect(raised).toHaveLength(1);
      expect(appended).toHaveLength(3);
      for (const stored of appended) expect(JSON.stringify(stored).length).toBeLessThan(1024);
    });
  });

  describe('windows (property)', () => {
    const minutesArb = fc.array(fc.record({ minute: fc.integer({ min: 0, max: 40 }), driver: fc.boolean() }), {
      minLength: 1,
      maxLength: 12,
    });

    it('event_count raises exactly when some 5-minute window holds 3 hits', async () => {
      await fc.assert(
        fc.asyncProperty(minutesArb, async (hits) => {
          const correlator = new Correlator([correlation(COUNT)], new InMemoryCorrelationStore());
          const batch = hits.map((h, i) => hit(HEADLESS, at(h.minute, 'a', `e${i}`)));
          const times = hits.map((h) => h.minute).sort((x, y) => x - y);
          const expected = times.some((start) => times.filter((t) => t >= start && t <= start + 5).length >= 3);
          expect((await correlator.process(batch)).length).toBe(expected ? 1 : 0);
        }),
        { numRuns: 100 },
      );
    });

    it('temporal raises exactly when both rules fall in one 10-minute window', async () => {
      await fc.assert(
        fc.asyncProperty(minutesArb, async (hits) => {
          const correlator = new Correlator([correlation(TEMPORAL)], new InMemoryCorrelationStore());
          const batch = hits.map((h, i) => hit(h.driver ? DRIVER : HEADLESS, at(h.minute, 'a', `e${i}`)));
          const expected = hits.some(
            (x) => x.driver && hits.some((y) => !y.driver && Math.abs(x.minute - y.minute) <= 10),
          );
          expect((await correlator.process(batch)).length).toBe(expected ? 1 : 0);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('correlation rule loading', () => {
    it.each([
      [{ ...COUNT, type: 'value_count' }, /value_count/],
      [{ ...COUNT, condition: { lt: 3 } }, /lower bound/],
      [{ ...COUNT, condition: undefined }, /condition must be a map/],
      [{ ...COUNT, timespan: 'later' }, /timespan is required/],
      [{ ...COUNT, rules: [] }, /must list rule ids/],
      [{ ...TEMPORAL, rules: ['only-one'] }, /at least two rules/],
      [{ ...TEMPORAL, aliases: { ip: {} } }, /unsupported keys: aliases/],
    ])('rejects %p', (section, reason) => {
      const [result] = compileRuleFile(
        stringify({ title: 't', id: 'c', level: 'high', correlation: section }),
        'c.yml',
      );
      expect(result?.ok).toBe(false);
      if (result && !result.ok) expect(result.error.reason).toMatch(reason);
    });

    it('reports which referenced rules only feed correlations (generate: false)', () => {
      const quiet = correlation(COUNT);
      const loud = correlation({ ...TEMPORAL, generate: true });
      expect([...correlationOnlyRuleIds([quiet])]).toEqual(['rule-headless']);
      expect([...correlationOnlyRuleIds([quiet, loud])]).toEqual([]);
    });
  });
});
