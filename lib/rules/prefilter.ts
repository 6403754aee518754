import type { MatchContext } from './context';
import type { Anchor } from './types';

/** Values longer than this are not scanned; rules anchored on that field simply become candidates. */
const MAX_SCAN = 1_000_000;

/**
 * How a field's literals are found, chosen by measurement on the OTRF corpus (13 MB of script blocks): includes()
 * is native but costs one pass per literal; one alternation regex of all literals is one native pass whose cost
 * grows slowly with the literal count; the trigram scan is a JS loop (about 20-30 times slower per character than
 * includes) whose cost does not grow with the literal count, so it wins only for very large packs.
 */
const INCLUDES_LIMIT = 4;
const REGEX_LIMIT = 1024;
const TABLE_BITS = 16;
const TABLE_SIZE = 1 << TABLE_BITS;

/**
 * 16-bit hash of the trigram at `at`: a direct index into the per-field table, so the scan does one typed-array read
 * per character and touches the anchor lists only on hits. Collisions are harmless: hits are verified with includes.
 */
function gramAt(text: string, at: number): number {
  return (
    (Math.imul(text.charCodeAt(at), 0x9e3779b1) ^
      Math.imul(text.charCodeAt(at + 1), 0x85ebca6b) ^
      Math.imul(text.charCodeAt(at + 2), 0xc2b2ae35)) >>>
    (32 - TABLE_BITS)
  );
}

interface IndexedAnchor {
  readonly literal: string;
  /** Where the indexed trigram sits in the literal: a hit at i is verified with startsWith(literal, i - offset). */
  readonly offset: number;
  readonly rules: readonly number[];
}

interface LiteralRules {
  readonly literal: string;
  readonly rules: readonly number[];
}

interface FieldIndex {
  readonly field: string;
  /** Every distinct literal with its rules; with few literals, native includes() beats a per-character scan. */
  readonly literals: readonly LiteralRules[];
  /** With more: one global regex matching where any literal starts, and the literals by first character. */
  readonly alternation: RegExp | undefined;
  readonly byFirst: ReadonlyMap<number, readonly LiteralRules[]>;
  /** 1 where some anchor's trigram hashes to the slot. */
  readonly present: Uint8Array;
  readonly grams: readonly (readonly IndexedAnchor[] | undefined)[];
  /** Every rule anchored on this field: candidates when the value is too long to scan. */
  readonly allRules: readonly number[];
}

/**
 * Literal prefilter over a bucket of rules: each anchored rule names literals of which at least one must occur in a
 * field's lowercased value. Each literal is indexed by one of its trigrams (the rarest across the bucket), so an
 * event's cost is one scan of its field values, not one check per rule: ten times the rules is not ten times the work.
 */
export class LiteralPrefilter {
  private readonly fields: readonly FieldIndex[];
  private readonly always: readonly number[];
  private readonly stamp: Uint32Array;
  private generation = 0;

