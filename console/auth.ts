import type { ConsoleRuntimeConfig } from '../lib/console/contract';

/**
 * Sign-in. Deployed: Cognito's hosted UI, authorization code with PKCE (the app client has no secret), the ID token
 * kept in sessionStorage and sent as the bearer the API's JWT authorizer verifies. Local: the local console server's
 * stub sign-in (an access code it printed), which exists only there.
 */
export interface Session {
  readonly token: string;
  readonly email: string;
}

const SESSION_KEY = 'vmsentry.session';
const VERIFIER_KEY = 'vmsentry.pkce';

export function currentSession(): Session | undefined {
  const text = sessionStorage.getItem(SESSION_KEY);
  if (!text) return undefined;
  try {
    const session = JSON.parse(text) as Session;
    return typeof session.token === 'string' && typeof session.email === 'string' ? session : undefined;
  } catch {
    return undefined;
  }
}

export function signOut(config: ConsoleRuntimeConfig): void {
  sessionStorage.removeItem(SESSION_KEY);
  if (config.auth === 'cognito') {
    const { domain, clientId, redirectUri } = config.cognito;
    const url = `${domain}/logout?client_id=${encodeURIComponent(clientId)}&logout_uri=${encodeURIComponent(redirectUri)}`;
    window.location.assign(url);
    return;
  }
  window.location.hash = '#/';
  window.location.reload();
}

export async function localSignIn(config: ConsoleRuntimeConfig, email: string, code: string): Promise<Session> {
  const response = await fetch(`${config.apiUrl}/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, code }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; email?: string; error?: string };
  if (!response.ok || !body.token || !body.email) throw new Error(body.error ?? `sign-in failed (${response.status})`);
  const session = { token: body.token, email: body.email };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Go to the hosted UI with a fresh PKCE verifier (S256). */
export async function cognitoSignIn(config: Extract<ConsoleRuntimeConfig, { auth: 'cognito' }>): Promise<void> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier, state }));
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const { domain, clientId, redirectUri } = config.cognito;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  window.location.assign(`${domain}/oauth2/authorize?${query.toString()}`);
}

/** Back from the hosted UI with ?code=…&state=…: exchange the code for tokens. Undefined when not a callback. */
export async function completeCognitoSignIn(
  config: Extract<ConsoleRuntimeConfig, { auth: 'cognito' }>,
): Promise<Session | undefined> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem(VERIFIER_KEY);
  if (!saved.verifier || saved.state !== params.get('state'))
    throw new Error('sign-in state did not match; sign in again');
  const { domain, clientId, redirectUri } = config.cognito;
  const response = await fetch(`${domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: saved.verifier,
    }).toString(),
  });
  const tokens = (await response.json()) as { id_token?: string };
  if (!response.ok || !tokens.id_token) throw new Error(`sign-in failed (${response.status})`);
  const claims = JSON.parse(atob(tokens.id_token.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as {
    email?: string;
  };
  const session = { token: tokens.id_token, email: claims.email ?? 'unknown' };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  return session;
}
