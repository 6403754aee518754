import fc from 'fast-check';
import {
  type CompiledSelection,
  type ConditionNode,
  compileCondition,
  parseCondition,
} from '../../lib/rules/condition';
import { MatchContext } from '../../lib/rules/context';
import { detects, loadErrorOf, makeEvent, ruleYaml } from './helpers';

const NAMES = ['sel_a', 'sel_b', 'filter_x', 'filter_y', '_hidden'];
const ctx = new MatchContext(makeEvent());

/** Selections with fixed truth values, so only the condition logic is under test. */
function selections(truth: Record<string, boolean>): Map<string, CompiledSelection> {
  return new Map(NAMES.map((name) => [name, { evaluate: () => truth[name] ?? false, anchors: null }]));
}

function evaluate(text: string, truth: Record<string, boolean>): boolean {
  const parsed = parseCondition(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  const compiled = compileCondition(parsed.node, selections(truth));
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.evaluate(ctx);
}

type Expr = { id: string } | { not: Expr } | { and: [Expr, Expr] } | { or: [Expr, Expr] };

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((id) => ({ id })),
    tie('expr').map((e) => ({ not: e })),
    fc.tuple(tie('expr'), tie('expr')).map((pair) => ({ and: pair })),
    fc.tuple(tie('expr'), tie('expr')).map((pair) => ({ or: pair })),
  ),
})).expr;

const truthArb = fc.record(
  Object.fromEntries(NAMES.map((name) => [name, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>,
);

function render(expr: Expr): string {
  if ('id' in expr) return expr.id;
  if ('not' in expr) return `not (${render(expr.not)})`;
  if ('and' in expr) return `(${render(expr.and[0])}) and (${render(expr.and[1])})`;
  return `(${render(expr.or[0])}) or (${render(expr.or[1])})`;
}

function reference(expr: Expr, truth: Record<string, boolean>): boolean {
  if ('id' in expr) return truth[expr.id] ?? false;
  if ('not' in expr) return !reference(expr.not, truth);
  if ('and' in expr) return reference(expr.and[0], truth) && reference(expr.and[1], truth);
  return reference(expr.or[0], truth) || reference(expr.or[1], truth);
}

describe('Sigma conditions', () => {
  describe('operators and precedence', () => {
    it('binds not tighter than and, and tighter than or', () => {
      const t = { sel_a: true, sel_b: false, filter_x: false };
      expect(evaluate('sel_a or sel_b and filter_x', t)).toBe(true);
      expect(evaluate('(sel_a or sel_b) and filter_x', t)).toBe(false);
      expect(evaluate('not sel_b and sel_a', t)).toBe(true);
      expect(evaluate('not (sel_b or sel_a)', t)).toBe(false);
    });

    it('accepts operators in any letter case', () => {
      expect(evaluate('sel_a AND NOT sel_b', { sel_a: true })).toBe(true);
      expect(evaluate('sel_a AND NOT sel_b', { sel_a: true, sel_b: true })).toBe(false);
    });
  });

  describe('quantified identifiers', () => {
    it('1 of pattern is true when any matching identifier is', () => {
      expect(evaluate('1 of filter_*', { filter_y: true })).toBe(true);
      expect(evaluate('1 of filter_*', { sel_a: true })).toBe(false);
      expect(evaluate('any of filter_*', { filter_x: true })).toBe(true);
    });

    it('all of pattern needs every matching identifier', () => {
      expect(evaluate('all of filter_*', { filter_x: true, filter_y: true })).toBe(true);
      expect(evaluate('all of filter_*', { filter_x: true })).toBe(false);
    });

    it('them covers every identifier not starting with an underscore', () => {
      const all = { sel_a: true, sel_b: true, filter_x: true, filter_y: true };
      expect(evaluate('all of them', all)).toBe(true);
      expect(evaluate('all of them', { ...all, sel_b: false })).toBe(false);
      expect(evaluate('1 of them', { _hidden: true })).toBe(false);
      expect(evaluate('1 of them', { sel_b: true })).toBe(true);
    });

    it('N of pattern needs at least N', () => {
      expect(evaluate('2 of them', { sel_a: true, filter_y: true })).toBe(true);
      expect(evaluate('2 of them', { sel_a: true })).toBe(false);
    });
  });

  describe('errors', () => {
    it.each([
      ['sel_a and', /ends/],
      ['(sel_a', /missing '\)'/],
      ['sel_a)', /unexpected/],
      ['sel_a | count() > 5', /aggregation/],
      ['sel_a # x', /unexpected character/],
      ['', /empty/],
      ['all of', /needs an identifier pattern/],
      ['many of sel_*', /needs 1, any or all/],
    ])('rejects %p', (text, reason) => {
      const parsed = parseCondition(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    });

    it('rejects unknown identifiers and patterns matching nothing when the rule loads', () => {
      expect(loadErrorOf(ruleYaml({ sel: { Image: 'x' }, condition: 'sel and missing' }))).toMatch(
        /unknown search identifier 'missing'/,
      );
      expect(loadErrorOf(ruleYaml({ sel: { Image: 'x' }, condition: '1 of filter_*' }))).toMatch(
        /matches no search identifier/,
      );
    });

    it('accepts a list of conditions as their disjunction', () => {
      const detection = { a: { Image: 'a' }, b: { Image: 'b' }, condition: ['a', 'b'] };
      expect(detects(detection, { Image: 'b' })).toBe(true);
      expect(detects(detection, { Image: 'c' })).toBe(false);
    });
  });

  describe('properties', () => {
    it('evaluates random conditions like a reference evaluator, without throwing', () => {
      fc.assert(
        fc.property(exprArb, truthArb, (expr, truth) => {
          expect(evaluate(render(expr), truth)).toBe(reference(expr, truth));
        }),
        { numRuns: 300 },
      );
    });

    it('not not X equals X', () => {
      fc.assert(
        fc.property(exprArb, truthArb, (expr, truth) => {
          expect(evaluate(`not not (${render(expr)})`, truth)).toBe(evaluate(render(expr), truth));
        }),
        { numRuns: 200 },
      );
    });

    it('satisfies De Morgan', () => {
      fc.assert(
        fc.property(exprArb, exprArb, truthArb, (a, b, truth) => {
          const x = render(a);
          const y = render(b);
          expect(evaluate(`not ((${x}) and (${y}))`, truth)).toBe(evaluate(`not (${x}) or not (${y})`, truth));
          expect(evaluate(`not ((${x}) or (${y}))`, truth)).toBe(evaluate(`not (${x}) and not (${y})`, truth));
        }),
        { numRuns: 200 },
      );
    });

    it('never throws on arbitrary condition text', () => {
      const words = fc.constantFrom('and', 'or', 'not', '(', ')', '1 of', 'all of', 'them', 'sel_*', '|', ...NAMES);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.array(words, { maxLength: 12 }).map((w) => w.join(' ')),
          ),
          (text) => {
            const parsed = parseCondition(text);
            if (parsed.ok) {
              const compiled = compileCondition(parsed.node as ConditionNode, selections({}));
              if (compiled.ok) expect(typeof compiled.evaluate(ctx)).toBe('boolean');
            }
          },
        ),
        { numRuns: 500 },
      );
    });

    it('refuses absurd nesting instead of overflowing the stack', () => {
      expect(parseCondition(`${'('.repeat(500)}sel_a${')'.repeat(500)}`).ok).toBe(false);
      expect(parseCondition(`${'not '.repeat(500)}sel_a`).ok).toBe(false);
    });
  });
});
