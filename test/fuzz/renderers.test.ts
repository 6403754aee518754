import fc from 'fast-check';
import { toSnsPublishEntry } from '../../lib/alerts/sns-message';
import { hostileAlert } from '../alerts/hostile';
import { HOSTILE_STRINGS } from './seeds';
import { ciParameters } from './settings';
import { assertPrototypesClean, propertyOf, rendererTarget, SLACK_CONTROL } from './targets';

describe('alert renderers under hostile event text (bounded fuzzing)', () => {
  afterEach(() => assertPrototypesClean());

  it('never lets Slack mentions or links, CR/LF in subjects or attributes, or ANSI escapes through', () => {
    fc.assert(propertyOf(rendererTarget), ciParameters(150));
  });

  it('renders every hand-made hostile string within the same rules', () => {
    for (const text of HOSTILE_STRINGS) {
      expect(() => rendererTarget.check({ text, host: text, unfiltered: false })).not.toThrow();
    }
  });

  it('keeps a 1 MB command line within the SNS message size limit', () => {
    const entry = toSnsPublishEntry(hostileAlert('startvm '.repeat(131_072)));
    expect(Buffer.byteLength(entry.Message) + Buffer.byteLength(entry.Subject)).toBeLessThanOrEqual(262_144);
  });

  it('detects what it guards against: the checks reject raw Slack markup and CR/LF (the oracle can fail)', () => {
    expect(() => rendererTarget.check({ text: 'ok', host: 'ok', unfiltered: false })).not.toThrow();
    expect(SLACK_CONTROL.test('<!channel>')).toBe(true);
    expect(SLACK_CONTROL.test('<https://evil.example|click>')).toBe(true);
    expect(SLACK_CONTROL.test('&lt;!channel&gt;')).toBe(false);
  });
});
