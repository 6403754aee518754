import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createTableInput } from '../../bin/local/dynamodb';
import { consoleRequestOf, createConsoleHandler } from '../../lambdas/console-api';
import { DynamoDbAllowlistStore } from '../../lib/adapters/dynamodb-allowlist-store';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import { consoleEnvironment } from '../../lib/console/environment';
import { FixedHealthReader } from '../../lib/console/health';
import { HISTORY_TABLE } from '../../lib/model';
import { historyAlert } from '../history/store-contract';
import { type Dynalite, startDynalite } from '../support/dynalite';

/** An HTTP API (payload 2.0) event as API Gateway sends it after the JWT authorizer verified the token. */
function apiEvent(
  method: string,
  rawPath: string,
  options: { body?: string; query?: Record<string, string>; email?: string; base64?: boolean } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined
      ? { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }
      : {}),
    isBase64Encoded: Boolean(options.base64),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'jest' },
      requestId: 'r1',
      routeKey: `${method} ${rawPath}`,
      stage: '$default',
      time: '20/Nov/2026:15:00:00 +0000',
      timeEpoch: 0,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: options.email === undefined ? {} : { email: options.email }, scopes: [] },
      },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

let dynalite: Dynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
  await dynalite.createTables({ allowlist: 'console-allowlist', state: 'console-state' });
  await dynalite.client.send(new CreateTableCommand(createTableInput('console-history', HISTORY_TABLE)));
});
afterAll(() => dynalite.stop());

describe('console Lambda (API Gateway HTTP API, JWT authorizer)', () => {
  it('serves the router over the DynamoDB history and allowlist, as the verified e-mail', async () => {
    const history = new DynamoDbHistoryStore(dynalite.doc, 'console-history');
    await history.record(historyAlert({ id: 'a1', host: 'ws-01' }), Date.now());
    const handler = createConsoleHandler({
      history,
      allowlist: new DynamoDbAllowlistStore(dynalite.doc, 'console-allowlist'),
      rules: [],
      health: new FixedHealthReader({
        window: 't',
        records: 0,
        parseErrors: 0,
        parseErrorRate: 0,
        heartbeats: [],
        failureQueues: [],
      }),
    });
    const listed = await handler(
      apiEvent('GET', '/api/alerts', { query: { host: 'ws-01' }, email: 'ana@example.com' }),
    );
    expect(listed.statusCode).toBe(200);
    expect(listed.headers?.['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(listed.body as string).items.map((r: { id: string }) => r.id)).toEqual(['a1']);

    const acked = await handler(
      apiEvent('POST', '/api/alerts/a1/ack', { body: '{}', email: 'ana@example.com', base64: true }),
    );
    expect(JSON.parse(acked.body as string)).toMatchObject({ state: 'acknowledged', stateBy: 'ana@example.com' });
    expect((await history.get('a1'))?.state).toBe('acknowledged');
  });

  it('refuses a request whose verified claims carry no e-mail', async () => {
    expect(consoleRequestOf(apiEvent('GET', '/api/alerts'))).toBeUndefined();
    const handler = createConsoleHandler({} as never);
    expect((await handler(apiEvent('GET', '/api/alerts'))).statusCode).toBe(403);
  });
});

describe('console Lambda environment', () => {
  it('reads its tables, heartbeats and failure queues, with one message naming what is wrong', () => {
    const env = consoleEnvironment({
      HISTORY_TABLE: 'h',
      ALLOWLIST_TABLE: 'a',
      HEARTBEAT_LOG_GROUPS: '["/vmsentry/sysmon"]',
      FAILURE_QUEUES: '[{"name":"cw","url":"https://sqs.us-east-1.amazonaws.com/1/cw"}]',
    });
    expect(env).toMatchObject({ historyTable: 'h', heartbeatLogGroups: ['/vmsentry/sysmon'], heartbeatMinutes: 60 });
    expect(() => consoleEnvironment({ ALLOWLIST_TABLE: 'a' })).toThrow(/HISTORY_TABLE/);
    expect(() => consoleEnvironment({ HISTORY_TABLE: 'h', ALLOWLIST_TABLE: 'a', FAILURE_QUEUES: '[1]' })).toThrow(
      /FAILURE_QUEUES/,
    );
    expect(() => consoleEnvironment({ HISTORY_TABLE: 'h', ALLOWLIST_TABLE: 'a', HEARTBEAT_LOG_GROUPS: 'x' })).toThrow(
      /not JSON/,
    );
  });
});
