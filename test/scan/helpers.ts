import type { AllowlistEntry, NormalizedEvent } from '../../lib/model';
import { type CompiledCorrelation, type CompiledRule, compileRuleFile, compileRuleText } from '../../lib/rules';

/** Compile one detection rule from YAML, failing the test when it does not compile. */
export function ruleFrom(yaml: string): CompiledRule {
  const [result] = compileRuleText(yaml, 'test-rule.yml');
  if (!result?.ok || !('rule' in result)) throw new Error(`rule did not compile: ${JSON.stringify(result)}`);
  return result.rule;
}

export function correlationsFrom(yaml: string): CompiledCorrelation[] {
  return compileRuleFile(yaml, 'test-correlation.yml').flatMap((result) =>
    result.ok && 'correlation' in result ? [result.correlation] : [],
  );
}

export const HEADLESS_RULE = `
title: Test VBoxManage Headless Start
id: 11111111-1111-4111-8111-111111111111
description: VBoxManage started a VM without a window.
author: test
date: 2026-11-27
level: high
tags: [attack.defense-evasion, attack.t1564.006]
logsource: { category: process_creation }
detection:
  selection:
    Image|endswith: VBoxManage.exe
    CommandLine|contains: startvm
  condition: selection
falsepositives: [Lab hosts]
dedup: { fields: [CommandLine] }
escalate:
  - when: { CommandLine|contains: headless }
    level: critical
    reason: started headless
`;

export const INFO_RULE = `
title: Test Any VBoxManage
id: 22222222-2222-4222-8222-222222222222
level: informational
tags: [attack.t1564.006]
logsource: { category: process_creation }
detection:
  selection: { Image|endswith: VBoxManage.exe }
  condition: selection
`;

let sequence = 0;

export function processEvent(
  fields: { Image: string; CommandLine: string },
  options: { host?: string; timeMs?: number; line?: number } = {},
): NormalizedEvent {
  const timeMs = options.timeMs ?? Date.parse('2026-11-27T10:00:00Z');
  sequence++;
  return {
    category: 'process_creation',
    platform: 'windows',
    time: new Date(timeMs).toISOString(),
    timeMs,
    host: { hostname: options.host ?? 'WS-01.corp.example.com' },
    provenance: {
      format: 'sysmon-windows',
      envelope: 'file',
      file: 'events.jsonl',
      index: (options.line ?? sequence) - 1,
      line: options.line ?? sequence,
      recordId: `r${sequence}`,
    },
    fields,
  };
}

export function entry(fields: Partial<AllowlistEntry> & Pick<AllowlistEntry, 'host' | 'rule'>): AllowlistEntry {
  return { reason: 'lab host', owner: 'secops', ...fields };
}
