/**
 * The Sysmon for Linux parser on real rows: the OTRF recording of Sysmon for Linux XML inside Azure Log Analytics
 * Syslog rows, including one that syslog cut at 2 KB. The fixture-based specification stays in
 * test/sources/linux/sysmon-linux.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sysmonLinuxParser } from '../../lib/sources/linux/sysmon-linux';
import type { ParseOutcome } from '../../lib/sources/parser';
import { recordInput } from '../sources/linux/record-input';
import { describeCorpus } from './corpus-dir';

function eventOf(outcome: ParseOutcome) {
  expect(outcome.ok).toBe(true);
  if (!outcome.ok) throw new Error(outcome.error.reason);
  expect(outcome.events).toHaveLength(1);
  return outcome.events[0]!;
}

describeCorpus('Sysmon for Linux parser on the OTRF Azure Log Analytics recording', (dir) => {
  let lines: string[] = [];
  let outcomes: { sniffed: boolean; outcome: ParseOutcome }[] = [];
  beforeAll(() => {
    lines = gunzipSync(readFileSync(join(dir, 'linux_sysmon1.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    outcomes = lines.map((line, index) => {
      const parser = sysmonLinuxParser.create();
      const input = recordInput(line, index);
      return { sniffed: parser.sniff(input), outcome: parser.parse(input) };
    });
  });

  it('is claimed and parsed completely, every row with its host name', () => {
    expect(lines).toHaveLength(31);
    for (const { sniffed, outcome } of outcomes) {
      expect(sniffed).toBe(true);
      const event = eventOf(outcome);
      expect(event.host.hostname).toBe('UBUNTU5');
      expect(event.fields.Image).toMatch(/^\//);
    }
  });

  it('recovers the row that syslog cut at 2 KB, marked partial', () => {
    const event = eventOf(outcomes[0]!.outcome);
    expect(event.fields.Partial).toBe(true);
    expect(event.fields.CommandLine).toContain('bash -c {echo,');
    expect(event.fields.ParentCommandLine).toMatch(/-Dcatalina\.base=\/opt\/tomcat -$/);
    expect(outcomes.filter(({ outcome }) => outcome.ok && outcome.events[0]?.fields.Partial)).toHaveLength(1);
  });

  it("reads Sysmon's unterminated &quot references as quotes", () => {
    const omi = outcomes
      .map(({ outcome }) => outcome)
      .find((o) => o.ok && o.events[0]?.fields.CommandLine?.startsWith('sh -c /opt/omi/bin/omicli wql'));
    expect(omi && eventOf(omi).fields.CommandLine).toMatch(
      /wql root\/scx " SELECT .* where Handle='\d+'" {2}\| grep =$/,
    );
  });
});
