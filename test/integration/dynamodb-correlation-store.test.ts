import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCorrelationStore } from '../../lib/adapters/dynamodb-correlation-store';
import type { RuleMetadata } from '../../lib/model';
import { Correlator, compileRuleFile } from '../../lib/rules';
import { makeEvent } from '../rules/helpers';
import { type Dynalite, startDynalite } from '../support/dynalite';

const TABLES = { allowlist: 'allowlist', state: 'state' };
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('DynamoDbCorrelationStore (dynalite)', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTables(TABLES);
  });

  afterAll(async () => {
    await db.stop();
  });

  it('returns the hits of a group since a time, oldest first', async () => {
    const store = new DynamoDbCorrelationStore(db.doc, TABLES.state);
    await store.append(
      'corr-1',
      'ws01',
      [
        { ruleId: 'b', timeMs: T0 + 2000, eventKey: 'e2' },
        { ruleId: 'a', timeMs: T0, eventKey: 'e1', summary: 'first' },
        { ruleId: 'c', timeMs: T0 + 5000, eventKey: 'e3' },
      ],
      600,
    );
    await store.append('corr-1', 'ws02', [{ ruleId: 'a', timeMs: T0, eventKey: 'x' }], 600);
    expect(await store.since('corr-1', 'ws01', T0 + 1000)).toEqual([
      { ruleId: 'b', timeMs: T0 + 2000, eventKey: 'e2' },
      { ruleId: 'c', timeMs: T0 + 5000, eventKey: 'e3' },
    ]);
    expect((await store.since('corr-1', 'ws01', 0))[0]).toEqual({
      ruleId: 'a',
      timeMs: T0,
      eventKey: 'e1',
      summary: 'first',
    });
    expect(await store.since('corr-2', 'ws01', 0)).toEqual([]);
  });

  it('is idempotent per event: appending the same hits again stores nothing new', async () => {
    const store = new DynamoDbCorrelationStore(db.doc, TABLES.state);
    const hits = Array.from({ length: 30 }, (_, i) => ({ ruleId: 'r', timeMs: T0 + i, eventKey: `k${i}` }));
    await store.append('corr-3', 'g', hits, 60);
    await store.append('corr-3', 'g', [...hits, hits[0] as (typeof hits)[number]], 60);
    expect(await store.since('corr-3', 'g', 0)).toHaveLength(30);
  });

  it('sets a ttl past the event time and hashes very long group keys', async () => {
    const store = new DynamoDbCorrelationStore(db.doc, TABLES.state);
    const group = 'x'.repeat(5000);
    await store.append('corr-4', group, [{ ruleId: 'r', timeMs: T0, eventKey: 'k' }], 900);
    expect(await store.since('corr-4', group, 0)).toHaveLength(1);
    const items = await db.doc.send(
      new QueryCommand({
        TableName: TABLES.state,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `corr#corr-1#ws01` },
      }),
    );
    expect(items.Items?.[0]?.['ttl']).toBe(T0 / 1000 + 600);
  });

  it('keeps items under the 400 KB item limit when a matching event carries a ~450 KB host name', async () => {
    const [compiled] = compileRuleFile(
      'title: Burst\nid: corr-huge\nlevel: critical\ncorrelation:\n  type: event_count\n  rules: [rule-start]\n' +
        '  group-by: [Host]\n  timespan: 15m\n  condition:\n    gte: 3\n',
      'c.yml',
    );
    if (!compiled?.ok || !('correlation' in compiled)) throw new Error('bad correlation');
    const rule: RuleMetadata = {
      id: 'rule-start',
      title: 'VM start',
      description: '',
      severity: 'high',
      techniques: [],
      tags: [],
      references: [],
      falsepositives: [],
      dedupFields: [],
    };
    const host = { hostname: `${'h'.repeat(450_000)}.corp.example` };
    const detections = [0, 1, 2].map((minute) => ({
      rule,
      severity: rule.severity,
      event: makeEvent({
        host,
        recordId: `r${minute}`,
        time: new Date(T0 + minute * 60_000).toISOString(),
        fields: { CommandLine: 'VBoxManage startvm x' },
      }),
    }));
    const correlator = new Correlator([compiled.correlation], new DynamoDbCorrelationStore(db.doc, TABLES.state));
    expect(await correlator.process(detections)).toHaveLength(1);
  });
});
