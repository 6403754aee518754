import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = 'test/cli/fixtures';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `node bin/vmsentry.cjs ...args` from the repository root, as a user would; stdin is closed or fed `input`. */
export function runCli(
  args: readonly string[],
  options: {
    input?: string | Buffer;
    timeoutMs?: number;
    cwd?: string;
    /** Variables over the inherited environment; undefined removes one. */
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'vmsentry.cjs'), ...args], {
      cwd: options.cwd ?? REPO,
      env: Object.fromEntries(
        Object.entries({ ...process.env, FORCE_COLOR: '0', ...options.env }).filter(([, value]) => value !== undefined),
      ),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The JSON alert lines of a scan's stdout. */
export function alertsOf(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
