import { formatTable } from '../scan/table';
import type { ScenarioResult } from './run';

/** The human table: one row per scenario. */
export function formatValidationTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    result.scenario,
    result.status.toUpperCase(),
    result.latencyMs === undefined ? '-' : `${(result.latencyMs / 1000).toFixed(1)} s`,
    result.rules.length > 0 ? result.rules.join(', ') : '-',
    result.reason ?? '',
  ]);
  const passed = results.filter((result) => result.status === 'pass').length;
  return `${formatTable(['scenario', 'result', 'latency', 'rules seen', 'reason'], rows)}\n${passed}/${results.length} scenario(s) passed`;
}
