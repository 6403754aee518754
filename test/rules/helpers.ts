import { stringify } from 'yaml';
import type { EventCategory, EventFields, FormatName, HostIdentity, NormalizedEvent, Platform } from '../../lib/model';
import { type CompiledRule, compileRuleText, RuleSet } from '../../lib/rules';

export interface EventSpec {
  category?: EventCategory;
  platform?: Platform;
  format?: FormatName;
  fields?: EventFields;
  raw?: Record<string, unknown>;
  host?: HostIdentity;
  time?: string;
  recordId?: string;
  index?: number;
}

let counter = 0;

/** A NormalizedEvent as a parser would produce it; defaults describe a Windows process creation. */
export function makeEvent(spec: EventSpec = {}): NormalizedEvent {
  const time = spec.time ?? '2026-11-27T10:00:00.000Z';
  const event: NormalizedEvent = {
    category: spec.category ?? 'process_creation',
    platform: spec.platform ?? 'windows',
    time,
    timeMs: Date.parse(time),
    host: spec.host ?? { hostname: 'WS01.corp.example' },
    provenance: {
      format: spec.format ?? 'sysmon-windows',
      envelope: 'inline',
      index: spec.index ?? counter++,
      ...(spec.recordId !== undefined ? { recordId: spec.recordId } : {}),
    },
    fields: spec.fields ?? {},
    ...(spec.raw !== undefined ? { raw: spec.raw } : {}),
  };
  return event;
}

let ruleCounter = 0;

/** A minimal valid rule document around a detection section. */
export function ruleYaml(detection: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({
    title: `Test rule ${ruleCounter}`,
    id: `00000000-0000-4000-8000-${String(ruleCounter++).padStart(12, '0')}`,
    level: 'medium',
    logsource: { category: 'process_creation' },
    detection,
    ...extra,
  });
}

/** Compile one rule or fail the test with the load error. */
export function compileOne(text: string, source = 'test.yml'): CompiledRule {
  const [result, ...rest] = compileRuleText(text, source);
  if (!result) throw new Error('no rule compiled');
  if (rest.length > 0) throw new Error('more than one document');
  if (!result.ok) throw new Error(`load error: ${result.error.reason}`);
  return result.rule;
}

/** The load error reason of a rule text that must not compile. */
export function loadErrorOf(text: string, source = 'test.yml'): string {
  const [result] = compileRuleText(text, source);
  if (!result) throw new Error('no result');
  if (result.ok) throw new Error('rule compiled but was expected to fail');
  return result.error.reason;
}

/** Whether a detection section (condition `selection` unless given) matches an event with these fields. */
export function detects(detection: Record<string, unknown>, fields: EventFields, spec: EventSpec = {}): boolean {
  const body = 'condition' in detection ? detection : { ...detection, condition: 'selection' };
  const rule = compileOne(ruleYaml(body));
  return RuleSet.from([rule]).match(makeEvent({ ...spec, fields })).length === 1;
}

/** Shorthand: one field item as the only selection. */
export function item(key: string, value: unknown, fields: EventFields, spec: EventSpec = {}): boolean {
  return detects({ selection: { [key]: value } }, fields, spec);
}
