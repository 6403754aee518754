import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DEDUP_PK_PREFIX } from '../../lib/dedup/key';
import { formatTable, type TableLayout } from '../../lib/scan/table';

/** One dedup key as local mode's state table holds it. */
export interface RepeatRow {
  readonly title: string;
  readonly host: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/**
 * Every dedup key of the local state table with its count, most repeated first: what `npm start` run again
 * deduplicated, as "seen N times". A Scan is fine here: the local table holds one run's few keys, never a fleet's.
 */
export async function repeatRows(doc: DynamoDBDocumentClient, table: string): Promise<RepeatRow[]> {
  const rows: RepeatRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :dedup)',
        ExpressionAttributeValues: { ':dedup': DEDUP_PK_PREFIX },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const count = Number(item['count']);
      if (!Number.isFinite(count)) continue;
      rows.push({
        title: String(item['title'] ?? item['ruleId'] ?? '?'),
        host: String(item['host'] ?? '?'),
        count,
        firstSeenMs: Number(item['firstSeen']),
        lastSeenMs: Number(item['lastSeen']),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows.sort((a, b) => b.count - a.count || a.title.localeCompare(b.title) || a.host.localeCompare(b.host));
}

/** Host, count and times are read whole; only the rule title gives way to a narrow terminal. */
export const REPEAT_KEYS = [1, 2, 3, 4] as const;

/** The rows seen more than once, as a table (at most `limit` rows), or undefined when nothing repeated. */
export function formatRepeats(
  rows: readonly RepeatRow[],
  layout: TableLayout = { keys: REPEAT_KEYS },
  limit = 20,
): string | undefined {
  const repeated = rows.filter((row) => row.count > 1);
  if (repeated.length === 0) return undefined;
  const shown = repeated.slice(0, limit);
  const table = formatTable(
    ['RULE', 'HOST', 'SEEN', 'FIRST SEEN', 'LAST SEEN'],
    shown.map((row) => [
      row.title,
      row.host,
      `${row.count} times`,
      new Date(row.firstSeenMs).toISOString(),
      new Date(row.lastSeenMs).toISOString(),
    ]),
    layout,
  );
  return repeated.length > limit ? `${table}\n(${repeated.length - limit} more key(s))` : table;
}
