/**
 * The console's HTTP API contract, shared by the deployed Lambda (API Gateway HTTP API, Cognito JWT authorizer) and
 * the local console server (`npm start -- --console`), so the single-page app talks to one API in both places.
 * Routes (all JSON, all under /api):
 *   GET  /api/alerts?host&rule&severity&state&since&until&limit&cursor   -> HistoryPage
 *   GET  /api/alerts/{id}                                               -> HistoryRecord
 *   POST /api/alerts/{id}/ack    {}                                     -> HistoryRecord
 *   POST /api/alerts/{id}/close  { reason }                             -> HistoryRecord
 *   POST /api/alerts/{id}/reopen {}                                     -> HistoryRecord
 *   GET  /api/allowlist?host&expiringWithinDays                         -> { entries }
 *   POST /api/allowlist          { entry }  (same validation as `vmsentry allowlist add`)
 *   POST /api/allowlist/expire   { host, id }
 *   GET  /api/rules                                                     -> { rules } with last fired time
 *   GET  /api/health                                                    -> parse errors, heartbeats, queue depth
 *   GET  /api/me                                                        -> { email }
 */
export interface ConsoleUser {
  /** From the verified identity (Cognito JWT claims, or the local stub sign-in). */
  readonly email: string;
}

export interface ConsoleRequest {
  readonly method: string;
  /** Path without the stage, starting with /api. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Raw body text (JSON) or undefined. */
  readonly body?: string;
  readonly user: ConsoleUser;
}

export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * `/config.json` beside the single-page app: how it signs in and where its API is. The console stack writes it at
 * deploy time (Cognito hosted UI, authorization code with PKCE); the local console server writes the local variant
 * (stub sign-in on 127.0.0.1 only). No secret is ever in it: the app client has no secret.
 */
export type ConsoleRuntimeConfig =
  | {
      readonly auth: 'cognito';
      /** API base URL (API Gateway HTTP API), without trailing slash. */
      readonly apiUrl: string;
      readonly cognito: {
        readonly region: string;
        readonly userPoolId: string;
        readonly clientId: string;
        /** Hosted UI domain, e.g. https://vmsentry-123.auth.us-east-1.amazoncognito.com */
        readonly domain: string;
        /** Where the hosted UI returns after sign-in and sign-out: the CloudFront URL. */
        readonly redirectUri: string;
      };
    }
  | { readonly auth: 'local'; readonly apiUrl: string };
