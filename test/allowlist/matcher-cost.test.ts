/**
 * Matching cost with many entries (issue 10 #17): each detection's field values are resolved and lowercased once,
 * not once per entry, and only entries whose rule scope names the detection's rule are examined. Work is counted,
 * not timed: the count must not grow with the number of entries.
 */
import { AllowlistMatcher, compileEntry } from '../../lib/allowlist/match';
import type { AllowlistEntry, Detection } from '../../lib/model';
import { detection, processEvent, rule } from './fixtures';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const LONG = 5_000;
const DETECTIONS = 21;

function entries(n: number, ruleScope = 'attack.t1564.006'): AllowlistEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    host: 'ws01',
    rule: ruleScope,
    match: { CommandLine: `*never-there-${i}*` },
    reason: `entry ${i}`,
    owner: 'secops',
  }));
}

function longDetections(): Detection[] {
  return Array.from({ length: DETECTIONS }, (_, i) =>
    detection(
      processEvent({
        index: i,
        fields: { Image: 'C:\\vb\\VBoxManage.exe', CommandLine: `VBoxManage startvm ${i} ${'A'.repeat(LONG)}` },
      }),
    ),
  );
}

/** How many times a string longer than LONG is lowercased while `run` runs. */
function countLongLowercases(run: () => void): number {
  const original = String.prototype.toLowerCase;
  let count = 0;
  String.prototype.toLowerCase = function (this: string): string {
    if (this.length >= LONG) count++;
    return original.call(this);
  };
  try {
    run();
  } finally {
    String.prototype.toLowerCase = original;
  }
  return count;
}

function lowercasesWith(n: number): number {
  const matcher = new AllowlistMatcher(entries(n).map(compileEntry));
  const all = longDetections();
  return countLongLowercases(() => {
    for (const d of all) expect(matcher.find(d, NOW)).toBeUndefined();
  });
}

describe('AllowlistMatcher cost', () => {
  it('lowercases each long field value once per detection, however many entries there are (n vs 4n)', () => {
    const atN = lowercasesWith(100);
    const at4N = lowercasesWith(400);
    expect(atN).toBeGreaterThan(0);
    expect(at4N).toBe(atN);
    expect(atN).toBeLessThanOrEqual(DETECTIONS);
  });

  it('examines only entries whose rule scope names the rule (its id, a tag, or "*")', () => {
    const other = entries(400, 'some-other-rule');
    const mine = entries(3);
    const matcher = new AllowlistMatcher([...other, ...mine].map(compileEntry));
    expect(matcher.candidates(detection(processEvent(), rule()))).toHaveLength(3);
  });

  it('still returns the first suppressing entry in the given order', () => {
    const first: AllowlistEntry = { host: 'ws01', rule: 'attack.t1564.006', reason: 'first', owner: 'o' };
    const second: AllowlistEntry = { ...first, rule: rule().id, reason: 'second' };
    const matcher = new AllowlistMatcher([second, first].map(compileEntry));
    expect(matcher.find(detection(), NOW)?.entry.reason).toBe('second');
  });
});
