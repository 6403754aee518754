import { parseRuleSamples, runCorrelationSamples, runRuleSamples } from '../../lib/scan';
import { correlationsFrom, HEADLESS_RULE, ruleFrom } from './helpers';

const rule = ruleFrom(HEADLESS_RULE);

const SAMPLES = `
positive:
  - name: headless start
    event: { category: process_creation, platform: windows, fields: { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage startvm k --type headless' } }
    expect: { level: critical }
  - name: gui start
    event: { category: process_creation, platform: windows, fields: { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage startvm k' } }
negative:
  - name: listing
    event: { category: process_creation, platform: windows, fields: { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage list vms' } }
`;

function eventsOf(text: string) {
  const parsed = parseRuleSamples(text, 'events');
  if (!parsed.ok || parsed.samples.kind !== 'events') throw new Error(parsed.ok ? 'wrong kind' : parsed.reason);
  return parsed.samples;
}

describe('rule samples', () => {
  it('passes positives that fire at the expected level and negatives that stay silent', () => {
    const results = runRuleSamples(rule, eventsOf(SAMPLES));
    expect(results.map((r) => [r.kind, r.name, r.pass, r.detail])).toEqual([
      ['positive', 'headless start', true, 'fired at critical'],
      ['positive', 'gui start', true, 'fired at high'],
      ['negative', 'listing', true, 'silent'],
    ]);
  });

  it('fails a positive that fires at another level than expected', () => {
    const results = runRuleSamples(
      rule,
      eventsOf(SAMPLES.replace('expect: { level: critical }', 'expect: { level: medium }')),
    );
    expect(results[0]).toMatchObject({ pass: false, detail: 'fired at critical, expected medium' });
  });

  it('fails a positive that does not fire and a negative that does', () => {
    const swapped = SAMPLES.replace(
      "CommandLine: 'VBoxManage startvm k' }",
      "CommandLine: 'VBoxManage showvminfo k' }",
    ).replace('list vms', 'startvm other');
    const results = runRuleSamples(rule, eventsOf(swapped));
    expect(results[1]).toMatchObject({ pass: false, detail: 'did not fire' });
    expect(results[2]).toMatchObject({ pass: false, detail: 'fired at high but must not' });
  });

  it('refuses a samples file with unknown keys, naming the problem', () => {
    const parsed = parseRuleSamples(`${SAMPLES}\nextra: 1\n`, 'events');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/extra/);
  });

  it('refuses text that is not YAML', () => {
    expect(parseRuleSamples('positive: [', 'events')).toMatchObject({ ok: false });
  });

  it('runs sequence samples of a correlation rule through the base rules', async () => {
    const [correlation] = correlationsFrom(`
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
    if (!correlation) throw new Error('correlation did not compile');
    const start =
      "{ category: process_creation, platform: windows, fields: { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: 'VBoxManage startvm k' } }";
    const parsed = parseRuleSamples(
      `
positive:
  - name: two starts in a minute
    sequence: [{ at: 0s, event: ${start} }, { at: 1m, event: ${start} }]
    expect: { level: critical }
negative:
  - name: two starts an hour apart
    sequence: [{ at: 0s, event: ${start} }, { at: 60m, event: ${start} }]
  - name: two starts on two hosts
    sequence: [{ at: 0s, event: ${start} }, { at: 1m, host: other, event: ${start} }]
`,
      'sequences',
    );
    if (!parsed.ok || parsed.samples.kind !== 'sequences') throw new Error(parsed.ok ? 'wrong kind' : parsed.reason);
    const results = await runCorrelationSamples(correlation, [rule], parsed.samples);
    expect(results.map((r) => [r.name, r.pass])).toEqual([
      ['two starts in a minute', true],
      ['two starts an hour apart', true],
      ['two starts on two hosts', true],
    ]);
  });
});
