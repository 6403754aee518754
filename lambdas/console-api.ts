/**
 * The console's HTTP API (API Gateway HTTP API with a Cognito JWT authorizer on every route): the event becomes a
 * ConsoleRequest with the signed-in user's e-mail from the verified claims, and lib/console/api.ts answers it over
 * the same adapters the CLI uses. No business logic here.
 */
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CloudWatchHealthReader } from '../lib/adapters/cloudwatch-health-reader';
import { DynamoDbAllowlistStore } from '../lib/adapters/dynamodb-allowlist-store';
import { DynamoDbHistoryStore } from '../lib/adapters/dynamodb-history-store';
import { type ConsoleDeps, handleConsoleRequest, SECURITY_HEADERS } from '../lib/console/api';
import { catalogueFromDirectory } from '../lib/console/catalogue-files';
import type { ConsoleRequest } from '../lib/console/contract';
import { consoleEnvironment } from '../lib/console/environment';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../lib/timings';
import { clientOptions } from './clients';

export type ConsoleEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** API Gateway's event as the router's request; undefined user when the verified claims carry no e-mail. */
export function consoleRequestOf(event: ConsoleEvent): ConsoleRequest | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
  if (!email) return undefined;
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])),
    ),
    ...(body !== undefined ? { body } : {}),
    user: { email },
  };
}

export function createConsoleHandler(
  deps: ConsoleDeps,
): (event: ConsoleEvent) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    const request = consoleRequestOf(event);
    if (!request) {
      return { statusCode: 403, headers: { ...SECURITY_HEADERS }, body: JSON.stringify({ error: 'no e-mail claim' }) };
    }
    const response = await handleConsoleRequest(request, deps);
    return { statusCode: response.status, headers: { ...response.headers }, body: response.body };
  };
}

let handlerInstance: ReturnType<typeof createConsoleHandler> | undefined;

/** Built on the first invocation (clients once per container), so importing this module for tests costs nothing. */
export const handler = (event: ConsoleEvent): Promise<APIGatewayProxyStructuredResultV2> => {
  handlerInstance ??= createFromEnvironment();
  return handlerInstance(event);
};

function createFromEnvironment(): ReturnType<typeof createConsoleHandler> {
  const env = consoleEnvironment(process.env);
  const options = clientOptions(FIXED_FUNCTION_TIMEOUT_SECONDS.consoleApi);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const logger = new Logger({ serviceName: 'vmsentry-console' });
  return createConsoleHandler({
    history: new DynamoDbHistoryStore(doc, env.historyTable),
    allowlist: new DynamoDbAllowlistStore(doc, env.allowlistTable),
    rules: catalogueFromDirectory(env.rulesDir ?? path.join(__dirname, 'rules')),
    health: new CloudWatchHealthReader(new CloudWatchClient(options), new SQSClient(options), {
      namespace: env.metricsNamespace,
      service: env.metricsService,
      heartbeatLogGroups: env.heartbeatLogGroups,
      heartbeatMinutes: env.heartbeatMinutes,
      failureQueues: env.failureQueues,
    }),
    maxAllowlistDays: env.allowlistMaxDays,
    onError: (error, request) =>
      logger.error('console request failed', { path: request.path, method: request.method, error: error as Error }),
  });
}