  constructor(anchorsByRule: readonly (readonly Anchor[] | null)[]) {
    this.stamp = new Uint32Array(anchorsByRule.length);
    const always: number[] = [];
    const frequency = new Map<number, number>();
    anchorsByRule.forEach((anchors) => {
      for (const anchor of anchors ?? []) {
        for (let i = 0; i + 3 <= anchor.literal.length; i++) {
          const gram = gramAt(anchor.literal, i);
          frequency.set(gram, (frequency.get(gram) ?? 0) + 1);
        }
      }
    });
    const byField = new Map<string, Map<number, Map<string, { offset: number; rules: number[] }>>>();
    const allByField = new Map<string, Set<number>>();
    anchorsByRule.forEach((anchors, rule) => {
      if (anchors === null || anchors.length === 0) {
        always.push(rule);
        return;
      }
      for (const { field, literal } of anchors) {
        let best = 0;
        let bestCount = Number.POSITIVE_INFINITY;
        for (let i = 0; i + 3 <= literal.length; i++) {
          const count = frequency.get(gramAt(literal, i)) ?? 0;
          if (count < bestCount) {
            bestCount = count;
            best = i;
          }
        }
        const gram = gramAt(literal, best);
        const grams = byField.get(field) ?? new Map<number, Map<string, { offset: number; rules: number[] }>>();
        byField.set(field, grams);
        const literals = grams.get(gram) ?? new Map<string, { offset: number; rules: number[] }>();
        grams.set(gram, literals);
        const entry = literals.get(literal) ?? { offset: best, rules: [] };
        // Rules arrive in ascending order, so a repeat of this rule can only be the last one pushed: O(1), where a
        // search of the list would be quadratic in the rules sharing a literal.
        if (entry.rules.at(-1) !== rule) entry.rules.push(rule);
        literals.set(literal, entry);
        const all = allByField.get(field) ?? new Set<number>();
        all.add(rule);
        allByField.set(field, all);
      }
    });
    this.always = always;
    // Every list below grows by push: copying a list per added item (`[...list, item]`) made 40k literals sharing a
    // first character cost 52 s. Construction is linear in the total length of the literals.
    this.fields = [...byField].map(([field, grams]) => {
      // A literal is indexed under exactly one trigram per field (its rarest, a function of the literal), so each
      // literal appears once here.
      const distinct: LiteralRules[] = [];
      for (const byLiteral of grams.values()) {
        for (const [literal, { rules }] of byLiteral) distinct.push({ literal, rules });
      }
      const byFirst = new Map<number, LiteralRules[]>();
      for (const entry of distinct) {
        const first = entry.literal.charCodeAt(0);
        const list = byFirst.get(first);
        if (list) list.push(entry);
        else byFirst.set(first, [entry]);
      }
      const useRegex = distinct.length > INCLUDES_LIMIT && distinct.length <= REGEX_LIMIT;
      // The trigram tables (64K slots each) are built only for the fields that are scanned with them.
      const trigram = distinct.length > REGEX_LIMIT;
      const present = new Uint8Array(trigram ? TABLE_SIZE : 0);
      const table: (IndexedAnchor[] | undefined)[] = trigram ? new Array(TABLE_SIZE) : [];
      if (trigram) {
        for (const [gram, literals] of grams) {
          present[gram] = 1;
          table[gram] = [...literals].map(([literal, { offset, rules }]) => ({ literal, offset, rules }));
        }
      }
      return {
        field,
        literals: distinct,
        alternation: useRegex
          ? new RegExp(distinct.map((entry) => escapeRegex(entry.literal)).join('|'), 'g')
          : undefined,
        byFirst,
        present,
        grams: table,
        allRules: [...(allByField.get(field) ?? [])],
      };
    });
  }

  /** Indexes (ascending) of the rules the event may match. */
  candidates(ctx: MatchContext): number[] {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const mark = this.generation;
    const stamp = this.stamp;
    const out: number[] = this.always.slice();
    for (const rule of this.always) stamp[rule] = mark;
    const add = (rules: readonly number[]): void => {
      for (const rule of rules) {
        if (stamp[rule] !== mark) {
          stamp[rule] = mark;
          out.push(rule);
        }
      }
    };
    for (const index of this.fields) {
      for (const value of ctx.lower(index.field)) {
        if (index.alternation) regexScan(value, index, index.alternation, add);
        else if (index.literals.length <= INCLUDES_LIMIT) includesScan(value, index.literals, add);
        else if (value.length > MAX_SCAN) add(index.allRules);
        else scan(value, index, add);
      }
    }
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function includesScan(value: string, literals: readonly LiteralRules[], add: (rules: readonly number[]) => void): void {
  for (const { literal, rules } of literals) if (value.includes(literal)) add(rules);
}

/**
 * Every position where some literal starts, found by the native regex engine (leftmost match, then resume one
 * character later so overlapping and repeated literals are all seen), verified in place against the literals with
 * that first character. A value dense with hits (say a literal repeated all along a script) would mean one exec()
 * per hit; past a budget the remaining work is one includes() per literal instead, still linear.
 */
function regexScan(
  value: string,
  index: FieldIndex,
  alternation: RegExp,
  add: (rules: readonly number[]) => void,
): void {
  let budget = 64 + (value.length >> 6);
  alternation.lastIndex = 0;
  for (;;) {
    const found = alternation.exec(value);
    if (found === null) return;
    const at = found.index;
    for (const entry of index.byFirst.get(value.charCodeAt(at)) ?? []) {
      if (value.startsWith(entry.literal, at)) add(entry.rules);
    }
    if (--budget === 0) {
      alternation.lastIndex = 0;
      includesScan(value, index.literals, add);
      return;
    }
    alternation.lastIndex = at + 1;
  }
}

/** One pass over the value with a rolling trigram hash; table hits are verified in place. */
function scan(value: string, index: FieldIndex, add: (rules: readonly number[]) => void): void {
  const { present, grams } = index;
  let a = value.charCodeAt(0);
  let b = value.charCodeAt(1);
  for (let i = 2; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const gram = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) >>> (32 - TABLE_BITS);
    a = b;
    b = c;
    if (present[gram] === 0) continue;
    const anchors = grams[gram];
    if (!anchors) continue;
    for (const anchor of anchors) if (value.startsWith(anchor.literal, i - 2 - anchor.offset)) add(anchor.rules);
  }
}
