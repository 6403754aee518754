/**
 * Precompile a rule directory for fast cold starts: writes `<dir>/rules.compiled.json`, the parsed YAML documents of
 * every rule file (plain JSON) with their paths and content hashes. loadRuleDirectory uses it while it is fresh.
 *
 *   npx tsx scripts/compile-rules.ts <rules-dir>
 *
 * Run it after the rule files are in their final place (e.g. in the CDK bundling hook, after copying rules/).
 * Exits non-zero when the directory cannot be read or the compiled file does not load the same rules as the YAML.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listRuleFiles, loadRuleDirectory } from '../lib/rules';
import { buildCompiledPack, relativeRulePath, writeCompiledPack } from '../lib/rules/compiled-pack';

function summary(loaded: ReturnType<typeof loadRuleDirectory>): string {
  return JSON.stringify([
    loaded.rules.map((rule) => rule.metadata.id),
    loaded.correlations.map((correlation) => correlation.metadata.id),
    loaded.errors,
  ]);
}

function main(argv: readonly string[]): number {
  const [dirArg, ...rest] = argv;
  if (!dirArg || rest.length > 0) {
    process.stderr.write('usage: compile-rules <rules-dir>\n');
    return 2;
  }
  const dir = resolve(dirArg);
  let files: string[];
  try {
    files = listRuleFiles(dir);
  } catch (cause) {
    process.stderr.write(`compile-rules: cannot read ${dir}: ${String(cause)}\n`);
    return 1;
  }
  // Parse the YAML before writing: the reference the compiled form must reproduce.
  const fromYaml = loadRuleDirectory(dir);
  const pack = buildCompiledPack(
    files.map((file) => ({ path: relativeRulePath(dir, file), text: readFileSync(file, 'utf8') })),
  );
  const target = writeCompiledPack(dir, pack);
  const fromCompiled = loadRuleDirectory(dir);
  const warnings = fromCompiled.warnings ?? [];
  if (warnings.length > 0 || summary(fromCompiled) !== summary(fromYaml)) {
    process.stderr.write(
      `compile-rules: ${target} does not load like the YAML files: ${JSON.stringify(warnings.map((w) => w.reason))}\n`,
    );
    return 1;
  }
  const yamlOnly = pack.files.filter((file) => file.documents === undefined).length;
  process.stdout.write(
    `compile-rules: ${target}: ${pack.files.length} rule files (${yamlOnly} left to YAML), ` +
      `${fromCompiled.rules.length} rules, ${fromCompiled.correlations.length} correlations, ` +
      `${fromCompiled.errors.length} load errors\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
