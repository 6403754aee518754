import type { HealthReport } from '../../lib/console/health';
import type { ApiClient } from '../api-client';
import { errorText, h, show, when } from '../dom';

export async function healthPage(api: ApiClient): Promise<void> {
  show(h('h1', {}, 'Health'), h('p', { class: 'muted' }, 'Loading…'));
  let report: HealthReport;
  try {
    report = await api.get<HealthReport>('/api/health');
  } catch (error) {
    show(h('h1', {}, 'Health'), h('p', { class: 'error' }, errorText(error)));
    return;
  }
  const rate = `${(report.parseErrorRate * 100).toFixed(2)} %`;
  show(
    h('h1', {}, 'Health'),
    h('p', { class: 'muted' }, report.window),
    h(
      'dl',
      { id: 'health-parse' },
      h('dt', {}, 'Records'),
      h('dd', {}, String(report.records)),
      h('dt', {}, 'Parse errors'),
      h('dd', {}, `${report.parseErrors} (${rate})`),
    ),
    h('h2', {}, 'Source heartbeats'),
    report.heartbeats.length === 0
      ? h('p', { class: 'muted' }, 'No sources with heartbeats configured.')
      : h(
          'table',
          { id: 'heartbeats' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Source'), h('th', {}, 'Last record'), h('th', {}, 'Status'))),
          h(
            'tbody',
            {},
            ...report.heartbeats.map((beat) =>
              h('tr', {}, h('td', {}, beat.source), h('td', {}, when(beat.lastSeen)), h('td', {}, beat.status)),
            ),
          ),
        ),
    h('h2', {}, 'Failure queues'),
    h(
      'table',
      { id: 'queues' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Queue'), h('th', {}, 'Messages waiting'))),
      h(
        'tbody',
        {},
        ...report.failureQueues.map((queue) =>
          h(
            'tr',
            {},
            h('td', {}, queue.name),
            h('td', {}, queue.depth === undefined ? 'unknown' : String(queue.depth)),
          ),
        ),
      ),
    ),
  );
}
