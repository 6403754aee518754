#!/usr/bin/env node
// `npx vmsentry ...` from a checkout: run the TypeScript entry through tsx, no build step.
'use strict';

// The SDK's Node-version notice is for Lambda operators, not for CLI users.
// The variable this SDK release reads is AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; both are set.
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

require('tsx/cjs');
const { main } = require('./vmsentry.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`vmsentry: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
