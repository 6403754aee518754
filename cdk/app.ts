#!/usr/bin/env node
import { join } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfig } from './config';
import { VmsentryStack } from './stack';

const app = new App();
const config = loadConfig(app.node, join(__dirname, '..'));
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
