import fc from 'fast-check';
import { ConfigError, parseConfig } from '../../cdk/config';
import { ENVIRONMENT_PLACEHOLDERS, pipelineEnvironment, REFERENCE_VARIABLES } from '../../cdk/environment';
import { loadConfig, parseConfig as parseRuntimeConfig } from '../../lib/config';
import { FORMATS, SEVERITIES } from '../../lib/model';
import { FULL_CONFIG, synth } from './synth';

/** The Variables of the synthesized function whose description starts with `description`. */
function environmentOf(template: ReturnType<typeof synth>, description: RegExp): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: { Description: string; Timeout: number; Environment: { Variables: Record<string, unknown> } };
  }[];
  const fn = functions.find((candidate) => description.test(candidate.Properties.Description));
  if (!fn) throw new Error(`no function described ${description}`);
  return { ...fn.Properties.Environment.Variables, '(Timeout)': fn.Properties.Timeout };
}

describe('one schema for the deployment config and the runtime environment', () => {
  it.each([
    [{ allowlistCacheSeconds: 0 }, 'allowlistCacheSeconds'],
    [{ alertFloodThreshold: 0 }, 'alertFloodThreshold'],
    [{ alertFloodThreshold: 100_001 }, 'alertFloodThreshold'],
    [{ sourceHints: Array.from({ length: 201 }, (_, i) => ({ prefix: `/h/${i}`, source: 'auditd' })) }, 'sourceHints'],
    [{ sourceHints: [{ prefix: `/${'p'.repeat(600)}`, source: 'auditd' }] }, 'sourceHints.0.prefix'],
  ])('refuses %#: a config the runtime would refuse at every cold start, naming the field %s', (raw, field) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(field);
  });

  it('refuses log groups and hints that together exceed what the runtime reads', () => {
    const logGroups = Array.from({ length: 150 }, (_, i) => ({ name: `/g/${i}`, source: 'auditd' }));
    const sourceHints = Array.from({ length: 51 }, (_, i) => ({ prefix: `/h/${i}`, source: 'auditd' }));
    expect(() => parseConfig({ logGroups, sourceHints })).toThrow(/at most 200/);
  });

  it('every config the stack accepts produces an environment the runtime loads: the functions start', () => {
    // Mostly values the stack accepts (so the property is exercised), with edges and mistakes mixed in.
    const mostly = <T, U>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: edge, weight: 1 });
    const source = mostly(fc.constantFrom(...FORMATS), fc.constant('syslog'));
    const name = mostly(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 0, maxLength: 600 }));
    const listOf = <T>(item: fc.Arbitrary<T>) =>
      mostly(fc.array(item, { maxLength: 8 }), fc.array(item, { minLength: 90, maxLength: 120 }));
    const number = (validMin: number, validMax: number, edgeMin: number, edgeMax: number) =>
      mostly(
        fc.option(fc.integer({ min: validMin, max: validMax }), { nil: undefined }),
        fc.oneof(
          fc.constantFrom(-1, 0, 1, validMin - 1, validMin, validMax, validMax + 1),
          fc.integer({ min: edgeMin, max: edgeMax }),
          fc.double({ min: edgeMin, max: edgeMax, noNaN: true }),
        ),
      );
    const raw = fc.record(
      {
        logGroups: listOf(fc.record({ name, source })),
        sourceHints: listOf(fc.record({ prefix: name, source })),
        minSeverity: mostly(fc.constantFrom(...SEVERITIES), fc.string({ maxLength: 8 })),
        dedupWindowMinutes: number(1, 10_080, -2, 11_000),
        allowlistCacheSeconds: number(0, 3600, -2, 4000),
        functionTimeoutSeconds: number(10, 900, -2, 1000),
        alertFloodThreshold: number(1, 100_000, -2, 120_000),
        kinesis: fc.record({ enabled: fc.boolean() }),
        // The console's settings never reach the detection functions' environment, whatever they are.
        console: mostly(
          fc.record({
            enabled: fc.boolean(),
            adminEmails: fc.uniqueArray(
              fc.integer({ min: 0, max: 999 }).map((n) => `analyst${n}@example.com`),
              { minLength: 1, maxLength: 3 },
            ),
            mfa: fc.constantFrom('off', 'optional', 'required'),
          }),
          fc.record(
            {
              enabled: fc.boolean(),
              adminEmails: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
              mfa: fc.string({ maxLength: 8 }),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(raw, (candidate) => {
        let config: ReturnType<typeof parseConfig>;
        try {
          config = parseConfig(JSON.parse(JSON.stringify(candidate)));
        } catch (error) {
          if (error instanceof ConfigError) return; // refused at synth: never deployed
          throw error;
        }
        accepted++;
        const environment = pipelineEnvironment(config, ENVIRONMENT_PLACEHOLDERS);
        const runtime = loadConfig(environment);
        expect(runtime.claimLeaseSeconds).toBeGreaterThan(config.functionTimeoutSeconds);
        // The deployed threshold is the one the functions run with, not the runtime's own default.
        expect(runtime.alertFloodThreshold).toBe(config.alertFloodThreshold);
      }),
      { numRuns: 400, seed: 20261203 },
    );
    // The generator must reach both sides, or the property proves nothing.
    expect(accepted).toBeGreaterThan(40);
  });

  it('writes exactly the environment the property covers, and the placeholders stand for real references', () => {
    for (const raw of [
      FULL_CONFIG,
      { functionTimeoutSeconds: 900, allowlistCacheSeconds: 1, edrFeed: { mode: 'none' } },
    ]) {
      const config = parseConfig(raw);
      const written = environmentOf(synth(raw), /^vmsentry: CloudWatch Logs subscription/);
      const derived = pipelineEnvironment(config, ENVIRONMENT_PLACEHOLDERS);
      const references = new Set(Object.values(REFERENCE_VARIABLES));
      for (const [name, value] of Object.entries(derived)) {
        // Table names, the topic, the bucket and the region are references the template resolves at deploy time.
        if (references.has(name)) expect(written[name]).toBeDefined();
        else expect(written[name]).toBe(value);
      }
      // And the function's real timeout is the one the lease is derived from.
      expect(written['FUNCTION_TIMEOUT_SECONDS']).toBe(String(written['(Timeout)']));
      const runtime = parseRuntimeConfig(derived);
      expect(runtime.ok && runtime.config.claimLeaseSeconds).toBeGreaterThan(written['(Timeout)'] as number);
    }
  });
});
