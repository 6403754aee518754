import { formatTable, type TableLayout } from '../scan/table';
import type { ScenarioResult } from './run';

/** The columns a user copies or reads at a glance (scenario, result, latency): never cut when the table narrows. */
export const VALIDATION_TABLE_KEYS = [0, 1, 2] as const;
export const VALIDATION_TABLE_RESULT = 1;

/** The human table: one row per scenario; `layout` fits it to a terminal (see bin/table-layout.ts). */
export function formatValidationTable(results: readonly ScenarioResult[], layout: TableLayout = {}): string {
  const rows = results.map((result) => [
    result.scenario,
    result.status.toUpperCase(),
    result.latencyMs === undefined ? '-' : `${(result.latencyMs / 1000).toFixed(1)} s`,
    result.rules.length > 0 ? result.rules.join(', ') : '-',
    result.reason ?? '',
  ]);
  const passed = results.filter((result) => result.status === 'pass').length;
  return `${formatTable(['scenario', 'result', 'latency', 'rules seen', 'reason'], rows, { keys: VALIDATION_TABLE_KEYS, ...layout })}\n${passed}/${results.length} scenario(s) passed`;
}
