import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Run cdk/app.ts as `cdk synth` does (context through CDK_CONTEXT_JSON), stopping before any bundling. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'cdk', 'app.ts')], {
    cwd: ROOT,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: join(ROOT, 'cdk.out', 'app-test') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('cdk synth with a bad configuration', () => {
  it('prints one clear message naming every bad field, without a stack trace, and fails', () => {
    const { status, stderr } = runApp({ vmsentry: { allowlistCacheSeconds: 0, dedupWindowMinutes: 0 } });
    expect(status).toBe(1);
    expect(stderr).toContain('invalid vmsentry context "vmsentry"');
    expect(stderr).toContain('allowlistCacheSeconds: must be at least 1');
    expect(stderr).toContain('dedupWindowMinutes');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  });

  it('says which file is missing, the same way', () => {
    const { status, stderr } = runApp({ vmsentryConfig: 'config/no-such-file.json' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/cannot read vmsentry config file .*no-such-file\.json/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
