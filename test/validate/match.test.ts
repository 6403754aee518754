import { formatValidationTable, type PendingScenario, sightingsInBody } from '../../lib/validate';

const PENDING: PendingScenario[] = [
  { scenarioId: 'a', marker: 'vmsentry-validate-aaaa', expectedRules: ['r1'], dedupPks: [] },
  { scenarioId: 'b', marker: 'vmsentry-validate-bbbb', expectedRules: ['r2'], dedupPks: [] },
];
const alert = (marker: string) => ({
  schema: 'vmsentry.alert.v1',
  ruleId: 'r1',
  event: { fields: { CommandLine: `x ${marker}` } },
});

describe('sightingsInBody', () => {
  it('finds the marker in a raw-delivered alert (the SNS default body)', () => {
    expect(sightingsInBody(JSON.stringify(alert('vmsentry-validate-aaaa')), PENDING)).toEqual([
      { marker: 'vmsentry-validate-aaaa', ruleId: 'r1' },
    ]);
  });

  it('finds it inside an SNS notification envelope, with or without the per-protocol map', () => {
    const inner = JSON.stringify(alert('vmsentry-validate-bbbb'));
    const plain = JSON.stringify({ Type: 'Notification', Message: inner });
    const structured = JSON.stringify({
      Type: 'Notification',
      Message: JSON.stringify({ default: inner, email: 'x' }),
    });
    expect(sightingsInBody(plain, PENDING)).toEqual([{ marker: 'vmsentry-validate-bbbb', ruleId: 'r1' }]);
    expect(sightingsInBody(structured, PENDING)).toEqual([{ marker: 'vmsentry-validate-bbbb', ruleId: 'r1' }]);
  });

  it("finds it in the per-protocol map delivered raw, as local mode's emulator (fauxqs) delivers it", () => {
    const map = JSON.stringify({ default: JSON.stringify(alert('vmsentry-validate-aaaa')), email: 'x' });
    expect(sightingsInBody(map, PENDING)).toEqual([{ marker: 'vmsentry-validate-aaaa', ruleId: 'r1' }]);
    // A map whose default is not an alert is no sighting, even when the marker appears elsewhere in it.
    expect(sightingsInBody(JSON.stringify({ default: 'text', email: 'vmsentry-validate-aaaa' }), PENDING)).toEqual([]);
  });

  it('ignores alerts without a pending marker, non-JSON bodies and alerts without a rule id', () => {
    expect(sightingsInBody(JSON.stringify(alert('vmsentry-validate-cccc')), PENDING)).toEqual([]);
    expect(sightingsInBody('not json vmsentry-validate-aaaa', PENDING)).toEqual([]);
    expect(sightingsInBody(JSON.stringify({ note: 'vmsentry-validate-aaaa' }), PENDING)).toEqual([]);
  });
});

describe('formatValidationTable', () => {
  it('shows pass/fail, latency in seconds and the count of passed scenarios', () => {
    const text = formatValidationTable([
      { scenario: 'a', title: 'A', status: 'pass', marker: 'm', rules: ['r1'], latencyMs: 1500 },
      { scenario: 'b', title: 'B', status: 'fail', marker: 'n', rules: [], reason: 'no alert' },
    ]);
    expect(text).toContain('PASS');
    expect(text).toContain('1.5 s');
    expect(text).toContain('FAIL');
    expect(text).toContain('1/2 scenario(s) passed');
  });
});
