import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../bin/cli-io';

export const REPO = path.resolve(__dirname, '..', '..');

/** A CliIo that keeps what was written. */
export function memoryIo(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return { stdout, stderr, out: () => out, err: () => err };
}

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `node bin/vmsentry.cjs ...` with an explicit environment: no inherited AWS settings, so a missing profile or an
 * unreachable endpoint fails fast and the same way on every machine.
 */
export function runWithEnv(args: readonly string[], env: Record<string, string> = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'vmsentry.cjs'), ...args], {
      cwd: REPO,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: path.join(REPO, 'test', 'validate', 'no-home'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_CONFIG_FILE: path.join(REPO, 'test', 'validate', 'no-home', 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(REPO, 'test', 'validate', 'no-home', 'credentials'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** JSON lines of a stdout. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `vmsentry <args>` in this process (help and usage output go to the returned strings). */
export async function helpOf(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The explicit .ts path: without it, module resolution finds bin/vmsentry.cjs (the launcher) first.
  const { main } = require(path.join(REPO, 'bin', 'vmsentry.ts')) as typeof import('../../bin/vmsentry');
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
