/**
 * The console end to end in a real browser: Debian's Chromium driven by playwright-core, against `vmsentry local
 * --console`. Sign in (local stub), list the run's alerts, open one, acknowledge it, add the allowlist entry it
 * suggests, and see the next local run suppress it. Screenshots go to test-artifacts/console/.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startLocalConsole } from '../../bin/local/console-server';
import { FixedHealthReader } from '../../lib/console/health';
import { MemoryHistoryStore } from '../../lib/history/memory-store';
import { buildConsole, DEFAULT_CONSOLE_DIR } from '../../scripts/build-console';
import { REPO, runCli } from '../cli/run-cli';
import { historyAlert } from '../history/store-contract';

const CHROMIUM = process.env['VMSENTRY_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'console');
const USER = 'analyst@example.com';
/** The flags this machine's closed network needs (no background fetches to Google, no sandbox as root). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

jest.setTimeout(180_000);

let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set VMSENTRY_CHROMIUM`,
    );
  }
  buildConsole(DEFAULT_CONSOLE_DIR);
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'vmsentry-console-e2e-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `vmsentry local --console` until it prints the console's address; resolves with the address and access code. */
function startLocalWithConsole(): Promise<{ child: ChildProcessWithoutNullStreams; url: string; code: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(REPO, 'bin', 'vmsentry.cjs'),
        'local',
        '--fresh',
        '--no-replay',
        '--show',
        '0',
        '--data-dir',
        dataDir,
        '--console',
      ],
      { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local console did not start in 120 s:\n${output}`));
    }, 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const found =
        /console: (http:\/\/127\.0\.0\.1:\d+\/)\s+\(sign in with any e-mail and the access code (\w+)\)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ child, url: found[1] as string, code: found[2] as string });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vmsentry local exited (${code}) before serving the console:\n${output}`));
    });
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

async function signIn(page: Page, url: string, code: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=email]', USER);
  await page.fill('input[name=code]', code);
  await page.click('#sign-in');
  await page.waitForSelector('#nav:not([hidden])');
}

describe('the web console on local mode, in Chromium', () => {
  it('signs in, triages an alert, allowlists it, and the next run suppresses it', async () => {
    const local = await startLocalWithConsole();
    let host = '';
    let ruleTitle = '';
    try {
      const page = await browser.newPage();
      // A wrong access code is refused.
      await page.goto(local.url);
      await page.fill('input[name=email]', USER);
      await page.fill('input[name=code]', 'not-the-code');
      await page.click('#sign-in');
      await page.waitForSelector('#sign-in-status.error');

      await signIn(page, local.url, local.code);
      await page.waitForSelector('#alerts tbody tr');
      const rows = await page.$$eval('#alerts tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-alert-id')));
      expect(rows.length).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(ARTIFACTS, '1-alerts.png'), fullPage: true });

      // The first alert that suggests an allowlist entry (every alert with a valid host does).
      let opened = false;
      for (const id of rows) {
        await page.goto(`${local.url}#/alerts/${encodeURIComponent(id ?? '')}`);
        await page.waitForSelector('#alert-title');
        if ((await page.$('#allowlist-this')) !== null) {
          opened = true;
          break;
        }
      }
      expect(opened).toBe(true);
      const facts = await page.$$eval('#alert-facts dt, #alert-facts dd', (els) =>
        els.map((el) => el.textContent ?? ''),
      );
      host = facts[facts.indexOf('Host') + 1] ?? '';
      ruleTitle = (await page.textContent('#alert-title')) ?? '';
      expect(await page.$$eval('#response-steps li', (lis) => lis.length)).toBeGreaterThan(0);

      await page.click('#ack');
      await page.locator('#alert-facts', { hasText: 'acknowledged by' }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, '2-acknowledged.png'), fullPage: true });

      await page.click('#allowlist-this');
      await page.waitForSelector('#entry-form');
      expect(await page.inputValue('input[name=host]')).toBe(host);
      await page.fill('input[name=reason]', 'approved lab VM for the e2e test');
      await page.click('#save-entry');
      await page.waitForSelector('#entry-status.notice');
      await page.screenshot({ path: path.join(ARTIFACTS, '3-allowlisted.png'), fullPage: true });

      await page.goto(`${local.url}#/allowlist?host=${encodeURIComponent(host)}`);
      await page.waitForSelector('#allowlist tbody tr');
      expect(await page.textContent('#allowlist')).toContain(USER);
      await page.goto(`${local.url}#/rules`);
      await page.waitForSelector('#rules tbody tr');
      await page.goto(`${local.url}#/health`);
      await page.waitForSelector('#health-parse');
      await page.screenshot({ path: path.join(ARTIFACTS, '4-health.png'), fullPage: true });
    } finally {
      expect(await stop(local.child)).toBe(0);
    }

    const next = await runCli(['local', '--no-replay', '--show', '0', '--data-dir', dataDir], { timeoutMs: 120_000 });
    expect(next.code).toBe(0);
    const suppressedLine = next.stdout
      .split('\n')
      .find((line) => line.startsWith('allowlist:') && line.includes(`on host ${host} `));
    expect(suppressedLine).toContain(USER);
    expect(suppressedLine).toContain('approved lab VM for the e2e test');
    expect(ruleTitle).not.toBe('');
  });

  it('renders hostile alert text as text: no markup from an alert reaches the page', async () => {
    const history = new MemoryHistoryStore();
    const hostile = historyAlert({ id: 'hostile', host: 'ws-<b>bold</b>' });
    await history.record(
      {
        ...hostile,
        title: '<img src=x id=injected onerror="document.title=\'owned\'">',
        description: '<script>x</script>',
      },
      Date.now(),
    );
    const server = await startLocalConsole(
      {
        history,
        allowlist: {
          list: async () => ({ entries: [], malformed: [] }),
          put: async () => 'written',
          expire: async () => true,
        },
        rules: [],
        health: new FixedHealthReader({
          window: 'test',
          records: 0,
          parseErrors: 0,
          parseErrorRate: 0,
          heartbeats: [],
          failureQueues: [],
        }),
      },
      { accessCode: 'code-1' },
    );
    try {
      const page = await browser.newPage();
      await signIn(page, server.url, 'code-1');
      await page.waitForSelector('#alerts tbody tr');
      await page.goto(`${server.url}#/alerts/hostile`);
      await page.waitForSelector('#alert-title');
      expect(await page.textContent('#alert-title')).toContain('<img src=x');
      expect(await page.$('#injected')).toBeNull();
      expect(await page.$('main b')).toBeNull();
      expect(await page.title()).toBe('vmsentry console');
    } finally {
      await server.close();
    }
  });
});
