/**
 * The web console in local mode (`npm start -- --console`): the built single-page app and the same API router the
 * console Lambda runs (lib/console/api.ts), over local mode's embedded stores. Listens on 127.0.0.1 only. Sign-in is a
 * stub that exists only here: an access code printed on the terminal, exchanged for a random session token; the
 * deployed console signs in through Cognito instead.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ConsoleDeps, handleConsoleRequest, MAX_BODY_BYTES } from '../../lib/console/api';
import type { ConsoleRuntimeConfig } from '../../lib/console/contract';
import { PACKAGE_ROOT } from '../paths';

export const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'console');
const STATIC_FILES: Readonly<Record<string, string>> = {
  '/index.html': 'text/html; charset=utf-8',
  '/app.js': 'text/javascript; charset=utf-8',
  '/styles.css': 'text/css; charset=utf-8',
};

/** The page's headers: the same policy the CloudFront distribution sends (cdk/constructs/console.ts). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface LocalConsole {
  readonly url: string;
  /** The code the stub sign-in asks for (printed on the terminal). */
  readonly accessCode: string;
  close(): Promise<void>;
}

export interface LocalConsoleOptions {
  readonly port?: number;
  /** Built console directory (default dist/console). */
  readonly dir?: string;
  /** Fixed access code (tests); random otherwise. */
  readonly accessCode?: string;
}

export async function startLocalConsole(deps: ConsoleDeps, options: LocalConsoleOptions = {}): Promise<LocalConsole> {
  const dir = options.dir ?? CONSOLE_DIR;
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`the console is not built in ${dir}: run \`npm run build:console\``);
  }
  const accessCode = options.accessCode ?? randomBytes(6).toString('hex');
  const sessions = new Map<string, string>();
  const config: ConsoleRuntimeConfig = { auth: 'local', apiUrl: '' };

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (url.pathname === '/config.json' && method === 'GET') return send(response, 200, config);
    if (url.pathname === '/auth/local' && method === 'POST') {
      const body = parseJson(await readBody(request));
      const email = typeof body?.['email'] === 'string' ? body['email'].trim() : '';
      const code = typeof body?.['code'] === 'string' ? body['code'].trim() : '';
      if (!EMAIL.test(email)) return send(response, 400, { error: 'enter an e-mail address' });
      if (!sameSecret(code, accessCode))
        return send(response, 401, { error: 'the access code is not the one printed' });
      const token = randomBytes(24).toString('base64url');
      sessions.set(token, email);
      return send(response, 200, { token, email });
    }
    if (url.pathname.startsWith('/api/')) {
      const token = /^Bearer (\S{1,256})$/.exec(request.headers.authorization ?? '')?.[1];
      const email = token === undefined ? undefined : sessions.get(token);
      if (email === undefined) return send(response, 401, { error: 'sign in first' });
      const body = await readBody(request);
      const result = await handleConsoleRequest(
        {
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          ...(body !== undefined ? { body } : {}),
          user: { email },
        },
        deps,
      );
      response.writeHead(result.status, result.headers);
      response.end(result.body);
      return;
    }
    const file = url.pathname === '/' ? '/index.html' : url.pathname;
    const type = STATIC_FILES[file];
    if (type === undefined || method !== 'GET') return send(response, 404, { error: 'not found' });
    response.writeHead(200, { ...PAGE_HEADERS, 'content-type': type });
    response.end(readFileSync(path.join(dir, file.slice(1))));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, accessCode, close: () => closeServer(server) };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    // Over the API's own limit: the router answers 413 on the prefix it gets.
    if (size > MAX_BODY_BYTES + 1) break;
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
