import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_ENV, envNames, fromEnv } from '../../bin/cli-env';

describe('CLI environment variables (bin/cli-env.ts)', () => {
  it('reads the VMSENTRY_ name first, then the Lambda function name; empty counts as unset', () => {
    expect(fromEnv('allowlistTable', { VMSENTRY_ALLOWLIST_TABLE: 'cli', ALLOWLIST_TABLE: 'lambda' })).toBe('cli');
    expect(fromEnv('allowlistTable', { ALLOWLIST_TABLE: 'lambda' })).toBe('lambda');
    expect(fromEnv('stateTable', { VMSENTRY_STATE_TABLE: '', STATE_TABLE: 'lambda-state' })).toBe('lambda-state');
    expect(fromEnv('alertTopicArn', {})).toBeUndefined();
    expect(envNames('alertTopicArn')).toBe('VMSENTRY_ALERT_TOPIC_ARN (or ALERT_TOPIC_ARN)');
  });

  it('every VMSENTRY_ variable the CLI reads is in the one table docs/operations.md keeps', () => {
    const doc = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    for (const [own, lambda] of Object.values(CLI_ENV)) {
      expect(doc).toContain(`\`${own}\``);
      expect(doc).toContain(`\`${lambda}\``);
    }
    for (const name of [
      'VMSENTRY_CORPUS_DIR',
      'VMSENTRY_SIGMA_DIR',
      'VMSENTRY_CLI',
      'VMSENTRY_DEBUG',
      'VMSENTRY_ENDPOINT',
      'VMSENTRY_LOCAL_STATE',
    ]) {
      expect(doc).toContain(`\`${name}\``);
    }
  });
});
