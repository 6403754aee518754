/**
 * The vmsentry console: a single-page app over the console API (lib/console/api.ts). It reads /config.json to learn
 * how to sign in and where the API is, then routes on the URL hash. No framework: a handful of pages built with
 * text nodes (dom.ts).
 */
import type { ConsoleRuntimeConfig } from '../lib/console/contract';
import { ApiClient } from './api-client';
import { cognitoSignIn, completeCognitoSignIn, currentSession, localSignIn, type Session, signOut } from './auth';
import { errorText, formValue, h, show } from './dom';
import { alertDetailPage, alertsPage } from './pages/alerts';
import { allowlistFormPage, allowlistPage } from './pages/allowlist';
import { healthPage } from './pages/health';
import { rulesPage } from './pages/rules';

async function loadConfig(): Promise<ConsoleRuntimeConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status})`);
  return (await response.json()) as ConsoleRuntimeConfig;
}

function signInPage(config: ConsoleRuntimeConfig, onSignedIn: (session: Session) => void): void {
  if (config.auth === 'cognito') {
    show(
      h(
        'div',
        { class: 'signin' },
        h('h1', {}, 'Sign in to vmsentry'),
        h('button', { type: 'button', id: 'sign-in', onclick: () => void cognitoSignIn(config) }, 'Sign in'),
      ),
    );
    return;
  }
  const status = h('p', { id: 'sign-in-status' });
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          onSignedIn(await localSignIn(config, formValue(form, 'email'), formValue(form, 'code')));
        } catch (error) {
          status.className = 'error';
          status.textContent = errorText(error);
        }
      },
    },
    h('h1', {}, 'Sign in to the local vmsentry console'),
    h('p', { class: 'muted' }, 'Local mode only: use the access code `npm start -- --console` printed.'),
    h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'email' })),
    h('label', {}, 'Access code', h('input', { name: 'code', required: true, autocomplete: 'off' })),
    h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'),
    status,
  );
  show(form);
}

function route(api: ApiClient): void {
  const hash = window.location.hash.replace(/^#/, '') || '/alerts';
  const [pathPart, search = ''] = hash.split('?', 2) as [string, string?];
  const query = new URLSearchParams(search);
  const parts = pathPart.split('/').filter((part) => part !== '');
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    link.classList.toggle('active', link.dataset['page'] === (parts[0] ?? 'alerts'));
  }
  switch (parts[0] ?? 'alerts') {
    case 'alerts':
      if (parts[1]) void alertDetailPage(api, decodeURIComponent(parts[1]));
      else void alertsPage(api, query);
      return;
    case 'allowlist':
      if (parts[1] === 'new') allowlistFormPage(api, query);
      else void allowlistPage(api, query);
      return;
    case 'rules':
      void rulesPage(api);
      return;
    case 'health':
      void healthPage(api);
      return;
    default:
      show(h('h1', {}, 'Not found'), h('a', { href: '#/alerts' }, 'Alerts'));
  }
}

function start(config: ConsoleRuntimeConfig, session: Session): void {
  const nav = document.getElementById('nav') as HTMLElement;
  const user = document.getElementById('user') as HTMLElement;
  const out = document.getElementById('sign-out') as HTMLButtonElement;
  nav.hidden = false;
  out.hidden = false;
  user.textContent = session.email;
  out.onclick = () => signOut(config);
  const api = new ApiClient(config, session, () => signOut(config));
  window.addEventListener('hashchange', () => route(api));
  route(api);
}

async function main(): Promise<void> {
  try {
    const config = await loadConfig();
    const session = currentSession() ?? (config.auth === 'cognito' ? await completeCognitoSignIn(config) : undefined);
    if (session) start(config, session);
    else signInPage(config, (signedIn) => start(config, signedIn));
  } catch (error) {
    show(h('p', { class: 'error' }, `The console could not start: ${errorText(error)}`));
  }
}

void main();
