import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** A webhook secret that is missing, empty or not an https URL. The message never contains the secret. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/** A webhook post that failed or was answered with a non-2xx status. The message never contains the URL. */
export class WebhookPostError extends Error {
  override readonly name = 'WebhookPostError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SecretWebhookOptions {
  /** How long a fetched URL is reused, so a rotated secret is picked up. Default 15 minutes. */
  readonly ttlMs?: number;
  readonly clock?: () => number;
}

/**
 * The webhook URL from Secrets Manager, cached per container for `ttlMs`. The secret is either the URL itself or
 * JSON with a `url` (or `webhookUrl`) key. Failures are not cached: the next invocation asks again.
 */
export function secretWebhookUrl(
  client: SecretsManagerClient,
  secretId: string,
  options: SecretWebhookOptions = {},
): () => Promise<string> {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const clock = options.clock ?? Date.now;
  let cached: { url: string; until: number } | undefined;
  return async () => {
    const now = clock();
    if (cached && now < cached.until) return cached.url;
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const url = webhookUrlOf(response.SecretString);
    cached = { url, until: now + ttlMs };
    return url;
  };
}

function webhookUrlOf(secret: string | undefined): string {
  const text = secret?.trim();
  if (!text) throw new WebhookSecretError('the webhook secret has no string value');
  let candidate = text;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new WebhookSecretError('the webhook secret is neither a URL nor valid JSON');
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    const value = record['url'] ?? record['webhookUrl'];
    if (typeof value !== 'string') throw new WebhookSecretError('the webhook secret JSON has no "url" string');
    candidate = value.trim();
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new WebhookSecretError('the webhook secret is not a URL');
  }
  if (url.protocol !== 'https:') throw new WebhookSecretError('the webhook URL is not https');
  return url.toString();
}

export interface HttpsPostOptions {
  /** Default 5 seconds: well inside the Lambda timeout, so a hung endpoint fails the invocation and SNS retries. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * POST a JSON body; resolves on 2xx, throws WebhookPostError otherwise. Redirects are refused (the body would follow
 * them). Errors carry the status and a bounded excerpt of the response, never the URL, which is the credential.
 */
export async function postJson(url: string, body: string, options: HttpsPostOptions = {}): Promise<{ status: number }> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (error) {
    // Only the error's name and code: a fetch error's cause can echo request details.
    const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    const name = error instanceof Error ? error.name : 'Error';
    throw new WebhookPostError(`webhook post failed: ${name}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  if (response.status < 200 || response.status >= 300) {
    const text = await response.text().catch(() => '');
    throw new WebhookPostError(
      `webhook answered ${response.status}: ${text.slice(0, 200).replace(/[^\x20-\x7e]/g, '?')}`,
      response.status,
    );
  }
  return { status: response.status };
}
