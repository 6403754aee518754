/**
 * fauxqs (SNS/SQS/S3 emulator, in memory) in a process of its own on a random loopback port: prints
 * `{"endpoint":"http://127.0.0.1:<port>"}` on stdout and stops when stdin closes. fauxqs is ESM-only and imports
 * node:sqlite (its optional persistence), which Node 20 lacks: a resolve hook maps it to a stub; Jest refuses
 * module.register(), hence the child process.
 */
import { register } from 'node:module';

const SQLITE_STUB =
  'data:text/javascript,export class DatabaseSync { constructor() { throw new Error("fauxqs persistence is not used"); } }';
register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'node:sqlite') return { url: ${JSON.stringify(SQLITE_STUB)}, shortCircuit: true };
  return next(specifier, context);
}`)}`,
);

const { startFauxqs } = await import('fauxqs');
const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(`${JSON.stringify({ endpoint: server.address })}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).resume();
