/**
 * Long fuzzing: every target of test/fuzz/targets.ts for many cases, counting every failure (no shrinking; the CI
 * properties shrink). Prints cases/s and failures per target, with the first failures' messages and inputs.
 *
 *   npm run fuzz                                   every target, 100,000 cases each
 *   npm run fuzz -- --target parser:auditd --runs 20000 --seed 42
 *   npm run fuzz -- --list
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { ALL_TARGETS, assertPrototypesClean, type FuzzTarget } from './targets';

interface Options {
  readonly runs: number;
  readonly seed: number;
  readonly target?: string;
  readonly list: boolean;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const target = value('--target');
  return {
    runs: Number(value('--runs') ?? 100_000),
    seed: Number(value('--seed') ?? Date.now() % 2 ** 31),
    list: argv.includes('--list'),
    json: argv.includes('--json'),
    ...(target ? { target } : {}),
  };
}

interface TargetResult {
  readonly target: string;
  readonly cases: number;
  readonly failures: number;
  readonly casesPerSecond: number;
  readonly seconds: number;
  readonly examples: readonly { readonly message: string; readonly input: string }[];
}

const CHUNK = 500;

function preview(input: unknown): string {
  let text: string;
  try {
    text =
      input instanceof Uint8Array
        ? `bytes(${input.length}):${Buffer.from(input.subarray(0, 120)).toString('base64')}`
        : JSON.stringify(input);
  } catch {
    text = String(input);
  }
  return text === undefined
    ? 'undefined'
    : text.length > 400
      ? `${text.slice(0, 400)}... (${text.length} chars)`
      : text;
}

function runTarget(target: FuzzTarget<unknown>, runs: number, seed: number): TargetResult {
  let cases = 0;
  let failures = 0;
  const examples: { message: string; input: string }[] = [];
  const start = performance.now();
  for (let chunk = 0; cases < runs; chunk++) {
    if (chunk > 0 && chunk % 40 === 0) {
      // Progress on stderr: a long run that is stopped early still says how far it got.
      const rate = Math.round(cases / ((performance.now() - start) / 1000));
      process.stderr.write(`${target.name}: ${cases} cases, ${rate}/s, ${failures} failure(s) so far\n`);
    }
    const inputs = fc.sample(target.arbitrary, { numRuns: Math.min(CHUNK, runs - cases), seed: seed + chunk });
    for (const input of inputs) {
      cases++;
      try {
        target.check(input);
        assertPrototypesClean();
      } catch (error) {
        failures++;
        if (examples.length < 3) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          examples.push({ message: message.slice(0, 500), input: preview(input) });
        }
      }
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { target: target.name, cases, failures, casesPerSecond: Math.round(cases / seconds), seconds, examples };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const targets = (ALL_TARGETS as unknown as readonly FuzzTarget<unknown>[]).filter(
    (target) => !options.target || target.name === options.target || target.name.startsWith(options.target),
  );
  if (options.list || targets.length === 0) {
    for (const target of ALL_TARGETS) console.log(target.name);
    if (targets.length === 0) process.exitCode = 2;
    return;
  }
  console.log(`seed ${options.seed}, ${options.runs} cases per target, ${targets.length} target(s)`);
  let failed = 0;
  for (const target of targets) {
    const result = runTarget(target, options.runs, options.seed);
    failed += result.failures;
    if (options.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        `${result.target.padEnd(36)} ${String(result.cases).padStart(8)} cases  ${String(result.casesPerSecond).padStart(7)}/s  ${result.failures} failure(s)`,
      );
      for (const example of result.examples) console.log(`    ${example.message}\n      input: ${example.input}`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

main();
