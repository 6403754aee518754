/**
 * Write the rule pack the deployed functions load (lib/rules/rule-pack.ts): every rule file of a directory parsed
 * into one JSON file. The CDK bundling hook (cdk/bundling.ts) runs it on the rules/ copied beside each detection
 * function's bundle:
 *
 *   npx tsx scripts/pack-rules.ts <rules-dir> <out-file>
 *
 * Exits non-zero (and the deployment stops) when the directory cannot be read, loads no rule, or the written pack does
 * not load exactly what the YAML loads: the functions must never run other rules than the repository's.
 */
import { resolve } from 'node:path';
import { loadRuleDirectory, type RuleDirectory } from '../lib/rules';
import { buildRulePack, loadRulePack, writeRulePack } from '../lib/rules/rule-pack';

/**
 * Everything loaded except the compiled closures (JSON drops functions): what must be equal. Rule warnings are inside
 * the rules; the directory's own warnings (a stale rules.compiled.json it ignored) say nothing about the rules.
 */
export function loadedShape(loaded: RuleDirectory): string {
  return JSON.stringify([loaded.rules, loaded.correlations, loaded.errors]);
}

export function packRules(dirArg: string, outArg: string): { ok: true; rules: number } | { ok: false; reason: string } {
  const dir = resolve(dirArg);
  const out = resolve(outArg);
  const fromYaml = loadRuleDirectory(dir);
  if (fromYaml.rules.length === 0) {
    return { ok: false, reason: `no rule loaded from ${dir}: ${JSON.stringify(fromYaml.errors.slice(0, 3))}` };
  }
  writeRulePack(out, buildRulePack(dir));
  const fromPack = loadRulePack(out, dir);
  if (loadedShape(fromPack) !== loadedShape(fromYaml)) {
    return { ok: false, reason: `${out} does not load like the YAML files of ${dir}` };
  }
  return { ok: true, rules: fromPack.rules.length };
}

function main(argv: readonly string[]): number {
  const [dir, out, ...rest] = argv;
  if (!dir || !out || rest.length > 0) {
    process.stderr.write('usage: pack-rules <rules-dir> <out-file>\n');
    return 2;
  }
  try {
    const result = packRules(dir, out);
    if (!result.ok) {
      process.stderr.write(`pack-rules: ${result.reason}\n`);
      return 1;
    }
    process.stdout.write(`pack-rules: ${out}: ${result.rules} rules\n`);
    return 0;
  } catch (cause) {
    process.stderr.write(`pack-rules: ${String(cause)}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
