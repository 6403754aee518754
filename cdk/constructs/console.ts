import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnOutput, CfnResource, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { ConsoleRuntimeConfig } from '../../lib/console/contract';
import { type ConsoleSettings, FIXED_FUNCTION_TIMEOUT_SECONDS } from '../../lib/settings';
import { PipelineFunction, PROJECT_ROOT } from './pipeline-function';

/** Where the console's build script writes the single-page app (index.html and its assets). */
export const DEFAULT_CONSOLE_ASSETS = join(PROJECT_ROOT, 'dist', 'console');

/**
 * The API routes of lib/console/contract.ts. Each is its own route with the JWT authorizer; anything else is answered
 * 404 by API Gateway without invoking the function.
 */
export const CONSOLE_ROUTES = [
  'GET /api/alerts',
  'GET /api/alerts/{id}',
  'POST /api/alerts/{id}/ack',
  'POST /api/alerts/{id}/close',
  'POST /api/alerts/{id}/reopen',
  'GET /api/allowlist',
  'POST /api/allowlist',
  'POST /api/allowlist/expire',
  'GET /api/rules',
  'GET /api/health',
  'GET /api/me',
] as const;

/** The console function's environment: what lambdas/console-api.ts reads at its cold start. */
export const CONSOLE_ENVIRONMENT = {
  historyTable: 'HISTORY_TABLE',
  allowlistTable: 'ALLOWLIST_TABLE',
  /** JSON `[{ "name": "...", "url": "..." }]`: the failure queues whose depth the health page shows. */
  failureQueues: 'FAILURE_QUEUES',
  /** JSON `["log group", ...]`: the subscribed sources whose heartbeat the health page shows. */
  heartbeatLogGroups: 'HEARTBEAT_LOG_GROUPS',
  /** Minutes of silence after which a heartbeat source shows as silent (the heartbeat alarms' period). */
  heartbeatMinutes: 'HEARTBEAT_MINUTES',
  /** CloudWatch namespace of the pipeline's metrics (parse errors). */
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;

/** API Gateway stage limits: a handful of analysts, never a crowd; a stolen token cannot hammer the tables. */
export const CONSOLE_THROTTLE = { rateLimit: 25, burstLimit: 50 } as const;

export interface ConsoleProps {
  readonly settings: ConsoleSettings;
  /** The stack's key: the tables are encrypted with it (the function needs it to read and write them). */
  readonly key: kms.IKey;
  readonly historyTable: dynamodb.ITable;
  readonly allowlistTable: dynamodb.ITable;
  /** Failure and dead-letter queues, by name, for the health page's queue depth. */
  readonly failureQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  readonly heartbeatLogGroups: readonly string[];
  readonly heartbeatMinutes: number;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  /** Built single-page app (must hold index.html). */
  readonly assetDirectory?: string;
}

/**
 * The optional web console (issue 15): a static single-page app in a private bucket served by CloudFront (origin
 * access control), Cognito sign-in (hosted UI, authorization code with PKCE, admins only), and the console HTTP API
 * (API Gateway, JWT authorizer on every route, one Lambda) served under /api/* by the same distribution, so the app
 * and its API share one origin: no CORS at all, and the content security policy needs no other API host.
 */
export class Console extends Construct {
  readonly url: string;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly api: apigw.HttpApi;
  readonly function: PipelineFunction;
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  private readonly historyTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.historyTable = props.historyTable;
    const assets = props.assetDirectory ?? DEFAULT_CONSOLE_ASSETS;
    if (!existsSync(join(assets, 'index.html'))) {
      throw new Error(
        `the web console is enabled but ${assets} has no index.html: build the console first (docs/deploy.md, "Web console")`,
      );
    }

    // Access logs of the site bucket and of CloudFront. CloudFront's standard logs need ACLs (object writer).
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs as s3.IBucket,
      serverAccessLogsPrefix: 'site/',
      // Rebuilt from the repository on every deploy: nothing in it is worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // User pool: admins only. No self sign-up, so adminEmails are the only people who can ever sign in.
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: false } },
      mfa: { off: cognito.Mfa.OFF, optional: cognito.Mfa.OPTIONAL, required: cognito.Mfa.REQUIRED }[props.settings.mfa],
      // TOTP authenticator apps only: SMS is weaker (SIM swaps) and needs an SNS role and spend limits.
      ...(props.settings.mfa === 'off' ? {} : { mfaSecondFactor: { otp: true, sms: false } }),
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, risky sign-ins) blocks, not only reports: the Plus plan.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      // The pool holds only the admins the configuration lists; turning the console off removes it with them.
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    if (props.settings.mfa !== 'required') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: `console.mfa is "${props.settings.mfa}" in the configuration (the default is "optional": each admin may enrol a TOTP app). Set it to "required" to make every sign-in ask for one.`,
      });
    }
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        // Unique per stack unless configured: the stack id's GUID (hosted UI prefixes are global per region).
        domainPrefix:
          props.settings.domainPrefix ?? Fn.join('-', ['vmsentry', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
      },
    });
    const cognitoUrl = domain.baseUrl();

    // Rewrites app routes (paths without a file extension) to index.html, on the app's behavior only, so API
    // errors under /api/* reach the app as they are instead of being replaced by index.html.
    const spaRoutes = new cloudfront.Function(this, 'SpaRoutes', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'vmsentry console: serve index.html for single-page app routes',
      code: cloudfront.FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          "  var last = request.uri.split('/').pop();",
          "  if (last.indexOf('.') === -1) request.uri = '/index.html';",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'vmsentry console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(cognitoUrl), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
            override: true,
          },
        ],
      },
    });

    // The function and its API.
    this.function = new PipelineFunction(this, 'Api', {
      entry: 'console-api',
      description: 'vmsentry: web console API (alerts, allowlist, rules, health)',
      memorySize: 512,
      timeout: Duration.seconds(FIXED_FUNCTION_TIMEOUT_SECONDS.consoleApi),
      environment: {
        [CONSOLE_ENVIRONMENT.historyTable]: props.historyTable.tableName,
        [CONSOLE_ENVIRONMENT.allowlistTable]: props.allowlistTable.tableName,
        [CONSOLE_ENVIRONMENT.failureQueues]: Stack.of(this).toJsonString(
          props.failureQueues.map(({ name, queue }) => ({ name, url: queue.queueUrl })),
        ),
        [CONSOLE_ENVIRONMENT.heartbeatLogGroups]: JSON.stringify(props.heartbeatLogGroups),
        [CONSOLE_ENVIRONMENT.heartbeatMinutes]: String(props.heartbeatMinutes),
        [CONSOLE_ENVIRONMENT.metricsNamespace]: props.metricsNamespace,
      },
      logRetention: props.logRetention,
      key: props.key,
      // The rules page shows the catalogue (descriptions, samples) from the same rules/ the pipeline runs.
      withRules: true,
      synchronous: true,
    });
    this.grantLeastPrivilege(this.function.function, props);

    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-console`,
      description: 'vmsentry web console API (Cognito JWT on every route)',
      createDefaultStage: false,
    });
    const accessLog = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: CONSOLE_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLog),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            user: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const apiOrigin = new origins.HttpOrigin(Fn.select(2, Fn.split('/', this.api.apiEndpoint)), {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'vmsentry web console',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: accessLogs as s3.IBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket as s3.IBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spaRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Never cached; with caching off, CloudFront forwards the Authorization header (not Host: API Gateway
          // routes on its own host name).
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    const redirectUri = `${this.url}/`;

    this.userPoolClient = this.userPool.addClient('App', {
      // A browser app cannot keep a secret: a public client, signed in with the authorization code and PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [redirectUri],
        logoutUrls: [redirectUri],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // The JWT authorizer checks the token's signature, issuer, expiry and audience (this app client); the
    // function reads the signed-in e-mail from the verified ID token's claims.
    const authorizer = new HttpJwtAuthorizer(
      'Cognito',
      `https://cognito-idp.${Stack.of(this).region}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`,
      { jwtAudience: [this.userPoolClient.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    const integration = new HttpLambdaIntegration('Function', this.function.function);
    for (const route of CONSOLE_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      this.api.addRoutes({
        path,
        methods: [method as apigw.HttpMethod],
        integration,
        authorizer,
      });
    }

    for (const address of props.settings.adminEmails) {
      new cognito.CfnUserPoolUser(this, `Admin${createHash('sha256').update(address).digest('hex').slice(0, 12)}`, {
        userPoolId: this.userPool.userPoolId,
        username: address,
        userAttributes: [
          { name: 'email', value: address },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
    }

    const runtimeConfig: ConsoleRuntimeConfig = {
      auth: 'cognito',
      apiUrl: this.url,
      cognito: {
        region: Stack.of(this).region,
        userPoolId: this.userPool.userPoolId,
        clientId: this.userPoolClient.userPoolClientId,
        domain: cognitoUrl,
        redirectUri,
      },
    };
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [s3deploy.Source.asset(assets), s3deploy.Source.jsonData('config.json', runtimeConfig)],
      destinationBucket: this.bucket as s3.IBucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
    this.acknowledgeFindings(deployment);

    new CfnOutput(this, 'Url', { value: this.url, description: 'vmsentry web console' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'vmsentry console user pool' });
  }

  /** Read and write the history and allowlist tables, read failure-queue depth and the pipeline's metrics. */
  private grantLeastPrivilege(
    fn: iam.IGrantable & { addToRolePolicy(s: iam.PolicyStatement): void },
    props: ConsoleProps,
  ) {
    const indexesOf = (table: dynamodb.ITable) => [table.tableArn, `${table.tableArn}/index/*`];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'History',
        // Triage changes state (ack, close); the history writer alone creates records.
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: indexesOf(props.historyTable),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'Allowlist',
        // The CLI's allowlist operations: list (per host or all, for "expiring soon"), add, edit, expire.
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        resources: [props.allowlistTable.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TableKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [props.key.keyArn],
      }),
    );
    if (props.failureQueues.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'QueueDepth',
          actions: ['sqs:GetQueueAttributes'],
          resources: props.failureQueues.map(({ queue }) => queue.queueArn),
        }),
      );
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HealthMetrics',
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
  }

  /** Findings AWS offers nothing narrower for, each with its reason, on the resource it concerns. */
  private acknowledgeFindings(deployment: s3deploy.BucketDeployment): void {
    const role = this.function.function.role;
    if (role) {
      Validations.of(role).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "The AWS managed basic execution role only allows writing the function's own logs.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'cloudwatch:GetMetricData (health page) and X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
        },
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagReference(this.historyTable.tableArn, this.historyTable)}/index/*]`,
        reason: "Queries of the history table by time, host and rule use its indexes: that table's indexes only.",
      });
    }
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: analysts sign in from wherever they work; every page needs a Cognito sign-in and every API call a valid token.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL (a fixed monthly cost larger than the rest of the console): the site is static, every API route needs a Cognito JWT, the API stage is throttled, and Cognito threat protection guards sign-in.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate: a distribution without its own certificate cannot set a minimum viewer TLS version. Pinning TLSv1.2_2021 needs a custom domain and an ACM certificate, which the console does not require.',
      },
    );
    // The BucketDeployment's handler is one function per stack (a singleton outside this construct).
    const handler = Stack.of(this)
      .node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))
      .at(0);
    for (const target of [deployment, ...(handler ? [handler] : [])]) {
      Validations.of(target).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'CDK BucketDeployment handler: the managed basic execution role only writes its own logs.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
          reason: 'CDK BucketDeployment handler reads the console assets from the CDK asset bucket.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          reason: 'CDK BucketDeployment handler reads the console assets from the CDK asset bucket.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:List*]',
          reason: 'CDK BucketDeployment handler lists the asset and site buckets to copy and prune.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          reason: 'CDK BucketDeployment handler prunes old files from the console site bucket only.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
          reason: 'CDK BucketDeployment handler uploads to the console site bucket only.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${nagReference(this.bucket.bucketArn, this.bucket)}/*]`,
          reason: 'CDK BucketDeployment handler writes and prunes the objects of the console site bucket only.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucketName(Stack.of(this))}/*]`,
          reason: 'CDK BucketDeployment handler reads the console assets CDK uploaded to its bootstrap asset bucket.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'CDK BucketDeployment handler: cloudfront:CreateInvalidation/GetInvalidation support no resource-level permissions.',
        },
        {
          id: 'AwsSolutions-L1',
          reason: 'CDK BucketDeployment handler: its runtime is chosen by aws-cdk-lib and updated with it.',
        },
        {
          id: 'Serverless-LambdaDLQ',
          reason: 'CDK BucketDeployment handler is a CloudFormation custom resource: a failure fails the deployment.',
        },
        {
          id: 'Serverless-LambdaTracing',
          reason: 'CDK BucketDeployment handler runs only during deployments.',
        },
        {
          id: 'Serverless-LambdaLatestVersion',
          reason: 'CDK BucketDeployment handler: its runtime is chosen by aws-cdk-lib and updated with it.',
        },
      );
    }
  }
}

/**
 * How cdk-nag names an ARN in a finding: `<LogicalId.Arn>` for a resource of this app, the ARN itself for an imported
 * one (so an acknowledgment names exactly the resource it is about).
 */
function nagReference(arn: string, construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!Token.isUnresolved(arn) || !CfnResource.isCfnResource(resource)) return arn;
  return `<${Stack.of(construct).resolve(resource.logicalId) as string}.Arn>`;
}

/** The bootstrap asset bucket (default qualifier), as cdk-nag prints it for this stack's environment. */
function assetBucketName(stack: Stack): string {
  const qualifier = (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? 'hnb659fds';
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `cdk-${qualifier}-assets-${account}-${region}`;
}

/**
 * The console's content security policy: scripts, styles and fetches from the console's own origin only (its API is
 * under /api/* of the same distribution), plus the Cognito hosted UI domain, whose token endpoint the app calls to
 * exchange the authorization code. No inline scripts or styles, no eval, no framing, no plugins.
 */
export function contentSecurityPolicy(cognitoUrl: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${cognitoUrl}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}
