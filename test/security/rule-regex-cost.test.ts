/**
 * Regular expressions in the shipped pack run on attacker-written text: any user on a monitored host chooses their
 * own command line, up to the 1 MiB record bound. V8 backtracks, so a pattern whose cost grows with the square of the
 * input (`run\s.*privileged` on " run run run ...", `\s*:?\s*` on a run of spaces) lets one process stall the function
 * for minutes and fail the whole batch. The pack avoids those shapes; this keeps it that way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { listRuleFiles } from '../../lib/rules';

interface RegexUse {
  readonly file: string;
  readonly key: string;
  readonly pattern: string;
}

function regexesIn(value: unknown, file: string, key = ''): RegexUse[] {
  if (Array.isArray(value)) return value.flatMap((item) => regexesIn(item, file, key));
  if (typeof value === 'string') return key.split('|').includes('re') ? [{ file, key, pattern: value }] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([childKey, child]) => regexesIn(child, file, childKey));
}

const RULES_DIR = join(process.cwd(), 'rules');
const uses: RegexUse[] = listRuleFiles(RULES_DIR).flatMap((file) => {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  return doc ? [...regexesIn(doc['detection'], file), ...regexesIn(doc['escalate'], file)] : [];
});

/** `.*` / `.+` (unbounded "anything") between two parts of a pattern: quadratic when the first part repeats. */
function hasUnboundedDotRun(pattern: string): boolean {
  return /(?<!\\)\.[*+]/.test(pattern);
}

/** Two starred whitespace runs with at most an optional token between them (`\s*:?\s*`, `\s*\s*`). */
function hasAdjacentWhitespaceStars(pattern: string): boolean {
  return /\\s[*+](?:[^()|\\]\?|\\.\?)?\\s[*+]/.test(pattern);
}

describe('regular expressions of the shipped rule pack', () => {
  it('finds the regex-valued detection items it checks', () => {
    // Guards the checks below: a walker that found nothing would pass them all.
    expect(uses.length).toBeGreaterThan(10);
  });

  it('contain no unbounded .* or .+ (split such rules into two patterns with |all)', () => {
    expect(uses.filter((use) => hasUnboundedDotRun(use.pattern))).toEqual([]);
  });

  it('contain no two starred whitespace runs next to each other', () => {
    expect(uses.filter((use) => hasAdjacentWhitespaceStars(use.pattern))).toEqual([]);
  });

  describe('the checks themselves', () => {
    it('flag the shapes that were quadratic in the pack', () => {
      expect(hasUnboundedDotRun('\\srun\\s.*(?:--privileged)')).toBe(true);
      expect(hasAdjacentWhitespaceStars('EnableSecureBoot\\s*:?\\s*Off')).toBe(true);
    });

    it('pass their linear replacements and escaped dots', () => {
      expect(hasUnboundedDotRun('security\\.(?:privileged|nesting)[= ]true')).toBe(false);
      expect(hasAdjacentWhitespaceStars('EnableSecureBoot(?:\\s*:\\s*|\\s*)Off')).toBe(false);
    });
  });
});
