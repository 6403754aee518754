import { readFileSync } from 'node:fs';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { createLogGroups, logGroupNames } from '../../scripts/localstack-bootstrap';
import { deployArgs } from '../../scripts/localstack-deploy';
import { flagValue, localstackEnv } from '../../scripts/localstack-env';

const logs = mockClient(CloudWatchLogsClient);

describe('LocalStack scripts', () => {
  beforeEach(() => logs.reset());

  it('bootstrap creates every log group of the config, accepting the ones that exist', async () => {
    const names = logGroupNames(readFileSync('config/example.json', 'utf8'));
    expect(names).toContain('/vmsentry/linux/audit');
    logs.on(CreateLogGroupCommand).resolves({});
    logs
      .on(CreateLogGroupCommand, { logGroupName: '/vmsentry/linux/audit' })
      .rejects(Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' }));
    const created = await createLogGroups(
      new CloudWatchLogsClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
      names,
    );
    expect(created).toEqual(names.filter((name) => name !== '/vmsentry/linux/audit'));
  });

  it('bootstrap stops on any other CreateLogGroup failure', async () => {
    logs.on(CreateLogGroupCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(
      createLogGroups(
        new CloudWatchLogsClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
        ['/g'],
      ),
    ).rejects.toThrow('denied');
  });

  it('deploy runs cdklocal without approval prompts and writes the outputs file smoke reads', () => {
    expect(deployArgs('Vmsentry', '.localstack/outputs.json')).toEqual([
      'cdklocal',
      'deploy',
      'Vmsentry',
      '--require-approval',
      'never',
      '--outputs-file',
      '.localstack/outputs.json',
      '--context',
      'stackName=Vmsentry',
    ]);
  });

  it('points cdklocal and the SDK at the endpoint with dummy credentials, keeping real ones when set', () => {
    const env = localstackEnv('http://localhost:4566', {});
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      LOCALSTACK_HOSTNAME: 'localhost',
      EDGE_PORT: '4566',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_REGION: 'us-east-1',
    });
    expect(localstackEnv('http://ls:4567', { AWS_ACCESS_KEY_ID: 'mine', AWS_SECRET_ACCESS_KEY: 's' })).toMatchObject({
      AWS_ACCESS_KEY_ID: 'mine',
      EDGE_PORT: '4567',
    });
    expect(flagValue(['--endpoint', 'http://a'], '--endpoint')).toBe('http://a');
    expect(flagValue(['--endpoint=http://b'], '--endpoint')).toBe('http://b');
    expect(flagValue([], '--endpoint')).toBeUndefined();
  });
});
