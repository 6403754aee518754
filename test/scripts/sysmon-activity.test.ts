import path from 'node:path';
import { loadRuleDirectory, RuleSet } from '../../lib/rules';
import { parseText } from '../../lib/sources';
import { SeededRandom } from '../../scripts/benign-telemetry/random';
import { sysmonActivityEvents } from '../../scripts/benign-telemetry/sysmon-activity';

const events = sysmonActivityEvents(250, new SeededRandom(11));
const parsed = parseText(events.map((record) => JSON.stringify(record)).join('\n'));

describe('benign Sysmon activity (scripts/benign-telemetry/sysmon-activity.ts)', () => {
  it('parses without error into the network, image-load, file, registry and DNS categories', () => {
    expect(parsed.errors).toEqual([]);
    const counts: Record<string, number> = {};
    for (const event of parsed.events) counts[event.category] = (counts[event.category] ?? 0) + 1;
    expect(counts).toEqual({ network_connection: 50, image_load: 50, file_event: 50, registry_set: 50, dns_query: 50 });
    const dns = parsed.events.find((event) => event.category === 'dns_query');
    expect(dns?.fields).toMatchObject({
      QueryName: expect.stringMatching(/\.com$/),
      Image: expect.stringMatching(/\.exe$/i),
    });
  });

  it('installed software doing its routine work (update checks, downloads, an ISO included) raises nothing in the pack', () => {
    const pack = loadRuleDirectory(path.resolve(__dirname, '..', '..', 'rules'));
    const ruleSet = RuleSet.from(pack.rules);
    const fired = parsed.events
      .flatMap((event) => ruleSet.match(event))
      .map((d) => `${d.rule.title} <- ${d.event.category}`);
    expect(fired).toEqual([]);
  });
});
