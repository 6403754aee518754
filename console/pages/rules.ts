import type { CatalogueRule } from '../../lib/console/catalogue';
import type { ApiClient } from '../api-client';
import { errorText, h, show, when } from '../dom';

type ListedRule = CatalogueRule & { readonly lastFired: string | null };

export async function rulesPage(api: ApiClient): Promise<void> {
  show(h('h1', {}, 'Rules'), h('p', { class: 'muted' }, 'Loading…'));
  let rules: ListedRule[];
  try {
    rules = (await api.get<{ rules: ListedRule[] }>('/api/rules')).rules;
  } catch (error) {
    show(h('h1', {}, 'Rules'), h('p', { class: 'error' }, errorText(error)));
    return;
  }
  show(
    h('h1', {}, `Rules (${rules.length})`),
    h(
      'table',
      { id: 'rules' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Rule', 'Level', 'Last fired', 'Description', 'Samples'].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        ...rules.map((rule) =>
          h(
            'tr',
            { 'data-rule-id': rule.id },
            h('td', {}, h('strong', {}, rule.title), h('div', { class: 'muted' }, `${rule.kind} ${rule.id}`)),
            h('td', {}, h('span', { class: `sev sev-${rule.level}` }, rule.level)),
            h(
              'td',
              {},
              rule.lastFired
                ? h('a', { href: `#/alerts?rule=${encodeURIComponent(rule.id)}` }, when(rule.lastFired))
                : 'never',
            ),
            h(
              'td',
              {},
              rule.description,
              rule.falsepositives.length > 0
                ? h('div', { class: 'muted' }, `False positives: ${rule.falsepositives.join('; ')}`)
                : null,
            ),
            h(
              'td',
              {},
              h(
                'details',
                {},
                h('summary', {}, `${rule.samples.positive.length} fire, ${rule.samples.negative.length} stay silent`),
                h('ul', {}, ...rule.samples.positive.map((name) => h('li', {}, `fires: ${name}`))),
                h('ul', {}, ...rule.samples.negative.map((name) => h('li', {}, `silent: ${name}`))),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
