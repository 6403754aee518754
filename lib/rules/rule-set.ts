import { type Detection, type EventCategory, type NormalizedEvent, type Severity, severityRank } from '../model';
import { MatchContext } from './context';
import { fitsRoute } from './logsource';
import { LiteralPrefilter } from './prefilter';
import type { CompiledRule } from './types';

interface Bucket {
  readonly rules: readonly CompiledRule[];
  readonly prefilter: LiteralPrefilter;
}

function detectionOf(rule: CompiledRule, event: NormalizedEvent, ctx: MatchContext): Detection {
  let severity: Severity = rule.metadata.severity;
  const context: string[] = [];
  for (const escalation of rule.escalations) {
    if (!escalation.when(ctx)) continue;
    context.push(escalation.reason);
    if (severityRank(escalation.level) > severityRank(severity)) severity = escalation.level;
  }
  return context.length > 0
    ? { rule: rule.metadata, severity, event, context }
    : { rule: rule.metadata, severity, event };
}

/**
 * Compiled rules indexed by event category (the logsource route), each bucket with a literal prefilter, so an event
 * only meets the rules that fit it and whose required literals it contains.
 */
export class RuleSet {
  private constructor(
    private readonly buckets: ReadonlyMap<EventCategory, Bucket>,
    readonly size: number,
  ) {}

  static from(rules: readonly CompiledRule[]): RuleSet {
    const byCategory = new Map<EventCategory, CompiledRule[]>();
    for (const rule of rules) {
      for (const category of rule.route.categories) {
        const list = byCategory.get(category) ?? [];
        list.push(rule);
        byCategory.set(category, list);
      }
    }
    const buckets = new Map<EventCategory, Bucket>();
    for (const [category, list] of byCategory) {
      buckets.set(category, { rules: list, prefilter: new LiteralPrefilter(list.map((rule) => rule.anchors)) });
    }
    return new RuleSet(buckets, rules.length);
  }

  /** Rules of this set in one event category (for diagnostics). */
  rulesFor(category: EventCategory): readonly CompiledRule[] {
    return this.buckets.get(category)?.rules ?? [];
  }

  /** All detections for one event (correlation excluded). Pure and synchronous; a rule that throws is skipped. */
  match(event: NormalizedEvent): Detection[] {
    const bucket = this.buckets.get(event.category);
    if (!bucket) return [];
    const ctx = new MatchContext(event);
    const out: Detection[] = [];
    for (const index of bucket.prefilter.candidates(ctx)) {
      const rule = bucket.rules[index] as CompiledRule;
      if (!fitsRoute(rule.route, event)) continue;
      try {
        if (rule.evaluate(ctx)) out.push(detectionOf(rule, event, ctx));
      } catch {
        // Matchers are total over well-formed events; a hostile value must still not fail the batch.
      }
    }
    return out;
  }
}
