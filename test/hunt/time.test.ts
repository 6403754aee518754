import { parseRange, parseTime } from '../../lib/hunt';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('parseTime', () => {
  it('reads relative times back from now', () => {
    expect(parseTime('30d', NOW)).toEqual({ ok: true, ms: NOW - 30 * 86_400_000 });
    expect(parseTime('12h', NOW)).toEqual({ ok: true, ms: NOW - 12 * 3_600_000 });
    expect(parseTime('90m', NOW)).toEqual({ ok: true, ms: NOW - 90 * 60_000 });
    expect(parseTime('2w', NOW)).toEqual({ ok: true, ms: NOW - 14 * 86_400_000 });
    expect(parseTime('now', NOW)).toEqual({ ok: true, ms: NOW });
  });

  it('reads ISO 8601 dates and date-times', () => {
    expect(parseTime('2026-11-01', NOW)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 1) });
    expect(parseTime('2026-11-01T10:30:00Z', NOW)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 1, 10, 30) });
    expect(parseTime('2026-11-01T10:30:00+02:00', NOW)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 1, 8, 30) });
  });

  it('rejects what Date.parse would guess at, invalid dates and absurd ranges', () => {
    expect(parseTime('yesterday', NOW).ok).toBe(false);
    expect(parseTime('Nov 1 2026', NOW).ok).toBe(false);
    expect(parseTime('2026-13-45', NOW).ok).toBe(false);
    expect(parseTime('30y', NOW).ok).toBe(false);
    expect(parseTime('99999d', NOW).ok).toBe(false);
  });
});

describe('parseRange', () => {
  it('defaults the end to now and keeps start before end', () => {
    expect(parseRange('1d', undefined, NOW)).toEqual({ ok: true, range: { startMs: NOW - 86_400_000, endMs: NOW } });
    expect(parseRange('2d', '1d', NOW)).toEqual({
      ok: true,
      range: { startMs: NOW - 2 * 86_400_000, endMs: NOW - 86_400_000 },
    });
  });

  it('rejects a start after the end and names the bad flag', () => {
    expect(parseRange('1d', '2d', NOW)).toEqual({ ok: false, reason: '--start must be before --end (and before now)' });
    const bad = parseRange('soon', undefined, NOW);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^--start:/);
  });

  it('cuts an end in the future to now', () => {
    expect(parseRange('1d', '2030-01-01', NOW)).toEqual({ ok: true, range: { startMs: NOW - 86_400_000, endMs: NOW } });
  });
});
