/**
 * How every function is bundled and started: the NodejsFunction options (cdk/constructs/pipeline-function.ts) and the
 * bench's own esbuild build (bench/bundle.ts) both read this, so the cold start the bench measures is the deployed one.
 * Plain data: no aws-cdk-lib import.
 */

/** esbuild: minified CommonJS for the runtime's Node, the AWS SDK bundled (pinned to the version we test with). */
export const FUNCTION_BUNDLING = {
  minify: true,
  /**
   * Source maps are written (index.js.map beside the bundle, for reading a minified stack trace), but NODE_OPTIONS
   * does not turn on Node's source-map support: with it Node reads and parses the whole map (7-8 MB for the detection
   * functions) on every cold start. The bench row `...:with-enable-source-maps` measures what it costs
   * (docs/benchmarks.md "Cold start").
   */
  sourceMap: true,
  target: 'node22',
} as const;

/**
 * The functions' NODE_OPTIONS: none. Listed here (empty) so a flag added later is a decision the cold-start bench
 * sees: bench/run.ts starts the bundles with exactly this.
 */
export const FUNCTION_NODE_OPTIONS: string = '';

/** The rule pack beside the bundle of each function that detects (lib/rules/rule-pack.ts RULE_PACK_FILE). */
export const FUNCTION_RULE_PACK = 'rule-pack.json';

/**
 * Shell commands of the bundling hook of a function that detects: the YAML rules copied beside the bundle (what
 * RULES_DIR-less YAML loading and operators read), then the rule pack the function loads at cold start, made from
 * them and checked to load exactly the same rules (scripts/pack-rules.ts exits non-zero otherwise, and the
 * deployment stops).
 */
export function ruleBundlingCommands(inputDir: string, outputDir: string): string[] {
  const rules = `${outputDir}/rules`;
  return [
    `cp -R "${inputDir}/rules" "${rules}"`,
    `rm -f "${rules}/rules.compiled.json"`,
    `npx --no-install tsx "${inputDir}/scripts/pack-rules.ts" "${rules}" "${outputDir}/${FUNCTION_RULE_PACK}"`,
  ];
}
