/**
 * The environment `cdklocal` and the AWS SDK need to talk to LocalStack: its endpoint, a region and the dummy
 * credentials LocalStack accepts. Shared by the bootstrap and deploy scripts.
 */
export const DEFAULT_ENDPOINT = 'http://localhost:4566';
export const DEFAULT_OUTPUTS_FILE = '.localstack/outputs.json';

export function localstackEnv(endpoint: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const url = new URL(endpoint);
  return {
    ...base,
    AWS_ENDPOINT_URL: endpoint,
    // aws-cdk-local reads these to point the CDK CLI at LocalStack.
    AWS_ENDPOINT_URL_S3: endpoint,
    LOCALSTACK_HOSTNAME: url.hostname,
    EDGE_PORT: url.port || '4566',
    AWS_ACCESS_KEY_ID: base['AWS_ACCESS_KEY_ID'] ?? 'test',
    AWS_SECRET_ACCESS_KEY: base['AWS_SECRET_ACCESS_KEY'] ?? 'test',
    AWS_REGION: base['AWS_REGION'] ?? 'us-east-1',
    AWS_DEFAULT_REGION: base['AWS_DEFAULT_REGION'] ?? base['AWS_REGION'] ?? 'us-east-1',
    CDK_DEFAULT_ACCOUNT: base['CDK_DEFAULT_ACCOUNT'] ?? '000000000000',
    CDK_DEFAULT_REGION: base['CDK_DEFAULT_REGION'] ?? base['AWS_REGION'] ?? 'us-east-1',
  };
}

/** `--endpoint URL` and `--config FILE` style flags, shared by the scripts. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}
