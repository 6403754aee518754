import { ConfigError, loadConfig, parseConfig } from '../lib/config';

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
        maxObjectBytes: 32 * 1024 * 1024,
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

describe('loadConfig', () => {
  it('throws a ConfigError listing the problems', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/ALLOWLIST_TABLE/);
    expect(loadConfig(BASE).stateTable).toBe('vmsentry-state');
  });
});
