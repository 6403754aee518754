import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSigmaHqShapedTree } from '../../bench/sigmahq-shaped';
import { listRuleFiles, loadRuleDirectory } from '../../lib/rules';

describe('bench: generated SigmaHQ-shaped rules/windows stand-in', () => {
  it('writes about 2,300 rules over the Windows categories and services, every one loadable', () => {
    const full = mkdtempSync(path.join(tmpdir(), 'vmsentry-shaped-'));
    try {
      expect(writeSigmaHqShapedTree(full)).toBe(2290);
      expect(listRuleFiles(full)).toHaveLength(2290);
    } finally {
      rmSync(full, { recursive: true, force: true });
    }
    // Loading is checked on a tenth of the tree (same generator, same shapes), to keep the test fast.
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-shaped-'));
    try {
      const written = writeSigmaHqShapedTree(dir, { scale: 0.1 });
      const loaded = loadRuleDirectory(dir);
      expect(written).toBe(231);
      expect(loaded.errors).toEqual([]);
      expect(loaded.rules).toHaveLength(written);
      const categories = new Set(loaded.rules.flatMap((rule) => rule.route.categories));
      for (const category of ['process_creation', 'registry_set', 'file_event', 'image_load', 'dns_query'] as const) {
        expect(categories.has(category)).toBe(true);
      }
      expect(loaded.rules.filter((rule) => rule.logsource.service === 'security')).toHaveLength(15);
      // Same seed, same tree: the benchmark compares like with like across runs.
      const again = mkdtempSync(path.join(tmpdir(), 'vmsentry-shaped-'));
      try {
        writeSigmaHqShapedTree(again, { scale: 0.1 });
        const texts = (root: string) => listRuleFiles(root).map((file) => readFileSync(file, 'utf8'));
        expect(texts(again)).toEqual(texts(dir));
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
