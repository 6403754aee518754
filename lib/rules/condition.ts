import { allOf, anyOf } from './anchors';
import type { Anchors, Evaluator } from './types';

/** Parsed Sigma condition. `of` keeps its pattern; identifiers are resolved when compiled. */
export type ConditionNode =
  | { readonly type: 'id'; readonly name: string }
  | { readonly type: 'not'; readonly operand: ConditionNode }
  | { readonly type: 'and' | 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly type: 'of'; readonly quantifier: 'all' | number; readonly pattern: string };

export type ConditionParse = { ok: true; node: ConditionNode } | { ok: false; reason: string };

type Tok = { kind: 'lparen' } | { kind: 'rparen' } | { kind: 'word'; text: string } | { kind: 'pipe' };

const MAX_CONDITION = 4096;
const MAX_DEPTH = 64;

function tokenize(text: string): Tok[] | string {
  const tokens: Tok[] = [];
  const word = /[A-Za-z0-9_*.\-?]+/y;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen' });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen' });
      i++;
    } else if (c === '|') {
      tokens.push({ kind: 'pipe' });
      i++;
    } else {
      word.lastIndex = i;
      const found = word.exec(text);
      if (!found) return `unexpected character '${c}' at position ${i}`;
      tokens.push({ kind: 'word', text: found[0] });
      i = word.lastIndex;
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);

