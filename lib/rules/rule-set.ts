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
/** Distinct event shapes remembered by couldSee(); beyond it answers are computed, not cached. */
const MAX_SEEN_SHAPES = 4096;

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

  /** Per route-relevant event shape (category, platform, format, channel): does any rule's route take it? */
  private readonly seen = new Map<string, boolean>();

  /**
   * Whether any rule could see this event: its category has rules and one of their routes (platform, service
   * channel or format) takes it. Answered once per distinct shape and cached, so the pipeline can drop events of
   * categories and channels no loaded rule uses before matching, for the price of a map lookup.
   */
  couldSee(event: NormalizedEvent): boolean {
    const bucket = this.buckets.get(event.category);
    if (!bucket) return false;
    const channel = event.fields.Channel;
    const key = `${event.category}|${event.platform}|${event.provenance.format}|${channel === undefined ? '' : channel.toLowerCase()}`;
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    const answer = bucket.rules.some((rule) => fitsRoute(rule.route, event));
    // Bounded: channel names are data, and a flood of distinct ones must not grow the cache without limit.
    if (this.seen.size < MAX_SEEN_SHAPES) this.seen.set(key, answer);
    return answer;
  }

  /** Rules of this set in one event category (for diagnostics). */
  rulesFor(category: EventCategory): readonly CompiledRule[] {
    return this.buckets.get(category)?.rules ?? [];
  }

  /**
   * How many rules the index hands this event for evaluation (literal prefilter passed, route fits): the work
   * RuleSet.match does per event, for tests and diagnostics that count work rather than time it.
   */
  candidateCount(event: NormalizedEvent): number {
    const bucket = this.buckets.get(event.category);
    if (!bucket) return 0;
    let count = 0;
    for (const index of bucket.prefilter.candidates(new MatchContext(event))) {
      if (fitsRoute((bucket.rules[index] as CompiledRule).route, event)) count++;
    }
    return count;
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
