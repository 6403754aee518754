import { describePosition } from '../model';
import type { ScanRecord } from './record';
import type { ScanSummary } from './scanner';
import { cellText, formatTable, type TableLayout } from './table';

/** The columns of the alert table a user copies (severity, host, file:line): never cut when the table is narrowed. */
export const ALERT_TABLE_KEYS = [0, 2, 3] as const;
export const ALERT_TABLE_SEVERITY = 0;

/** The human table of `vmsentry scan --output table`; `layout` fits it to a terminal (see bin/table-layout.ts). */
export function formatAlertTable(records: readonly ScanRecord[], layout: TableLayout = {}): string {
  const what = (record: ScanRecord): string => {
    const f = record.event.fields;
    return f.CommandLine ?? f.ScriptBlockText ?? f.ImagePath ?? f.ContainerImage ?? f.Message ?? f.Image ?? '';
  };
  return formatTable(
    ['SEVERITY', 'RULE', 'HOST', 'INPUT', 'WHAT'],
    records.map((record) => [record.severity, record.title, record.host, describePosition(record.input), what(record)]),
    { maxCellWidth: 70, keys: ALERT_TABLE_KEYS, ...layout },
  );
}

function byCount(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).filter(([, value]) => value > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** The summary `vmsentry scan` writes on stderr. */
export function formatSummary(summary: ScanSummary): string {
  const lines = [
    `records read: ${summary.records}`,
    `events: ${summary.events} (${byCount(summary.eventsByFormat as Record<string, number>)})`,
    `parse errors: ${summary.parseErrors}${summary.parseErrors > 0 ? ` (${byCount(summary.parseErrorsByFormat as Record<string, number>)})` : ''}`,
  ];
  for (const error of summary.firstErrors) {
    lines.push(`  ${describePosition(error.position)}: [${error.format}] ${cellText(error.reason, 160)}`);
  }
  if (summary.parseErrors > summary.firstErrors.length) {
    lines.push(`  ... ${summary.parseErrors - summary.firstErrors.length} more`);
  }
  lines.push(`detections: ${summary.detections}`);
  if (summary.belowMinSeverity > 0) lines.push(`below --min-severity: ${summary.belowMinSeverity}`);
  if (summary.correlationOnly > 0)
    lines.push(`correlation-only matches (not alerted alone): ${summary.correlationOnly}`);
  lines.push(`alerts: ${summary.alerts}`);
  const rules = Object.entries(summary.alertsByRule).sort(
    ([, a], [, b]) => b.count - a.count || a.title.localeCompare(b.title),
  );
  for (const [id, rule] of rules) lines.push(`  ${String(rule.count).padStart(5)}  ${rule.title} (${id})`);
  lines.push(
    `suppressed by allowlist: ${summary.suppressed}${summary.suppressed > 0 ? ` (${byCount(summary.suppressedByHost)})` : ''}`,
  );
  if (summary.expiredEntries > 0) lines.push(`expired allowlist entries ignored: ${summary.expiredEntries}`);
  return lines.join('\n');
}
