import { eventTime, integrityLevelOf, sameName, utcTimeOf } from '../../../lib/sources/windows/windows-event';
import { inputOf } from './windows-test-kit';

const noEnvelope = inputOf('');
const withEnvelope = inputOf('', { timestampMs: Date.parse('2026-05-05T05:05:05.000Z') });

describe('eventTime', () => {
  it('takes the first candidate that is a time, skipping absent and unparseable ones', () => {
    expect(eventTime([undefined, 'garbage', '2026-01-02T03:04:05.678Z'], noEnvelope)?.time).toBe(
      '2026-01-02T03:04:05.678Z',
    );
  });

  it('prefers a zoned time over an earlier zone-less one (NXLog EventTime is local time)', () => {
    expect(eventTime(['2026-01-02 01:00:00', '2026-01-02T06:00:00Z'], noEnvelope)?.time).toBe(
      '2026-01-02T06:00:00.000Z',
    );
  });

  it('reads a zone-less time as UTC when nothing better exists', () => {
    expect(eventTime(['2026-01-02 01:00:00.123'], noEnvelope)?.time).toBe('2026-01-02T01:00:00.123Z');
  });

  it('reads Windows SystemTime with 7 fractional digits', () => {
    expect(eventTime(['2026-11-20T09:14:03.5561620Z'], noEnvelope)?.time).toBe('2026-11-20T09:14:03.556Z');
  });

  it('falls back to the envelope timestamp, then to nothing', () => {
    expect(eventTime([undefined, 'garbage'], withEnvelope)?.time).toBe('2026-05-05T05:05:05.000Z');
    expect(eventTime([undefined, 'garbage'], noEnvelope)).toBeUndefined();
  });
});

describe('utcTimeOf', () => {
  it('marks Sysmon UtcTime as UTC and leaves zoned values alone', () => {
    expect(utcTimeOf('2026-11-20 09:14:03.551')).toBe('2026-11-20T09:14:03.551Z');
    expect(utcTimeOf('2022-05-13T08:54:08.4200000Z')).toBe('2022-05-13T08:54:08.4200000Z');
    expect(utcTimeOf(undefined)).toBeUndefined();
  });
});

describe('integrityLevelOf', () => {
  it.each([
    ['S-1-16-4096', 'Low'],
    ['S-1-16-8192', 'Medium'],
    ['S-1-16-8448', 'MediumPlus'],
    ['S-1-16-12288', 'High'],
    ['S-1-16-16384', 'System'],
    ['Mandatory Label\\High Mandatory Level', 'High'],
    ['Mandatory Label\\Medium Plus Mandatory Level', 'MediumPlus'],
    ['Mandatory Label\\System Mandatory Level', 'System'],
  ])('maps %s to %s', (label, level) => {
    expect(integrityLevelOf(label)).toBe(level);
  });

  it('keeps unknown labels as written and absent ones absent', () => {
    expect(integrityLevelOf('S-1-16-1')).toBe('S-1-16-1');
    expect(integrityLevelOf('S-1-16-constructor')).toBe('S-1-16-constructor');
    expect(integrityLevelOf(undefined)).toBeUndefined();
  });
});

describe('sameName', () => {
  it('compares channel and provider names without regard to case or surrounding space', () => {
    expect(sameName(' security ', 'Security')).toBe(true);
    expect(sameName('Securityx', 'Security')).toBe(false);
    expect(sameName(undefined, 'Security')).toBe(false);
  });
});
