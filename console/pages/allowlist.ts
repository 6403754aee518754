import type { AllowlistEntry } from '../../lib/model/allowlist';
import type { ApiClient } from '../api-client';
import { errorText, formValue, h, show, when } from '../dom';

type ListedEntry = AllowlistEntry & { readonly expired: boolean; readonly expiresInDays?: number };

function epochIso(seconds: number | undefined): string {
  return seconds === undefined ? '—' : when(new Date(seconds * 1000).toISOString());
}

/** Entries per host, or those expiring soon; each can be expired (kept for audit) or edited (replaced). */
export async function allowlistPage(api: ApiClient, query: URLSearchParams): Promise<void> {
  const host = query.get('host') ?? '';
  const expiring = query.get('expiring') ?? '';
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        const value = formValue(form, 'host');
        if (value) next.set('host', value);
        const days = formValue(form, 'expiring');
        if (days) next.set('expiring', days);
        window.location.hash = `#/allowlist?${next.toString()}`;
      },
    },
    h('label', {}, 'Host', h('input', { name: 'host', value: host })),
    h('label', {}, 'Expiring within (days)', h('input', { name: 'expiring', value: expiring, inputmode: 'numeric' })),
    h('button', { type: 'submit' }, 'Show'),
    h('a', { href: '#/allowlist/new', id: 'new-entry' }, 'Add an entry'),
  );
  show(h('h1', {}, 'Allowlist'), form, h('p', { class: 'muted' }, 'Loading…'));
  const status = h('p', { id: 'allowlist-status' });
  let listing: { entries: ListedEntry[]; malformed: { host: string; entryId?: string; reason: string }[] };
  try {
    listing = await api.get('/api/allowlist', { host, ...(expiring ? { expiringWithinDays: expiring } : {}) });
  } catch (error) {
    show(h('h1', {}, 'Allowlist'), form, h('p', { class: 'error' }, errorText(error)));
    return;
  }
  const expire = async (entry: ListedEntry): Promise<void> => {
    try {
      await api.post('/api/allowlist/expire', { host: entry.host, id: entry.id });
      await allowlistPage(api, query);
    } catch (error) {
      status.className = 'error';
      status.textContent = errorText(error);
    }
  };
  const rows = listing.entries.map((entry) =>
    h(
      'tr',
      { 'data-entry-id': entry.id ?? '' },
      h('td', {}, entry.host),
      h('td', {}, entry.rule),
      h(
        'td',
        {},
        entry.match
          ? Object.entries(entry.match)
              .map(([f, g]) => `${f}=${g}`)
              .join(', ')
          : 'any event',
      ),
      h('td', {}, entry.pin ? `${entry.pin.source} ${entry.pin.value}` : 'unpinned'),
      h('td', {}, entry.owner),
      h('td', {}, entry.reason),
      h('td', {}, entry.expired ? 'expired' : `${epochIso(entry.expiresAt)} (${entry.expiresInDays ?? '?'} d)`),
      h(
        'td',
        {},
        entry.expired
          ? null
          : h(
              'span',
              {},
              h(
                'a',
                {
                  href: `#/allowlist/new?${new URLSearchParams({ from: JSON.stringify(entry), replaces: entry.id ?? '' }).toString()}`,
                },
                'Edit',
              ),
              ' ',
              h('button', { type: 'button', class: 'secondary', onclick: () => void expire(entry) }, 'Expire'),
            ),
      ),
    ),
  );
  show(
    h('h1', {}, 'Allowlist'),
    form,
    status,
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No entries.')
      : h(
          'table',
          { id: 'allowlist' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Host', 'Rule', 'Match', 'Pin', 'Owner', 'Reason', 'Expires', ''].map((t) => h('th', {}, t)),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
    listing.malformed.length > 0
      ? h(
          'div',
          {},
          h('h2', {}, 'Items the pipeline ignores'),
          h('ul', {}, ...listing.malformed.map((m) => h('li', {}, `${m.host}/${m.entryId ?? '?'}: ${m.reason}`))),
        )
      : null,
  );
}

/** Add (or, with `replaces`, edit) an entry; the API applies the CLI's validation and says what is wrong. */
export function allowlistFormPage(api: ApiClient, query: URLSearchParams): void {
  let from: Partial<AllowlistEntry> = {};
  try {
    from = JSON.parse(query.get('from') ?? '{}') as Partial<AllowlistEntry>;
  } catch {
    from = {};
  }
  const replaces = query.get('replaces') ?? '';
  const match = from.match
    ? Object.entries(from.match)
        .map(([f, g]) => `${f}=${g}`)
        .join('\n')
    : '';
  const status = h('p', { id: 'entry-status' });
  const form = h(
    'form',
    {
      class: 'signin',
      id: 'entry-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const pairs = formValue(form, 'match')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
        const matchMap: Record<string, string> = {};
        for (const pair of pairs) {
          const at = pair.indexOf('=');
          if (at <= 0) {
            status.className = 'error';
            status.textContent = `"${pair}" is not FIELD=glob`;
            return;
          }
          matchMap[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
        }
        const pinText = formValue(form, 'pin');
        const [source, ...rest] = pinText.split(' ');
        const pin = pinText === '' ? undefined : { source, value: rest.join(' ') };
        try {
          const result = await api.post<{ entry: AllowlistEntry; warnings: string[] }>('/api/allowlist', {
            host: formValue(form, 'host'),
            rule: formValue(form, 'rule'),
            ...(pairs.length > 0 ? { match: matchMap } : {}),
            ...(pin ? { pin } : {}),
            reason: formValue(form, 'reason'),
            expires: formValue(form, 'expires'),
            ...(replaces ? { replaces } : {}),
          });
          status.className = 'notice';
          status.textContent =
            `Entry ${result.entry.id ?? ''} added for ${result.entry.host}.` +
            (result.warnings.length > 0 ? ` Warnings: ${result.warnings.join('; ')}` : '');
        } catch (error) {
          status.className = 'error';
          status.textContent = errorText(error);
        }
      },
    },
    h('label', {}, 'Host', h('input', { name: 'host', required: true, value: from.host ?? '' })),
    h('label', {}, 'Rule id', h('input', { name: 'rule', required: true, value: from.rule ?? '' })),
    h('label', {}, 'Match (one FIELD=glob per line)', h('textarea', { name: 'match', rows: '3' }, match)),
    h(
      'label',
      {},
      'Pin ("logStream NAME" or "agentId ID"; empty for the default)',
      h('input', { name: 'pin', value: from.pin ? `${from.pin.source} ${from.pin.value}` : '' }),
    ),
    h(
      'label',
      {},
      'Reason',
      h('input', { name: 'reason', required: true, value: replaces ? (from.reason ?? '') : '' }),
    ),
    h('label', {}, 'Expires (30d, 12h or a date)', h('input', { name: 'expires', required: true, value: '30d' })),
    h('button', { type: 'submit', id: 'save-entry' }, replaces ? 'Save (replaces the old entry)' : 'Add entry'),
  );
  show(
    h('p', {}, h('a', { href: '#/allowlist' }, '← Allowlist')),
    h('h1', {}, replaces ? 'Edit allowlist entry' : 'Add allowlist entry'),
    h('p', { class: 'muted' }, 'You are the owner of the entry. Every change is audited.'),
    form,
    status,
  );
}
