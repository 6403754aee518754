import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS, FUNCTION_RULE_PACK, ruleBundlingCommands } from '../../cdk/bundling';
import { loadRuleDirectory } from '../../lib/rules';
import { loadRulePack } from '../../lib/rules/rule-pack';
import { loadedShape } from '../../scripts/pack-rules';
import { FULL_CONFIG, synth } from './synth';

const REPO = join(__dirname, '..', '..');

describe('function bundling (cdk/bundling.ts)', () => {
  it("the detection functions' bundling hook writes the rule pack beside the bundle, loading what rules/ loads", () => {
    const out = mkdtempSync(join(tmpdir(), 'vmsentry-asset-'));
    try {
      for (const command of ruleBundlingCommands(REPO, out)) {
        execFileSync('bash', ['-c', command], { cwd: REPO, stdio: 'pipe' });
      }
      // The checkout's rules.compiled.json (npm ci writes one) is left behind: the pack replaces it.
      expect(existsSync(join(out, 'rules', 'rules.compiled.json'))).toBe(false);
      const fromPack = loadRulePack(join(out, FUNCTION_RULE_PACK), join(out, 'rules'));
      expect(fromPack.rules.length).toBeGreaterThan(50);
      expect(loadedShape(fromPack)).toBe(loadedShape(loadRuleDirectory(join(out, 'rules'))));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it("keeps source map files but does not turn on Node's source-map support in any function", () => {
    expect(FUNCTION_BUNDLING.sourceMap).toBe(true);
    expect(FUNCTION_NODE_OPTIONS).not.toContain('--enable-source-maps');
    const functions = synth(FULL_CONFIG).findResources('AWS::Lambda::Function');
    const withOptions = Object.values(functions).filter((fn) => {
      const variables = (fn as { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }).Properties
        ?.Environment?.Variables;
      return variables?.['NODE_OPTIONS'] !== undefined && variables['NODE_OPTIONS'] !== FUNCTION_NODE_OPTIONS;
    });
    expect(Object.keys(functions).length).toBeGreaterThan(3);
    expect(withOptions).toEqual([]);
  });
});