/** Recursive-descent parser; precedence not > and > or, all left-associative. */
class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Tok[]) {}

  parse(): ConditionNode {
    const node = this.or();
    const rest = this.tokens[this.pos];
    if (rest) throw new SyntaxError(`unexpected ${describe(rest)} after the end of the condition`);
    return node;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.pos];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private or(): ConditionNode {
    const operands = [this.and()];
    while (this.peekWord() === 'or') {
      this.pos++;
      operands.push(this.and());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { type: 'or', operands };
  }

  private and(): ConditionNode {
    const operands = [this.not()];
    while (this.peekWord() === 'and') {
      this.pos++;
      operands.push(this.not());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { type: 'and', operands };
  }

  private not(): ConditionNode {
    if (this.peekWord() === 'not') {
      this.pos++;
      return this.nested(() => ({ type: 'not', operand: this.not() }));
    }
    return this.primary();
  }

  private nested<T>(inner: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new SyntaxError(`condition nested deeper than ${MAX_DEPTH}`);
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }

  private primary(): ConditionNode {
    const token = this.tokens[this.pos];
    if (!token) throw new SyntaxError('condition ends where an identifier or ( was expected');
    if (token.kind === 'pipe') {
      throw new SyntaxError("aggregation expressions ('| count() ...') are not supported; write a correlation rule");
    }
    if (token.kind === 'rparen') throw new SyntaxError("unexpected ')'");
    if (token.kind === 'lparen') {
      this.pos++;
      const node = this.nested(() => this.or());
      if (this.tokens[this.pos]?.kind !== 'rparen') throw new SyntaxError("missing ')'");
      this.pos++;
      return node;
    }
    const word = token.text.toLowerCase();
    const next = this.tokens[this.pos + 1];
    if (next?.kind === 'word' && next.text.toLowerCase() === 'of') {
      let quantifier: 'all' | number;
      if (word === 'all') quantifier = 'all';
      else if (word === 'any') quantifier = 1;
      else if (/^[1-9]\d{0,3}$/.test(word)) quantifier = Number(word);
      else throw new SyntaxError(`'${token.text} of' needs 1, any or all before 'of'`);
      const target = this.tokens[this.pos + 2];
      if (
        target?.kind !== 'word' ||
        (KEYWORDS.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them')
      ) {
        throw new SyntaxError(`'${token.text} of' needs an identifier pattern or 'them'`);
      }
      this.pos += 3;
      const pattern = target.text.toLowerCase() === 'them' ? 'them' : target.text;
      return { type: 'of', quantifier, pattern };
    }
    if (KEYWORDS.has(word)) throw new SyntaxError(`unexpected '${token.text}' where an identifier was expected`);
    this.pos++;
    return { type: 'id', name: token.text };
  }
}

function describe(token: Tok): string {
  return token.kind === 'word'
    ? `'${token.text}'`
    : token.kind === 'pipe'
      ? "'|'"
      : token.kind === 'lparen'
        ? "'('"
        : "')'";
}

export function parseCondition(text: string): ConditionParse {
  if (text.length > MAX_CONDITION) return { ok: false, reason: `condition longer than ${MAX_CONDITION} characters` };
  if (text.includes('|')) {
    return {
      ok: false,
      reason: "condition: aggregation expressions ('| count() ...') are not supported; write a correlation rule",
    };
  }
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, reason: `condition: ${tokens}` };
  if (tokens.length === 0) return { ok: false, reason: 'condition is empty' };
  try {
    return { ok: true, node: new Parser(tokens).parse() };
  } catch (cause) {
    return { ok: false, reason: `condition: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
}

/** Identifier names matched by an `of` pattern (`*` wildcards; `them` = all not starting with `_`). */
export function resolvePattern(pattern: string, identifiers: readonly string[]): string[] {
  if (pattern === 'them') return identifiers.filter((name) => !name.startsWith('_'));
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.?+^$()[\]{}|\\-]/g, '\\$&'))
      .join('.*')}$`,
  );
  return identifiers.filter((name) => regex.test(name));
}

export interface CompiledSelection {
  readonly evaluate: Evaluator;
  readonly anchors: Anchors;
}

export type ConditionCompile = { ok: true; evaluate: Evaluator; anchors: Anchors } | { ok: false; reason: string };

/** Closure for a parsed condition over compiled search identifiers; unknown identifiers are errors. */
export function compileCondition(
  node: ConditionNode,
  selections: ReadonlyMap<string, CompiledSelection>,
): ConditionCompile {
  const names = [...selections.keys()];
  const build = (current: ConditionNode): { evaluate: Evaluator; anchors: Anchors } => {
    switch (current.type) {
      case 'id': {
        const selection = selections.get(current.name);
        if (!selection) throw new ReferenceError(`condition names unknown search identifier '${current.name}'`);
        return selection;
      }
      case 'not': {
        const inner = build(current.operand).evaluate;
        return { evaluate: (ctx) => !inner(ctx), anchors: null };
      }
      case 'and':
      case 'or': {
        const parts = current.operands.map(build);
        const evaluators = parts.map((part) => part.evaluate);
        return current.type === 'and'
          ? { evaluate: (ctx) => evaluators.every((e) => e(ctx)), anchors: allOf(parts.map((part) => part.anchors)) }
          : { evaluate: (ctx) => evaluators.some((e) => e(ctx)), anchors: anyOf(parts.map((part) => part.anchors)) };
      }
      case 'of': {
        const matched = resolvePattern(current.pattern, names);
        if (matched.length === 0) throw new ReferenceError(`'of ${current.pattern}' matches no search identifier`);
        const parts = matched.map((name) => selections.get(name) as CompiledSelection);
        const evaluators = parts.map((part) => part.evaluate);
        if (current.quantifier === 'all') {
          return { evaluate: (ctx) => evaluators.every((e) => e(ctx)), anchors: allOf(parts.map((p) => p.anchors)) };
        }
        const needed = current.quantifier;
        if (needed > matched.length) {
          throw new ReferenceError(
            `'${needed} of ${current.pattern}' can never match: only ${matched.length} identifiers`,
          );
        }
        if (needed === 1) {
          return { evaluate: (ctx) => evaluators.some((e) => e(ctx)), anchors: anyOf(parts.map((p) => p.anchors)) };
        }
        const evaluate: Evaluator = (ctx) => {
          let count = 0;
          for (const e of evaluators) if (e(ctx) && ++count >= needed) return true;
          return false;
        };
        return { evaluate, anchors: null };
      }
    }
  };
  try {
    return { ok: true, ...build(node) };
  } catch (cause) {
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
  }
}
