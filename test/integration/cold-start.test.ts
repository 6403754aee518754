/**
 * What a cold start of the ingest functions loads (docs/benchmarks.md "Cold start"): the rule pack beside the bundle
 * instead of the YAML, and no AWS SDK client until a port is first used.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { handler } from '../../lambdas/cloudwatch-subscription';
import { deferred } from '../../lambdas/deferred';
import { functionRules } from '../../lambdas/runtime';
import * as compile from '../../lib/rules/compile';
import { buildRulePack, RULE_PACK_FILE, writeRulePack } from '../../lib/rules/rule-pack';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { sysmonProcessXml } from './fixtures/sysmon';

// Every SDK client package the ingest functions use, recorded when first required.
const mockLoaded: string[] = [];
jest.mock('@aws-sdk/client-dynamodb', () => {
  mockLoaded.push('@aws-sdk/client-dynamodb');
  return jest.requireActual('@aws-sdk/client-dynamodb');
});
jest.mock('@aws-sdk/lib-dynamodb', () => {
  mockLoaded.push('@aws-sdk/lib-dynamodb');
  return jest.requireActual('@aws-sdk/lib-dynamodb');
});
jest.mock('@aws-sdk/client-sns', () => {
  mockLoaded.push('@aws-sdk/client-sns');
  return jest.requireActual('@aws-sdk/client-sns');
});
jest.mock('@aws-sdk/client-s3', () => {
  mockLoaded.push('@aws-sdk/client-s3');
  return jest.requireActual('@aws-sdk/client-s3');
});

const RULES = path.join(__dirname, '..', '..', 'rules');

describe('cold start of the ingest functions', () => {
  describe('the AWS SDK loads when a port is first used, not with the handler', () => {
    const saved = { ...process.env };
    beforeAll(() => {
      Object.assign(process.env, {
        ALLOWLIST_TABLE: 'vmsentry-allowlist',
        STATE_TABLE: 'vmsentry-state',
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:vmsentry-alerts',
        QUARANTINE_BUCKET: 'vmsentry-quarantine',
        RULES_DIR: RULES,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        POWERTOOLS_METRICS_DISABLED: 'true',
      });
    });
    afterAll(() => {
      process.env = saved;
    });

    it('loads no SDK client for a control message or a batch without detections', async () => {
      await handler(subscriptionEvent({ ...subscriptionPayload([]), messageType: 'CONTROL_MESSAGE', logEvents: [] }));
      const benign = sysmonProcessXml({
        image: 'C:\\Windows\\System32\\notepad.exe',
        commandLine: 'notepad.exe C:\\Users\\a\\notes.txt',
      });
      await handler(subscriptionEvent(subscriptionPayload([benign], { logGroup: '/corp/windows/sysmon' })));
      expect(mockLoaded).toEqual([]);
    });
  });

  describe('deferred ports', () => {
    it('builds the port on its first method call, once, with methods bound to it', async () => {
      const create = jest.fn(() => ({
        calls: 0,
        async put(value: number) {
          this.calls += value;
          return this.calls;
        },
      }));
      const port = deferred(create);
      expect(create).not.toHaveBeenCalled();
      await expect(port.put(2)).resolves.toBe(2);
      const { put } = port;
      await expect(put(3)).resolves.toBe(5);
      expect(create).toHaveBeenCalledTimes(1);
    });

    it('lets an error of building the port reach the caller, and builds again on the next use', () => {
      let attempts = 0;
      const port = deferred(() => {
        attempts++;
        if (attempts === 1) throw new Error('no credentials yet');
        return { ready: () => true };
      });
      expect(() => port.ready()).toThrow('no credentials yet');
      expect(port.ready()).toBe(true);
    });
  });

  describe('which rules a deployed function loads', () => {
    let bundleDir: string;
    beforeAll(() => {
      bundleDir = mkdtempSync(path.join(tmpdir(), 'vmsentry-bundle-'));
      // The YAML only: a checkout's own rules.compiled.json (npm ci writes one) would stand in for the parsing counted.
      cpSync(RULES, path.join(bundleDir, 'rules'), {
        recursive: true,
        filter: (file) => path.basename(file) !== 'rules.compiled.json',
      });
    });
    afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

    function loadCountingYaml(load: () => unknown): number {
      const spy = jest.spyOn(compile, 'parseRuleDocuments');
      try {
        load();
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    }

    it('reads the rule pack beside the bundle (no YAML parsed), the same rules as the YAML', () => {
      const fromYaml = functionRules({}, bundleDir);
      writeRulePack(path.join(bundleDir, RULE_PACK_FILE), buildRulePack(path.join(bundleDir, 'rules')));
      let fromPack: ReturnType<typeof functionRules> | undefined;
      expect(loadCountingYaml(() => (fromPack = functionRules({}, bundleDir)))).toBe(0);
      // Rule by rule equality is test/rules/rule-pack.test.ts; here: the same counts reach the function.
      expect(fromPack?.ruleSet.size).toBe(fromYaml.ruleSet.size);
      expect(fromPack?.correlations).toEqual(fromYaml.correlations);
      expect(fromPack?.errors).toEqual(fromYaml.errors);
    });

    it('reads RULES_DIR when it is set, even with a pack beside the bundle', () => {
      writeRulePack(path.join(bundleDir, RULE_PACK_FILE), buildRulePack(path.join(bundleDir, 'rules')));
      const rulesDir = path.join(bundleDir, 'rules');
      expect(loadCountingYaml(() => functionRules({ rulesDir }, bundleDir))).toBeGreaterThan(0);
    });

    it('reads rules/ beside the bundle when there is no pack', () => {
      rmSync(path.join(bundleDir, RULE_PACK_FILE), { force: true });
      expect(loadCountingYaml(() => functionRules({}, bundleDir))).toBeGreaterThan(0);
    });
  });
});
