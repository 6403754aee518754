/**
 * Bundle every lambdas/*.ts entry the way the CDK's NodejsFunction does (cdk/bundling.ts: minify, sourcemap,
 * platform node, target node22, CommonJS, nothing external; the rule pack beside the functions that detect) and
 * report the sizes. With --check, exit 1 when a bundle exceeds its
 * budget: a bundle that grows past it slows every cold start, so the growth must be a decision, not an accident.
 *
 *   tsx bench/bundle.ts            print sizes
 *   tsx bench/bundle.ts --check    print sizes, fail over budget
 *   tsx bench/bundle.ts --json     one JSON object per bundle
 *   tsx bench/bundle.ts --out DIR  keep the bundles in DIR (default: a temporary directory, removed afterwards)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { FUNCTION_BUNDLING, FUNCTION_RULE_PACK } from '../cdk/bundling';
import { packRules } from '../scripts/pack-rules';

/**
 * Minified bytes allowed per bundle: the sizes measured on 2026-11-27 plus ~25 % headroom (the AWS SDK clients are
 * bundled in, not taken from the runtime). Raise a budget deliberately, with the reason, in docs/benchmarks.md.
 */
export const BUNDLE_BUDGET_BYTES: Readonly<Record<string, number>> = {
  // Raised 2026-12-04 (issue 14 closing), see docs/benchmarks.md "Bundles": linear-time RE2JS (147 KB), the S3
  // quarantine and failure-payload writers, the breadth parsers and the streamed decoders; zod (445 KB) stays with the
  // runtime configuration's schema.
  'cloudwatch-subscription': 1_850_000,
  'edr-feed': 2_450_000,
  'allowlist-audit': 700_000,
  'slack-notifier': 1_150_000,
};
/** Budget for an entry not listed above. */
export const DEFAULT_BUDGET_BYTES = 1_500_000;

/** The functions the stack deploys with rules (cdk/stack.ts `withRules`): their bundle gets the rule pack beside it. */
export const DETECTION_FUNCTIONS: ReadonlySet<string> = new Set(['cloudwatch-subscription', 'edr-feed']);

export interface BundleReport {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly budget: number;
  readonly withinBudget: boolean;
}

const REPO = path.join(__dirname, '..');

/** A module that exports the Lambda `handler` (the others in lambdas/ are shared by the handlers). */
const HANDLER_EXPORT = /^export (?:async function|function|const) handler\b/m;

/** The handler entries: every lambdas/*.ts that exports a `handler`. */
export function lambdaEntries(repo = REPO): string[] {
  const dir = path.join(repo, 'lambdas');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .filter((name) => HANDLER_EXPORT.test(readFileSync(path.join(dir, name), 'utf8')))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Bundle each entry into outDir/<name>/index.js (the layout NodejsFunction produces), rule-pack.json beside it. */
export function bundleLambdas(outDir: string, repo = REPO): BundleReport[] {
  return lambdaEntries(repo).map((entry) => {
    const name = path.basename(entry, '.ts');
    const file = path.join(outDir, name, 'index.js');
    mkdirSync(path.dirname(file), { recursive: true });
    buildSync({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: FUNCTION_BUNDLING.minify,
      sourcemap: FUNCTION_BUNDLING.sourceMap,
      platform: 'node',
      target: FUNCTION_BUNDLING.target,
      format: 'cjs',
      logLevel: 'error',
    });
    if (DETECTION_FUNCTIONS.has(name)) {
      const packed = packRules(path.join(repo, 'rules'), path.join(path.dirname(file), FUNCTION_RULE_PACK));
      if (!packed.ok) throw new Error(`rule pack for ${name}: ${packed.reason}`);
    }
    const bytes = statSync(file).size;
    const budget = BUNDLE_BUDGET_BYTES[name] ?? DEFAULT_BUDGET_BYTES;
    return { name, file, bytes, budget, withinBudget: bytes <= budget };
  });
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const json = argv.includes('--json');
  const outIndex = argv.indexOf('--out');
  const keep = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const outDir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'vmsentry-bundles-'));
  try {
    const reports = bundleLambdas(outDir);
    for (const report of reports) {
      if (json) {
        console.log(JSON.stringify({ name: `bundle:${report.name}`, bytes: report.bytes, budget: report.budget }));
      } else {
        const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
        const mark = report.withinBudget ? 'ok' : 'OVER BUDGET';
        console.log(`${report.name.padEnd(26)} ${kb(report.bytes).padStart(9)}  budget ${kb(report.budget)}  ${mark}`);
      }
    }
    const over = reports.filter((report) => !report.withinBudget);
    if (check && over.length > 0) {
      console.error(`bundle budget exceeded: ${over.map((report) => report.name).join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    if (!keep) rmSync(outDir, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
