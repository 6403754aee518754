import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CONSOLE_ENVIRONMENT, CONSOLE_ROUTES, CONSOLE_THROTTLE, Console } from '../../cdk/constructs/console';
import { VmsentryTables } from '../../cdk/constructs/tables';
import { type ConsoleSettings, ConsoleSettingsSchema } from '../../lib/settings';
import { synthWith } from './synth';

const SITE = join(__dirname, '..', 'fixtures', 'console-site');

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };

/**
 * The console construct in a stack of its own, beside what the real stack hands it: the stack's key, the allowlist
 * table (VmsentryTables), an alert-history table with indexes, and a failure queue. cdk-nag runs as in cdk/app.ts.
 */
const synthesized = new Map<string, { template: Template; construct: Console }>();

/** One synthesis per distinct settings (each takes seconds with cdk-nag). */
function synthConsole(settings: Partial<ConsoleSettings> = {}, assetDirectory = SITE, withEnv = true) {
  const key = JSON.stringify([settings, assetDirectory, withEnv]);
  const known = synthesized.get(key);
  if (known) return known;
  const result = synthConsoleOnce(settings, assetDirectory, withEnv);
  synthesized.set(key, result);
  return result;
}

function synthConsoleOnce(settings: Partial<ConsoleSettings>, assetDirectory: string, withEnv: boolean) {
  let construct: Console | undefined;
  const template = synthWith((app) => {
    const stack = new Stack(
      app,
      'ConsoleTest',
      withEnv ? { env: { account: '123456789012', region: 'eu-west-1' } } : {},
    );
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const tables = new VmsentryTables(stack, 'Tables', { key });
    const history = new dynamodb.Table(stack, 'History', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    history.addGlobalSecondaryIndex({
      indexName: 'byHost',
      partitionKey: { name: 'host', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'lastSeen', type: dynamodb.AttributeType.STRING },
    });
    const failures = new sqs.Queue(stack, 'Failures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(failures).acknowledge({ id, reason: 'Stands for a failure queue of the stack (itself a DLQ).' });
    }
    construct = new Console(stack, 'Console', {
      settings: ConsoleSettingsSchema.parse({ enabled: true, adminEmails: ['Analyst@Example.com'], ...settings }),
      key,
      historyTable: history as dynamodb.ITable,
      allowlistTable: tables.allowlist as dynamodb.ITable,
      failureQueues: [{ name: 'SubscriptionFailures', queue: failures }],
      heartbeatLogGroups: ['/corp/windows/sysmon'],
      heartbeatMinutes: 60,
      metricsNamespace: 'vmsentry',
      logRetention: logs.RetentionDays.THREE_MONTHS,
      assetDirectory,
    });
    return stack;
  });
  return { template, construct: construct as Console };
}

function only(template: Template, type: string): Resource {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

const idOf = (template: Template, type: string) => Object.keys(template.findResources(type))[0] as string;

function consoleStatements(template: Template): Statement[] {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as [string, Resource][];
  return policies
    .filter(([id]) => id.startsWith('ConsoleApiFunction'))
    .flatMap(([, policy]) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

let template: Template;
let construct: Console;
beforeAll(() => {
  // Synthesis itself is the cdk-nag check: an unacknowledged finding throws here.
  ({ template, construct } = synthConsole());
});

describe('the web console: static site', () => {
  it('keeps the site bucket private: public access blocked, TLS only, encrypted, logged', () => {
    const sites = Object.entries(template.findResources('AWS::S3::Bucket')) as [string, Resource][];
    const [siteId, site] = sites.find(([id]) => id.startsWith('ConsoleSite')) as [string, Resource];
    expect(site.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'site/' },
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify({ Ref: siteId }),
    ) as Resource;
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // Reads only by CloudFront, only on behalf of this distribution (origin access control).
    const allows = statements.filter((statement) => statement['Effect'] === 'Allow');
    const readers = allows.filter((statement) => JSON.stringify(statement['Action']).includes('s3:GetObject'));
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    for (const statement of allows) expect(statement['Principal']).not.toBe('*');
  });

  it('serves the bucket through CloudFront with origin access control, HTTPS only, index.html at the root', () => {
    expect(only(template, 'AWS::CloudFront::OriginAccessControl').Properties).toMatchObject({
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const config = only(template, 'AWS::CloudFront::Distribution').Properties['DistributionConfig'] as Record<
      string,
      unknown
    >;
    expect(config['DefaultRootObject']).toBe('index.html');
    const s3Origin = (config['Origins'] as Record<string, unknown>[]).find((origin) => origin['S3OriginConfig']);
    expect(s3Origin).toMatchObject({
      OriginAccessControlId: { 'Fn::GetAtt': [idOf(template, 'AWS::CloudFront::OriginAccessControl'), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    const behaviors = [config['DefaultCacheBehavior'], ...(config['CacheBehaviors'] as unknown[])] as Record<
      string,
      unknown
    >[];
    for (const behavior of behaviors) expect(behavior['ViewerProtocolPolicy']).toBe('https-only');
    // No error-response rewriting: it would turn the API's 403/404 into index.html.
    expect(config['CustomErrorResponses']).toBeUndefined();
  });

  it('routes single-page app paths to index.html on the site behavior only, and leaves files alone', () => {
    const fn = only(template, 'AWS::CloudFront::Function').Properties;
    const handler = runInNewContext(`${fn['FunctionCode']}; handler`) as (event: unknown) => { uri: string };
    const uriFor = (uri: string) => handler({ request: { uri } }).uri;
    expect(uriFor('/alerts/abc123')).toBe('/index.html');
    expect(uriFor('/allowlist')).toBe('/index.html');
    expect(uriFor('/app.js')).toBe('/app.js');
    expect(uriFor('/config.json')).toBe('/config.json');
    const config = only(template, 'AWS::CloudFront::Distribution').Properties['DistributionConfig'] as {
      DefaultCacheBehavior: { FunctionAssociations: unknown[] };
      CacheBehaviors: Record<string, unknown>[];
    };
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: expect.anything() },
    ]);
    for (const behavior of config.CacheBehaviors) expect(behavior['FunctionAssociations']).toBeUndefined();
  });

  it('serves the API under /api/* of the same origin: never cached, Authorization forwarded, HTTPS to the origin', () => {
    const config = only(template, 'AWS::CloudFront::Distribution').Properties['DistributionConfig'] as {
      CacheBehaviors: Record<string, unknown>[];
      Origins: Record<string, unknown>[];
    };
    const api = config.CacheBehaviors.find((behavior) => behavior['PathPattern'] === '/api/*');
    expect(api).toMatchObject({
      // Managed policies CachingDisabled and AllViewerExceptHostHeader.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      AllowedMethods: expect.arrayContaining(['GET', 'POST']),
    });
    const apiOrigin = config.Origins.find((origin) => origin['Id'] === api?.['TargetOriginId']);
    expect(apiOrigin).toMatchObject({
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(JSON.stringify(apiOrigin?.['DomainName'])).toContain(idOf(template, 'AWS::ApiGatewayV2::Api'));
  });

  it('sends a strict content security policy and the security headers with every response', () => {
    const policyId = idOf(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = (
      only(template, 'AWS::CloudFront::ResponseHeadersPolicy').Properties['ResponseHeadersPolicyConfig'] as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      }
    ).SecurityHeadersConfig;
    const csp = JSON.stringify(headers['ContentSecurityPolicy']?.['ContentSecurityPolicy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self';",
      "style-src 'self';",
      "connect-src 'self' https://",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    // connect-src names the Cognito hosted UI domain of this user pool (the token endpoint).
    expect(csp).toContain(idOf(template, 'AWS::Cognito::UserPoolDomain'));
    expect(headers['StrictTransportSecurity']).toMatchObject({
      AccessControlMaxAgeSec: 730 * 86_400,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers['ContentTypeOptions']).toEqual({ Override: true });
    expect(headers['FrameOptions']).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers['ReferrerPolicy']).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const config = only(template, 'AWS::CloudFront::Distribution').Properties['DistributionConfig'] as {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
    };
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior['ResponseHeadersPolicyId']).toEqual({ Ref: policyId });
    }
  });

  it('deploys the app with a config.json naming only public identifiers, then invalidates the cache', () => {
    const deployment = only(template, 'Custom::CDKBucketDeployment').Properties;
    expect(deployment['DistributionPaths']).toEqual(['/*']);
    expect(deployment['DistributionId']).toEqual({ Ref: idOf(template, 'AWS::CloudFront::Distribution') });
    expect(deployment['Prune']).toBe(true);
    // Two sources: the built app, and config.json whose values are filled in at deploy time from these references.
    expect(deployment['SourceObjectKeys']).toHaveLength(2);
    const markers = JSON.stringify(deployment['SourceMarkers']);
    expect(markers).toContain(idOf(template, 'AWS::Cognito::UserPoolClient'));
    expect(markers).toContain(idOf(template, 'AWS::Cognito::UserPool'));
    expect(markers).toContain(idOf(template, 'AWS::Cognito::UserPoolDomain'));
    expect(markers).toContain(idOf(template, 'AWS::CloudFront::Distribution'));
    expect(markers).not.toMatch(/Secret|ClientSecret/);
  });

  it('passes cdk-nag without an account and region too (the asset bucket is then named by pseudo parameters)', () => {
    expect(() => synthConsole({}, SITE, false)).not.toThrow();
  });

  it('refuses to synthesize when the app has not been built', () => {
    expect(() => synthConsole({}, join(SITE, 'no-such-build'))).toThrow(/no index\.html: build the console first/);
  });
});

describe('the web console: sign-in', () => {
  it('lets only admins sign in: no self sign-up, each configured admin created with a verified e-mail', () => {
    const pool = only(template, 'AWS::Cognito::UserPool').Properties;
    expect(pool['AdminCreateUserConfig']).toMatchObject({ AllowAdminCreateUserOnly: true });
    const users = Object.values(template.findResources('AWS::Cognito::UserPoolUser')) as Resource[];
    expect(users.map((user) => user.Properties['Username'])).toEqual(['analyst@example.com']);
    expect(users[0]?.Properties['UserAttributes']).toEqual([
      { Name: 'email', Value: 'analyst@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ]);
  });

  it('requires strong passwords and blocks risky sign-ins (Plus plan threat protection)', () => {
    const pool = only(template, 'AWS::Cognito::UserPool').Properties;
    expect(pool['Policies']).toMatchObject({
      PasswordPolicy: {
        MinimumLength: 14,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      },
    });
    expect(pool['UserPoolTier']).toBe('PLUS');
    expect(pool['UserPoolAddOns']).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it.each([
    ['optional', 'OPTIONAL', ['SOFTWARE_TOKEN_MFA']],
    ['required', 'ON', ['SOFTWARE_TOKEN_MFA']],
    ['off', 'OFF', undefined],
  ] as const)('with mfa "%s" sets MFA %s with TOTP only (never SMS)', (mfa, expected, factors) => {
    const pool = only(synthConsole(mfa === 'optional' ? {} : { mfa }).template, 'AWS::Cognito::UserPool');
    expect(pool.Properties['MfaConfiguration']).toBe(expected);
    expect(pool.Properties['EnabledMfas']).toEqual(factors);
  });

  it('defaults to optional MFA, and acknowledges the cdk-nag MFA finding only when MFA is not required', () => {
    expect(ConsoleSettingsSchema.parse({}).mfa).toBe('optional');
    const acknowledged = (console: Console) =>
      JSON.stringify(console.userPool.node.metadata.map((entry) => entry.data)).includes('AwsSolutions-COG2');
    expect(acknowledged(construct)).toBe(true);
    expect(acknowledged(synthConsole({ mfa: 'required' }).construct)).toBe(false);
  });

  it('uses a public app client (no secret) with the authorization code flow only, returning to the console URL', () => {
    const client = only(template, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    const consoleUrl = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [idOf(template, 'AWS::CloudFront::Distribution'), 'DomainName'] }, '/'],
      ],
    };
    expect(client['CallbackURLs']).toEqual([consoleUrl]);
    expect(client['LogoutURLs']).toEqual([consoleUrl]);
    expect(client['ExplicitAuthFlows']).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(only(template, 'AWS::Cognito::UserPoolDomain').Properties['Domain']).toBeDefined();
  });

  it('uses the configured hosted UI domain prefix', () => {
    const domain = only(synthConsole({ domainPrefix: 'corp-vmsentry' }).template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties['Domain']).toBe('corp-vmsentry');
  });
});

describe('the web console: API', () => {
  it('has exactly the routes of the console contract', () => {
    const contract = readFileSync(join(__dirname, '../../lib/console/contract.ts'), 'utf8');
    const documented = [...contract.matchAll(/^ \*\s+(GET|POST)\s+(\/api\/[^\s?]+)/gm)].map(
      ([, method, path]) => `${method} ${path}`,
    );
    expect(documented.length).toBeGreaterThan(5);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    expect(routes.map((route) => route.Properties['RouteKey']).sort()).toEqual([...documented].sort());
    expect([...CONSOLE_ROUTES].sort()).toEqual([...documented].sort());
  });

  it('puts the Cognito JWT authorizer on every route, checking issuer and audience (this app client)', () => {
    const authorizerId = idOf(template, 'AWS::ApiGatewayV2::Authorizer');
    for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[]) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
    expect(only(template, 'AWS::ApiGatewayV2::Authorizer').Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: idOf(template, 'AWS::Cognito::UserPoolClient') }],
        Issuer: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: idOf(template, 'AWS::Cognito::UserPool') }])] },
      },
    });
  });

  it('allows no cross-origin calls (the app is on the same origin), throttles and logs every request as JSON', () => {
    expect(only(template, 'AWS::ApiGatewayV2::Api').Properties['CorsConfiguration']).toBeUndefined();
    const stage = only(template, 'AWS::ApiGatewayV2::Stage').Properties;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: CONSOLE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: CONSOLE_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: expect.anything() },
    });
    const format = JSON.parse((stage['AccessLogSettings'] as { Format: string }).Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('runs the console-api function on ARM64 with the current Node runtime, tracing, and its environment', () => {
    const fn = (Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]).find((candidate) =>
      /web console API/.test(String(candidate.Properties['Description'])),
    ) as Resource;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    const variables = Object.keys((fn.Properties['Environment'] as { Variables: object }).Variables);
    expect(variables).toEqual(expect.arrayContaining(Object.values(CONSOLE_ENVIRONMENT)));
    expect(variables.filter((name) => /SECRET|PASSWORD|TOKEN|KEY/.test(name))).toEqual([]);
  });
});

