import { awsUsageError, clientConfig, isLocalEndpoint, withAwsErrors } from '../../bin/aws-clients';
import { UsageError } from '../../bin/cli-io';

describe('AWS client options (--region, --profile, --endpoint)', () => {
  it('gives a local emulator dummy credentials, a region and a single attempt', () => {
    expect(clientConfig({ endpoint: 'http://localhost:4566' }, {})).toEqual({
      region: 'us-east-1',
      endpoint: 'http://localhost:4566',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  it('leaves credentials to the SDK chain for real endpoints, a named profile, or credentials in the environment', () => {
    expect(clientConfig({ region: 'eu-west-1', profile: 'sec' }, {})).toEqual({
      region: 'eu-west-1',
      profile: 'sec',
      maxAttempts: 3,
    });
    expect(clientConfig({ endpoint: 'http://127.0.0.1:4566', profile: 'ls' }, {})).not.toHaveProperty('credentials');
    expect(
      clientConfig({ endpoint: 'http://127.0.0.1:4566' }, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
    ).not.toHaveProperty('credentials');
    expect(isLocalEndpoint('https://logs.us-east-1.amazonaws.com')).toBe(false);
    expect(isLocalEndpoint('http://localstack:4566')).toBe(true);
  });

  it('VMSENTRY_ENDPOINT stands in for --endpoint (what local --serve prints to export); the flag wins', () => {
    const env = { VMSENTRY_ENDPOINT: 'http://127.0.0.1:8421' };
    expect(clientConfig({}, env)).toMatchObject({
      endpoint: 'http://127.0.0.1:8421',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    expect(clientConfig({ endpoint: 'http://localhost:4566' }, env)).toMatchObject({
      endpoint: 'http://localhost:4566',
    });
    expect(clientConfig({}, { VMSENTRY_ENDPOINT: '' })).not.toHaveProperty('endpoint');
  });

  it('rejects a malformed endpoint or region as a usage error', () => {
    expect(() => clientConfig({ endpoint: 'not a url' }, {})).toThrow('not a URL');
    expect(() => clientConfig({ endpoint: 'localhost:4566' }, {})).toThrow('http:// or https://');
    expect(() => clientConfig({ endpoint: 'ftp://x' }, {})).toThrow('http:// or https://');
    expect(() => clientConfig({ region: 'Europe' }, {})).toThrow('not a region name');
  });
});

describe('awsUsageError', () => {
  it('turns a credentials failure into advice naming --profile', () => {
    const error = Object.assign(new Error('Could not resolve credentials using profile: [x]'), {
      name: 'CredentialsProviderError',
    });
    const usage = awsUsageError(error, { profile: 'x' });
    expect(usage).toBeInstanceOf(UsageError);
    expect(usage?.message).toContain('no AWS credentials (profile "x")');
    expect(usage?.message).toContain('--profile NAME');
  });

  it('turns a refused connection (also nested in an AggregateError) into "cannot reach <endpoint>"', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(awsUsageError(refused, { endpoint: 'http://localhost:4566' })?.message).toContain(
      'cannot reach http://localhost:4566 (ECONNREFUSED)',
    );
    const aggregate = Object.assign(new Error(''), { errors: [refused] });
    expect(awsUsageError(aggregate, {})?.message).toContain('cannot reach the AWS endpoint');
  });

  it('reports a missing region and rejected tokens, and leaves every other error alone', () => {
    expect(awsUsageError(new Error('Region is missing'), {})?.message).toContain('--region');
    expect(awsUsageError(Object.assign(new Error('bad'), { name: 'ExpiredTokenException' }), {})?.message).toContain(
      'rejected the credentials',
    );
    expect(awsUsageError(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }), {})).toBeUndefined();
    expect(awsUsageError('text', {})).toBeUndefined();
  });

  it('withAwsErrors rethrows user-fixable failures as usage errors and others unchanged', async () => {
    const other = new Error('ThrottlingException');
    await expect(withAwsErrors({}, async () => Promise.reject(other))).rejects.toBe(other);
    await expect(withAwsErrors({}, async () => Promise.reject(new Error('Region is missing')))).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(withAwsErrors({}, async () => 7)).resolves.toBe(7);
  });
});
