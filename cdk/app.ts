#!/usr/bin/env node
import { join } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ConfigError, loadConfig, type VmsentryConfig } from './config';
import { VmsentryStack } from './stack';

const app = new App();
const config = configOrExit(() => loadConfig(app.node, join(__dirname, '..')));
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Vmsentry';
new VmsentryStack(app, stackName, {
  config,
  description:
    'vmsentry: detection of MITRE ATT&CK T1564.006 (Run Virtual Instance) from CloudWatch Logs and EDR feeds',
  ...(process.env['CDK_DEFAULT_ACCOUNT'] && process.env['CDK_DEFAULT_REGION']
    ? { env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] } }
    : {}),
});
Tags.of(app).add('application', 'vmsentry');
// cdk-nag on every synth: a finding fails `cdk synth` unless acknowledged with a reason in the stack.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

/**
 * A configuration mistake is the operator's, not the program's: print the message (every bad field with its path)
 * and stop, instead of a stack trace that buries it.
 */
function configOrExit(load: () => VmsentryConfig): VmsentryConfig {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