describe('the web console: least privilege', () => {
  it('reads and triages the history table (and its indexes) only; never creates or deletes history', () => {
    const history = consoleStatements(template).find((statement) => statement.Sid === 'History') as Statement;
    expect(actionsOf(history).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(history.Resource)).toMatch(/History/);
    expect(JSON.stringify(history.Resource)).not.toMatch(/Allowlist|State/);
  });

  it('writes the allowlist table only (the audit stream then reports every change)', () => {
    const writes = consoleStatements(template).filter((statement) =>
      actionsOf(statement).some((action) => /PutItem|DeleteItem/.test(action)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TablesAllowlist/), 'Arn'] });
    const tableGrants = consoleStatements(template).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );
    expect(JSON.stringify(tableGrants)).not.toMatch(/TablesState/);
  });

  it('uses Resource "*" only for GetMetricData and X-Ray, and reads depth of the failure queues by ARN', () => {
    for (const statement of consoleStatements(template)) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/^\*$|:\*$/);
      if (statement.Resource === '*') {
        for (const action of actionsOf(statement)) expect(action).toMatch(/^cloudwatch:GetMetricData$|^xray:Put/);
      }
    }
    const depth = consoleStatements(template).find((statement) => statement.Sid === 'QueueDepth') as Statement;
    expect(depth.Action).toBe('sqs:GetQueueAttributes');
    expect(depth.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Failures/), 'Arn'] });
    const services = new Set(
      consoleStatements(template)
        .flatMap(actionsOf)
        .map((action) => action.split(':')[0]),
    );
    expect([...services].sort()).toEqual(['cloudwatch', 'dynamodb', 'kms', 'sqs', 'xray']);
  });
});

describe('the web console: outputs', () => {
  it('prints the console URL and the user pool id', () => {
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const url = Object.entries(outputs).find(([id]) => id.startsWith('ConsoleUrl'));
    const pool = Object.entries(outputs).find(([id]) => id.startsWith('ConsoleUserPoolId'));
    expect(JSON.stringify(url?.[1].Value)).toContain('DomainName');
    expect(pool?.[1].Value).toEqual({ Ref: idOf(template, 'AWS::Cognito::UserPool') });
  });
});
