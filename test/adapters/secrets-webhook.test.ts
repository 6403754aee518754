import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { secretWebhookUrl, WebhookSecretError } from '../../lib/adapters/secrets-webhook';

// Secrets Manager has no in-process emulator; the client mock stands in for the service (fault injection included).
const secrets = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-webhook';
const URL_TEXT = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';

function reader(clock: () => number = () => 0) {
  return secretWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), ARN, { ttlMs: 1000, clock });
}

beforeEach(() => secrets.reset());

describe('secretWebhookUrl', () => {
  it('reads a plain URL secret once and reuses it within the TTL', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: URL_TEXT });
    const read = reader();
    expect(await read()).toBe(URL_TEXT);
    expect(await read()).toBe(URL_TEXT);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
  });

  it('reads it again after the TTL, so a rotated secret is picked up', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: URL_TEXT })
      .resolves({ SecretString: `${URL_TEXT}2` });
    let now = 0;
    const read = reader(() => now);
    await read();
    now = 1001;
    expect(await read()).toBe(`${URL_TEXT}2`);
  });

  it('accepts a JSON secret with a url key', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: URL_TEXT }) });
    expect(await reader()()).toBe(URL_TEXT);
  });

  it.each([
    ['an http URL', 'http://hooks.slack.com/services/x'],
    ['not a URL', 'just-text'],
    ['JSON without url', '{"token":"x"}'],
    ['an empty secret', ''],
  ])('refuses %s with an error that does not echo the secret', async (_name, value) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value });
    const error = await reader()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookSecretError);
    if (value.length > 0) expect((error as Error).message).not.toContain(value);
  });

  it('does not cache a failure: the next call asks again', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({ SecretString: URL_TEXT });
    const read = reader();
    await expect(read()).rejects.toThrow('ThrottlingException');
    expect(await read()).toBe(URL_TEXT);
  });
});
