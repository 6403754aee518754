import fc from 'fast-check';
import { ConfigError, loadConfig, parseConfig } from '../lib/config';
import { deliveryTimings, SETTING_BOUNDS } from '../lib/settings';

const BASE = {
  ALLOWLIST_TABLE: 'vmsentry-allowlist',
  STATE_TABLE: 'vmsentry-state',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:vmsentry-alerts',
};

describe('parseConfig', () => {
  it('applies defaults when only the required variables are set', () => {
    const result = parseConfig(BASE);
    expect(result).toEqual({
      ok: true,
      config: {
        allowlistTable: 'vmsentry-allowlist',
        stateTable: 'vmsentry-state',
        alertTopicArn: BASE.ALERT_TOPIC_ARN,
        dedupWindowSeconds: 3600,
        allowlistCacheSeconds: 60,
        claimLeaseSeconds: 30,
        alertFloodThreshold: 50,
        minSeverity: 'low',
        sourceHints: [],
        maxDecompressedBytes: 64 * 1024 * 1024,
        // No cap by default: objects are streamed with bounded memory (docs/benchmarks.md, Memory).
        maxObjectBytes: 5 * 1024 ** 4,
      },
    });
  });

  it('reads every optional variable', () => {
    const result = parseConfig({
      ...BASE,
      DEDUP_WINDOW_SECONDS: '600',
      ALLOWLIST_CACHE_SECONDS: '5',
      MIN_SEVERITY: 'HIGH',
      SOURCE_HINTS: '[{"prefix":"/windows/sysmon","format":"sysmon-windows"}]',
      LOGS_INSIGHTS_REGION: 'eu-west-1',
      RULES_DIR: '/opt/rules',
      RUNBOOK_URL: 'https://wiki.example.com/runbooks/{ruleId}',
      ALERT_FLOOD_THRESHOLD: '200',
    });
    expect(result.ok && result.config).toMatchObject({
      alertFloodThreshold: 200,
      dedupWindowSeconds: 600,
      allowlistCacheSeconds: 5,
      minSeverity: 'high',
      sourceHints: [{ prefix: '/windows/sysmon', format: 'sysmon-windows' }],
      logsInsightsRegion: 'eu-west-1',
      rulesDir: '/opt/rules',
    });
  });

  it('names every problem at once, by variable', () => {
    const result = parseConfig({
      ALERT_TOPIC_ARN: 'not-an-arn',
      DEDUP_WINDOW_SECONDS: '-5',
      MIN_SEVERITY: 'loud',
      SOURCE_HINTS: '[{"prefix":"/x","format":"nope"}]',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.join('\n');
    for (const name of [
      'ALLOWLIST_TABLE',
      'STATE_TABLE',
      'ALERT_TOPIC_ARN',
      'DEDUP_WINDOW_SECONDS',
      'MIN_SEVERITY',
      'SOURCE_HINTS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('refuses SOURCE_HINTS that are not JSON', () => {
    const result = parseConfig({ ...BASE, SOURCE_HINTS: '{oops' });
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('SOURCE_HINTS must be JSON')] });
  });
});

describe('the claim lease', () => {
  it('is derived from the function timeout the stack writes: longer than any live invocation can hold a claim', () => {
    for (const timeout of [10, 60, 900]) {
      const result = parseConfig({ ...BASE, FUNCTION_TIMEOUT_SECONDS: String(timeout) });
      expect(result.ok && result.config.functionTimeoutSeconds).toBe(timeout);
      expect(result.ok && result.config.claimLeaseSeconds).toBeGreaterThan(timeout);
    }
  });

  it('refuses an explicit lease that a live invocation could outlast', () => {
    const result = parseConfig({ ...BASE, FUNCTION_TIMEOUT_SECONDS: '300', CLAIM_LEASE_SECONDS: '30' });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/CLAIM_LEASE_SECONDS must exceed/)] });
  });

  it('stays 30 s where no function timeout exists (CLI replay, local mode)', () => {
    const result = parseConfig(BASE);
    expect(result.ok && result.config.claimLeaseSeconds).toBe(30);
  });
});

describe('delivery timings derived from the function timeout', () => {
  it('add up for every timeout the stack accepts', () => {
    const { min, max } = SETTING_BOUNDS.functionTimeoutSeconds;
    fc.assert(
      fc.property(fc.integer({ min, max }), (timeout) => {
        const t = deliveryTimings(timeout);
        // A live invocation never loses its claim.
        expect(t.claimLeaseSeconds).toBeGreaterThan(timeout);
        // SQS redelivers a crashed attempt's message only once that attempt's claim has expired (and AWS's 6x).
        expect(t.sqsVisibilityTimeoutSeconds).toBeGreaterThanOrEqual(timeout + t.claimLeaseSeconds);
        expect(t.sqsVisibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * timeout);
        expect(t.sqsVisibilityTimeoutSeconds).toBeLessThanOrEqual(12 * 3600); // SQS maximum
        // The stream keeps retrying past the lease, and gives up before the stream's 24 h retention drops records.
        expect(t.kinesisMaxRecordAgeSeconds).toBeGreaterThan(t.claimLeaseSeconds);
        expect(t.kinesisMaxRecordAgeSeconds).toBeLessThan(24 * 3600);
      }),
    );
  });
});

describe('loadConfig', () => {
  it('throws a ConfigError listing the problems', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/ALLOWLIST_TABLE/);
    expect(loadConfig(BASE).stateTable).toBe('vmsentry-state');
  });
});
