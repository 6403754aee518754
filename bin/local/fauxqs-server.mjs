/**
 * Runs fauxqs (SNS/SQS/S3 emulator, in memory) in this process on a loopback port (argv[2], default any free one), prints
 * `{"endpoint":"http://127.0.0.1:<port>"}` as one line on stdout, and stops when stdin closes (the parent is gone).
 *
 * Why a process of its own: fauxqs is ESM-only and statically imports node:sqlite (its optional persistence), which
 * Node 20 lacks. A resolve hook maps node:sqlite to a stub that refuses to open a database (we never pass dataDir);
 * Node 20 applies such hooks only to `import`, and Jest refuses module.register(), so it runs here.
 */
import { register } from 'node:module';
import net from 'node:net';

const SQLITE_STUB =
  'data:text/javascript,export class DatabaseSync { constructor() { throw new Error("fauxqs persistence is not used"); } }';
const HOOKS = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'node:sqlite') return { url: ${JSON.stringify(SQLITE_STUB)}, shortCircuit: true };
  return next(specifier, context);
}`)}`;
register(HOOKS);

// fauxqs binds 0.0.0.0 and takes no host option for it: an emulator that accepts any credentials must not be reachable
// from the network (`vmsentry local --serve` keeps it up for hours), so this process's only server is held to loopback.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === 'object' && 'port' in args[0]) args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};

const { startFauxqs } = await import('fauxqs');
const server = await startFauxqs({ port: Number(process.argv[2] ?? 0) || 0, logger: false });
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
