import { hostQuery, logsInsightsUrl } from '../../lib/alerts/logs-insights-link';

/** Undo the console encoding: `$` -> `%`, URI-decode, then JSURL-ish parse of the queryDetail object. */
function decodeDetail(url: string): Record<string, unknown> {
  const fragment = url.slice(url.indexOf('#logsV2:logs-insights') + '#logsV2:logs-insights'.length);
  const outer = decodeURIComponent(fragment.replace(/\$/g, '%'));
  expect(outer.startsWith('?queryDetail=')).toBe(true);
  const structure = decodeURIComponent(outer.slice('?queryDetail='.length));
  let i = 0;
  const primitive = (): string => {
    let raw = '';
    while (i < structure.length && !'~()'.includes(structure[i] as string)) raw += structure[i++];
    return decodeURIComponent(raw.replace(/\*/g, '%'));
  };
  const value = (): unknown => {
    if (structure[i] === "'") {
      i++;
      return primitive();
    }
    if (structure[i] === '(') {
      i++;
      if (structure[i] === '~') {
        const items: unknown[] = [];
        while (structure[i] === '~') {
          i++;
          items.push(value());
        }
        i++;
        return items;
      }
      const out: Record<string, unknown> = {};
      while (structure[i] !== ')') {
        const key = primitive();
        i++; // ~
        out[key] = value();
        if (structure[i] === '~') i++;
      }
      i++;
      return out;
    }
    return primitive();
  };
  expect(structure[i++]).toBe('~');
  return value() as Record<string, unknown>;
}

describe('logsInsightsUrl', () => {
  const input = {
    region: 'eu-west-1',
    logGroup: '/vmsentry/windows/sysmon',
    query: hostQuery(['wks-0142'], 'i-0abc123def4567890'),
    startMs: Date.parse('2026-11-20T13:45:00Z'),
    endMs: Date.parse('2026-11-20T14:15:00Z'),
  };

  it('opens Logs Insights in the region with the query, log group and absolute window', () => {
    const url = logsInsightsUrl(input)!;
    expect(
      url.startsWith(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D',
      ),
    ).toBe(true);
    expect(decodeDetail(url)).toEqual({
      end: '2026-11-20T14:15:00.000Z',
      start: '2026-11-20T13:45:00.000Z',
      timeType: 'ABSOLUTE',
      tz: 'UTC',
      editorString: input.query,
      source: ['/vmsentry/windows/sysmon'],
    });
  });

  it('keeps the structure intact when the query carries the encoding characters themselves', () => {
    const query = hostQuery(["we~ird(host)'$*%"]);
    const url = logsInsightsUrl({ ...input, query })!;
    expect(decodeDetail(url)['editorString']).toBe(query);
    expect(url).not.toMatch(/[\s<>"'()~%]/);
  });

  it('builds no link, and does not throw, for a window past what a Date can hold (a forged year +275760)', () => {
    const edge = 8.64e15;
    expect(logsInsightsUrl({ ...input, startMs: edge - 900_000, endMs: edge + 900_000 })).toBeUndefined();
    expect(logsInsightsUrl({ ...input, startMs: Number.NaN, endMs: edge })).toBeUndefined();
  });

  it('builds no link for a value that is not a region', () => {
    expect(logsInsightsUrl({ ...input, region: 'evil.com/#' })).toBeUndefined();
  });

  it('filters on the log stream and every host name, quoting them as Insights strings', () => {
    const query = hostQuery(['a"b\\c'], 'i-1');
    expect(query).toContain('@logStream = "i-1"');
    expect(query).toContain('@message like "a\\"b\\\\c"');
    expect(hostQuery([])).not.toContain('filter');
  });
});
