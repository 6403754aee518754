import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchHandler, handler } from '../../lambdas/cloudwatch-subscription';
import {
  EMPTY_BATCH,
  loadRules,
  MAX_LOGGED_PARSE_ERRORS,
  RulesUnavailableError,
  withEnvelopeErrors,
} from '../../lambdas/runtime';
import { ConfigError } from '../../lib/config';
import type { ParseError } from '../../lib/model';
import { DedupStageError } from '../../lib/pipeline';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { sysmonProcessXml } from './fixtures/sysmon';
import { freshTables, handlerDeps, MemoryLogger, MemoryMetrics, putEntries, snsSucceeds, testConfig } from './harness';

const sns = mockClient(SNSClient);

describe('runtime composition', () => {
  it('refuses to start without a single rule, and reports broken rule files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-rules-'));
    writeFileSync(path.join(dir, 'broken.yml'), 'title: [unclosed\n');
    const logger = new MemoryLogger();
    expect(() => loadRules(dir, logger)).toThrow(RulesUnavailableError);
    expect(logger.lines.some((line) => line.level === 'error' && line.message === 'rule not loaded')).toBe(true);
  });

  it('adds envelope errors to the batch, counted under their format', () => {
    const error: ParseError = {
      code: 'envelope-too-large',
      format: 'unknown',
      reason: 'too big',
      position: { envelope: 'cloudwatch', index: 0 },
      excerpt: '',
    };
    const merged = withEnvelopeErrors(EMPTY_BATCH, [error, error]);
    expect(merged.errors).toHaveLength(2);
    expect(merged.errorsByFormat).toEqual({ unknown: 2 });
    expect(withEnvelopeErrors(EMPTY_BATCH, [])).toBe(EMPTY_BATCH);
  });

  it('fails the first invocation with every configuration problem named when the environment is incomplete', async () => {
    const saved = { ...process.env };
    delete process.env['ALLOWLIST_TABLE'];
    delete process.env['STATE_TABLE'];
    delete process.env['ALERT_TOPIC_ARN'];
    try {
      const rejection = handler({ awslogs: { data: '' } });
      await expect(rejection).rejects.toBeInstanceOf(ConfigError);
      await expect(handler({ awslogs: { data: '' } })).rejects.toThrow(/ALLOWLIST_TABLE.*STATE_TABLE.*ALERT_TOPIC_ARN/);
    } finally {
      process.env = saved;
    }
  });

  describe('with dynalite', () => {
    let db: Dynalite;

    beforeAll(async () => {
      db = await startDynalite();
    });

    afterAll(async () => {
      await db.stop();
    });

    it('logs every parse error with its reason and position, up to a bound, then a summary', async () => {
      sns.reset();
      snsSucceeds(sns);
      const logger = new MemoryLogger();
      const metrics = new MemoryMetrics();
      const config = testConfig(await freshTables(db));
      const cloudwatch = createCloudWatchHandler(handlerDeps(db, config, { logger, metrics }));
      const garbage = Array.from({ length: MAX_LOGGED_PARSE_ERRORS + 5 }, (_, i) => `garbage line ${i}`);
      const payload = subscriptionPayload(garbage, { logGroup: '/app/unknown', logStream: 'stream-1' });
      await cloudwatch(subscriptionEvent(payload) as CloudWatchLogsEvent);
      const notParsed = logger.lines.filter((line) => line.message === 'record not parsed');
      expect(notParsed).toHaveLength(MAX_LOGGED_PARSE_ERRORS);
      expect(notParsed[0]?.extra).toMatchObject({
        code: 'unknown-format',
        reason: expect.any(String),
        position: '/app/unknown/stream-1#0',
        excerpt: 'garbage line 0',
      });
      expect(logger.lines).toContainEqual(
        expect.objectContaining({ message: 'more records not parsed', extra: { notLogged: 5 } }),
      );
      expect(metrics.total('ParseErrors')).toBe(MAX_LOGGED_PARSE_ERRORS + 5);
      expect(metrics.total('RecordsIn')).toBe(MAX_LOGGED_PARSE_ERRORS + 5);
    });

    it('logs an allowlist entry warning once per entry, not per event or per batch', async () => {
      sns.reset();
      snsSucceeds(sns);
      const logger = new MemoryLogger();
      const tables = await freshTables(db);
      const config = testConfig(tables);
      await putEntries(db, tables.allowlist, [
        {
          host: 'fin-ws042',
          rule: 'attack.t1564.006',
          match: { image: '*VBoxManage.exe' },
          reason: 'lab image build',
          owner: 'secops',
          expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        },
      ]);
      const cloudwatch = createCloudWatchHandler(handlerDeps(db, config, { logger }));
      for (const batch of [0, 1]) {
        const lines = [0, 1, 2].map((index) => sysmonProcessXml({ recordId: 5000 + batch * 10 + index }));
        const payload = subscriptionPayload(lines, { logGroup: '/aws/ec2/windows/sysmon', logStream: 'i-1' });
        await cloudwatch(subscriptionEvent(payload) as CloudWatchLogsEvent);
      }
      const warned = logger.lines.filter((line) => line.message === 'allowlist entry warning');
      expect(warned).toHaveLength(1);
      expect(warned[0]?.extra).toMatchObject({
        host: 'fin-ws042',
        warnings: ["field 'image' is not a model field; did you mean 'Image'?"],
      });
    });

    it('counts detections whose dedup claim failed (ClaimFailures) and logs the failed batch, beside what was published', async () => {
      sns.reset();
      snsSucceeds(sns);
      const logger = new MemoryLogger();
      const metrics = new MemoryMetrics();
      const config = testConfig(await freshTables(db));
      // A client of its own: every conditional claim write on the hot host's key loses to another writer.
      const doc = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: db.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: 1,
        }),
        { marshallOptions: { removeUndefinedValues: true } },
      );
      doc.middlewareStack.add(
        (next) => async (args) => {
          const host = (args.input as { Item?: { host?: unknown } }).Item?.host;
          const name = typeof host === 'string' ? host : (host as { S?: string } | undefined)?.S;
          if (name === 'hot-01.corp.example.com') {
            throw Object.assign(new Error('The conditional request failed'), {
              name: 'ConditionalCheckFailedException',
              $fault: 'client',
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'vmsentryHotKey' },
      );
      const cloudwatch = createCloudWatchHandler({ ...handlerDeps(db, config, { logger, metrics }), doc });
      const now = Date.now();
      const lines = ['HOT-01', 'WS-201'].map((name, index) =>
        sysmonProcessXml({ computer: `${name}.corp.example.com`, recordId: 4000 + index, timeMs: now }),
      );
      const payload = subscriptionPayload(lines, { logGroup: '/aws/ec2/windows/sysmon', logStream: 'i-1' });
      await expect(cloudwatch(subscriptionEvent(payload) as CloudWatchLogsEvent)).rejects.toBeInstanceOf(
        DedupStageError,
      );
      expect(metrics.total('ClaimFailures')).toBe(1);
      expect(metrics.total('Published')).toBe(1);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: 'batch processed',
          extra: { counts: expect.objectContaining({ claimFailures: 1, published: 1 }) },
        }),
      );
    });
  });
});
