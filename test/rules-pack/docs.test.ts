/**
 * The pack's documentation as a specification: the catalogue in rules/README.md lists every rule once under its
 * title, the counts README.md and rules/README.md state are the pack's, and every rule the detection strategy
 * (docs/detection-strategy.md) names exists under that title.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { listRuleFiles, loadRuleDirectory } from '../../lib/rules';
import { SCENARIOS } from '../../lib/validate';

const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'rules');
const pack = loadRuleDirectory(RULES_DIR);
const titleBySource = new Map<string, string>(
  [...pack.rules, ...pack.correlations].map((rule) => [rule.metadata.source ?? '', rule.metadata.title]),
);

/** Markdown links to rule files in a document, as repository-relative paths with their link text. */
function ruleLinks(file: string): { title: string; source: string }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const links = [...text.matchAll(/\[([^\]]+)\]\(([^)#\s]+\.yml)\)/g)];
  return links.map((match) => ({
    title: match[1] as string,
    source: relative(ROOT, normalize(join(ROOT, dirname(file), match[2] as string))),
  }));
}

describe('rules/README.md', () => {
  const links = ruleLinks('rules/README.md');

  it('links every rule file of the pack exactly once', () => {
    const sources = links.map((link) => link.source).sort();
    expect(sources).toEqual(
      listRuleFiles(RULES_DIR)
        .map((file) => relative(ROOT, file))
        .sort(),
    );
  });

  it('names each rule by its title', () => {
    expect(links.filter((link) => titleBySource.get(link.source) !== link.title)).toEqual([]);
  });

  it('states the number of detection and correlation rules the pack holds', () => {
    const text = readFileSync(join(RULES_DIR, 'README.md'), 'utf8');
    expect(text).toContain(`${pack.rules.length} detection rules and ${pack.correlations.length} correlation rules`);
  });
});

describe('README.md', () => {
  it('states the number of rules the pack holds', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(text).toContain(`${pack.rules.length} Sigma rules + ${pack.correlations.length} correlation rules`);
  });
});

describe('docs/detection-strategy.md', () => {
  const links = ruleLinks('docs/detection-strategy.md');

  it('names only rules that exist, by their titles', () => {
    expect(links.length).toBeGreaterThanOrEqual(30);
    expect(links.filter((link) => titleBySource.get(link.source) !== link.title)).toEqual([]);
  });

  it('covers each of the four patterns with rules on the new telemetry as well as command lines', () => {
    const text = readFileSync(join(ROOT, 'docs', 'detection-strategy.md'), 'utf8');
    const sections = text.split(/^### \d\. /m).slice(1);
    expect(sections).toHaveLength(4);
    const telemetry = ['Sysmon 6', 'Hyper-V VMMS', 'Setup log', 'Sysmon 3'];
    sections.forEach((section, index) => {
      expect(section).toContain(telemetry[index]);
      expect((section.match(/\.yml\)/g) ?? []).length).toBeGreaterThanOrEqual(4);
    });
  });

  it("lists `vmsentry validate`'s scenarios, in order, in its validation section", () => {
    const text = readFileSync(join(ROOT, 'docs', 'detection-strategy.md'), 'utf8');
    const validation = text.slice(text.indexOf('## Validation'), text.indexOf('## Priority'));
    const listed = [...validation.matchAll(/^\d+\. `([a-z0-9-]+)`/gm)].map((match) => match[1]);
    expect(listed).toEqual(SCENARIOS.map((scenario) => scenario.id));
  });
});
