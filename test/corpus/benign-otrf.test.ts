/**
 * False-positive budget on real telemetry: the OTRF Security-Datasets recordings (Sysmon 1, Security 4688,
 * PowerShell 4104, Sysmon for Linux) hold thousands of process and script events from attack simulations of other
 * techniques, none of which starts a VM or a container. The whole pack must stay silent on all of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Detection, NormalizedEvent } from '../../lib/model';
import { Correlator, InMemoryCorrelationStore, loadRuleDirectory, RuleSet } from '../../lib/rules';
import { parseText } from '../../lib/sources';
import { describeCorpus, REPO_ROOT } from './corpus-dir';

const FILES = [
  { file: 'win_sysmon1.jsonl.gz', category: 'process_creation' },
  { file: 'win_security4688.jsonl.gz', category: 'process_creation' },
  { file: 'win_powershell4104.jsonl.gz', category: 'ps_script' },
  { file: 'linux_sysmon1.jsonl.gz', category: 'process_creation' },
] as const;

const pack = loadRuleDirectory(join(REPO_ROOT, 'rules'));
const ruleSet = RuleSet.from(pack.rules);

function parsedEvents(dir: string, file: string): NormalizedEvent[] {
  const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
  return parseText(text, { file }).events;
}

function describeDetection(detection: Detection): string {
  const f = detection.event.fields;
  const what = f.CommandLine ?? f.ScriptBlockText?.slice(0, 200) ?? f.Image ?? '';
  return `${detection.rule.title} <- ${what}`;
}

describeCorpus('the rule pack on benign OTRF telemetry', (dir) => {
  it('loads without errors', () => {
    expect(pack.errors).toEqual([]);
  });

  for (const { file, category } of FILES) {
    describe(file, () => {
      const events = parsedEvents(dir, file);

      it(`parses into ${category} events the rules can see`, () => {
        // Guards the silence below: a pack that saw no events would be silent too.
        expect(events.filter((event) => event.category === category).length).toBeGreaterThan(0);
      });

      it('raises no detection and no correlation', async () => {
        const detections = events.flatMap((event) => ruleSet.match(event));
        const correlator = new Correlator(pack.correlations, new InMemoryCorrelationStore());
        const correlated = await correlator.process(detections);
        expect([...detections, ...correlated].map(describeDetection)).toEqual([]);
      });
    });
  }
});
