import type { HistoryPage, HistoryRecord } from '../../lib/history/store';
import type { ApiClient } from '../api-client';
import { errorText, formValue, h, show, when } from '../dom';

const SEVERITIES = ['', 'informational', 'low', 'medium', 'high', 'critical'];
const STATES = ['', 'new', 'acknowledged', 'closed'];

function options(values: readonly string[], selected: string, emptyLabel: string): HTMLOptionElement[] {
  return values.map((value) => h('option', { value, selected: value === selected }, value || emptyLabel));
}

function severityCell(severity: string): HTMLElement {
  return h('span', { class: `sev sev-${severity}` }, severity);
}

function stateCell(state: string): HTMLElement {
  return h('span', { class: `state state-${state}` }, state);
}

/** The alert list with its filters; filters live in the URL so a filtered view can be shared. */
export async function alertsPage(api: ApiClient, query: URLSearchParams): Promise<void> {
  const filters = {
    host: query.get('host') ?? '',
    rule: query.get('rule') ?? '',
    severity: query.get('severity') ?? '',
    state: query.get('state') ?? '',
    since: query.get('since') ?? '',
    cursor: query.get('cursor') ?? '',
  };
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        for (const name of ['host', 'rule', 'severity', 'state', 'since']) {
          const value = formValue(form, name);
          if (value) next.set(name, value);
        }
        window.location.hash = `#/alerts?${next.toString()}`;
      },
    },
    h('label', {}, 'Host', h('input', { name: 'host', value: filters.host })),
    h('label', {}, 'Rule id', h('input', { name: 'rule', value: filters.rule })),
    h(
      'label',
      {},
      'Severity (at least)',
      h('select', { name: 'severity' }, ...options(SEVERITIES, filters.severity, 'any')),
    ),
    h('label', {}, 'State', h('select', { name: 'state' }, ...options(STATES, filters.state, 'any'))),
    h('label', {}, 'Since', h('input', { name: 'since', value: filters.since, placeholder: '7d or 2026-11-01' })),
    h('button', { type: 'submit' }, 'Filter'),
  );
  show(h('h1', {}, 'Alerts'), form, h('p', { class: 'muted' }, 'Loading…'));
  let page: HistoryPage;
  try {
    page = await api.get<HistoryPage>('/api/alerts', { ...filters, limit: '50' });
  } catch (error) {
    show(h('h1', {}, 'Alerts'), form, h('p', { class: 'error' }, errorText(error)));
    return;
  }
  const rows = page.items.map((record) =>
    h(
      'tr',
      {
        class: 'clickable',
        'data-alert-id': record.id,
        onclick: () => {
          window.location.hash = `#/alerts/${encodeURIComponent(record.id)}`;
        },
      },
      h('td', {}, when(record.lastSeen)),
      h('td', {}, severityCell(record.severity)),
      h('td', {}, record.title),
      h('td', {}, record.host),
      h('td', {}, String(record.count)),
      h('td', {}, stateCell(record.state)),
    ),
  );
  const next = page.cursor
    ? h('a', { href: `#/alerts?${new URLSearchParams({ ...filters, cursor: page.cursor }).toString()}` }, 'Next page →')
    : null;
  show(
    h('h1', {}, 'Alerts'),
    form,
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No alerts match.')
      : h(
          'table',
          { id: 'alerts' },
          h(
            'thead',
            {},
            h('tr', {}, ...['Last seen', 'Severity', 'Rule', 'Host', 'Events', 'State'].map((t) => h('th', {}, t))),
          ),
          h('tbody', {}, ...rows),
        ),
    next,
  );
}

type AlertDetail = HistoryRecord & { readonly responseSteps: readonly string[] };

/** One alert: what happened, what to do, triage, and the entry that would suppress it. */
export async function alertDetailPage(api: ApiClient, id: string): Promise<void> {
  show(h('p', { class: 'muted' }, 'Loading…'));
  let record: AlertDetail;
  try {
    record = await api.get<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}`);
  } catch (error) {
    show(h('h1', {}, 'Alert'), h('p', { class: 'error' }, errorText(error)));
    return;
  }
  const status = h('p', { id: 'triage-status' });
  const act = async (path: string, body: unknown): Promise<void> => {
    try {
      await api.post(`/api/alerts/${encodeURIComponent(id)}/${path}`, body);
      await alertDetailPage(api, id);
    } catch (error) {
      status.className = 'error';
      status.textContent = errorText(error);
    }
  };
  const closeForm = h(
    'form',
    {
      class: 'inline',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void act('close', { reason: formValue(closeForm, 'reason') });
      },
    },
    h('label', {}, 'Close reason', h('input', { name: 'reason', placeholder: 'false positive: approved lab VM' })),
    h('button', { type: 'submit', id: 'close' }, 'Close'),
  );
  const alert = record.alert;
  const fields = alert.event.fields as Record<string, unknown>;
  const facts: [string, string][] = [
    ['Severity', record.severity],
    ['Host', record.host],
    ['Rule', `${record.title} (${record.ruleId})`],
    ['First seen', when(record.firstSeen)],
    ['Last seen', when(record.lastSeen)],
    ['Events', String(record.count)],
    ['State', record.state + (record.stateBy ? ` by ${record.stateBy} ${when(record.stateAt)}` : '')],
    ...(record.stateReason ? ([['Reason', record.stateReason]] as [string, string][]) : []),
    ...Object.entries(fields)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .slice(0, 30)
      .map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)] as [string, string]),
  ];
  const suppression = alert.suppression;
  show(
    h('p', {}, h('a', { href: '#/alerts' }, '← Alerts')),
    h('h1', { id: 'alert-title' }, alert.title),
    h('p', {}, alert.description),
    h('dl', { id: 'alert-facts' }, ...facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    h(
      'div',
      { class: 'form inline' },
      record.state === 'new'
        ? h('button', { id: 'ack', type: 'button', onclick: () => void act('ack', {}) }, 'Acknowledge')
        : null,
      record.state !== 'new'
        ? h(
            'button',
            { id: 'reopen', type: 'button', class: 'secondary', onclick: () => void act('reopen', {}) },
            'Reopen',
          )
        : null,
    ),
    record.state !== 'closed' ? closeForm : null,
    status,
    h('h2', {}, 'Response steps'),
    h('ol', { id: 'response-steps' }, ...record.responseSteps.map((step) => h('li', {}, step))),
    suppression
      ? h(
          'div',
          {},
          h('h2', {}, 'Suppress it'),
          h('p', { class: 'muted' }, suppression.note ?? 'The narrowest entry that would suppress this alert.'),
          h(
            'a',
            {
              id: 'allowlist-this',
              href: `#/allowlist/new?${new URLSearchParams({ from: JSON.stringify(suppression.entry) }).toString()}`,
            },
            'Add an allowlist entry for this…',
          ),
        )
      : null,
    h('h2', {}, 'Full alert'),
    h('pre', { id: 'alert-json' }, JSON.stringify(alert, null, 2)),
  );
}
