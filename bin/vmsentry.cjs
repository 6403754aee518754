#!/usr/bin/env node
// `npx vmsentry ...`: the compiled CLI (dist/cli/vmsentry.cjs, built by `npm ci`/`npm run build:cli`) while it is
// newer than every source file, else the TypeScript entry through tsx (a checkout being edited).
// VMSENTRY_CLI=source or =compiled forces one.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// The SDK's Node-version notice is for Lambda operators, not for CLI users.
// The variable this SDK release reads is AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; both are set.
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'cli', 'vmsentry.cjs');
const SOURCES = ['bin', 'lib', 'lambdas'];

/** The newest modification time of a .ts file under the source directories (a few hundred stats: milliseconds). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCES) {
    const full = path.join(ROOT, dir);
    if (fs.existsSync(full)) walk(full);
  }
  return newest;
}

function useBundle() {
  const forced = process.env.VMSENTRY_CLI;
  if (forced === 'source') return false;
  let built;
  try {
    built = fs.statSync(BUNDLE).mtimeMs;
  } catch {
    if (forced === 'compiled') throw new Error(`VMSENTRY_CLI=compiled but ${BUNDLE} does not exist: npm run build:cli`);
    return false;
  }
  return forced === 'compiled' || built >= newestSource();
}

let main;
if (useBundle()) {
  ({ main } = require(BUNDLE));
} else {
  require('tsx/cjs');
  ({ main } = require('./vmsentry.ts'));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`vmsentry: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
