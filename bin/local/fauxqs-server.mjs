/**
 * Runs fauxqs (SNS/SQS/S3 emulator, in memory) in this process on a random loopback port, prints
 * `{"endpoint":"http://127.0.0.1:<port>"}` as one line on stdout, and stops when stdin closes (the parent is gone).
 *
 * Why a process of its own: fauxqs is ESM-only and statically imports node:sqlite (its optional persistence), which
 * Node 20 lacks. A resolve hook maps node:sqlite to a stub that refuses to open a database (we never pass dataDir);
 * Node 20 applies such hooks only to `import`, and Jest refuses module.register(), so it runs here.
 */
import { register } from 'node:module';

const SQLITE_STUB =
  'data:text/javascript,export class DatabaseSync { constructor() { throw new Error("fauxqs persistence is not used"); } }';
const HOOKS = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'node:sqlite') return { url: ${JSON.stringify(SQLITE_STUB)}, shortCircuit: true };
  return next(specifier, context);
}`)}`;
register(HOOKS);

const { startFauxqs } = await import('fauxqs');
const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(`${JSON.stringify({ endpoint: server.address })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
