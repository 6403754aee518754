import type { RE2JS } from 're2js';
import { allOf, anchorOf, anyOf } from './anchors';
import { cidrContains, parseCidr, parseIp } from './cidr';
import type { MatchContext } from './context';
import { base64Of, base64OffsetVariants, MAX_WINDASH_VARIANTS, type TextEncoding, windashVariants } from './encodings';
import { regexAnchors } from './regex-anchors';
import {
  checkRegex,
  compileTranslated,
  MAX_REGEX_INPUT,
  type RegexCheck,
  type RegexTranslation,
  regexesCheckedAhead,
  translateRegex,
} from './regex-safety';
import {
  compileTokens,
  hasWildcards,
  literalTokens,
  longestLiteral,
  lowerTokens,
  parseSigmaString,
  type Token,
  withStars,
} from './sigma-string';
import type { Anchors, Evaluator } from './types';

export type Compiled = { ok: true; evaluate: Evaluator; anchors: Anchors } | { ok: false; reason: string };

const SUPPORTED_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'wide',
  'cidr',
  'lt',
  'lte',
  'gt',
  'gte',
  'fieldref',
  'expand',
]);

type Scalar = string | number | boolean | null;

function fail(reason: string): Compiled {
  return { ok: false, reason };
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Numbers match numbers and numeric strings. */
function toNumber(value: string | number | boolean): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Combine per-value evaluators: OR by default, AND under `all`. */
function combine(items: readonly { evaluate: Evaluator; anchors: Anchors }[], all: boolean): Compiled {
  const evaluators = items.map((item) => item.evaluate);
  const anchors = all ? allOf(items.map((item) => item.anchors)) : anyOf(items.map((item) => item.anchors));
  if (evaluators.length === 1) return { ok: true, evaluate: evaluators[0] as Evaluator, anchors };
  const evaluate: Evaluator = all
    ? (ctx) => evaluators.every((evaluator) => evaluator(ctx))
    : (ctx) => evaluators.some((evaluator) => evaluator(ctx));
  return { ok: true, evaluate, anchors };
}

function anyText(field: string, cased: boolean, tests: readonly ((value: string) => boolean)[]): Evaluator {
  const read = cased ? (ctx: MatchContext) => ctx.texts(field) : (ctx: MatchContext) => ctx.lower(field);
  if (tests.length === 1) {
    const test = tests[0] as (value: string) => boolean;
    return (ctx) => {
      for (const value of read(ctx)) if (test(value)) return true;
      return false;
    };
  }
  return (ctx) => {
    for (const value of read(ctx)) for (const test of tests) if (test(value)) return true;
    return false;
  };
}

interface StringOptions {
  readonly field: string;
  readonly mods: ReadonlySet<string>;
}

function encodingOf(mods: ReadonlySet<string>): TextEncoding | 'conflict' {
  const chosen = ['utf16le', 'wide', 'utf16be'].filter((mod) => mods.has(mod));
  if (chosen.length > 1 && !(chosen.length === 2 && chosen.includes('wide') && chosen.includes('utf16le'))) {
    return 'conflict';
  }
  return mods.has('utf16be') ? 'utf16be' : mods.has('utf16le') || mods.has('wide') ? 'utf16le' : 'utf8';
}

/** A string value with transformation and position modifiers. */
function compileString(value: string, { field, mods }: StringOptions): Compiled {
  const encoding = encodingOf(mods);
  if (encoding === 'conflict') return fail('conflicting text encodings (utf16le/wide, utf16be)');
  let patterns: Token[][];
  let cased = mods.has('cased');
  let sources = [value];
  if (mods.has('windash')) {
    const variants = windashVariants(value);
    if (!variants) return fail(`windash would expand '${value}' into more than ${MAX_WINDASH_VARIANTS} variants`);
    sources = variants;
  }
  if (mods.has('base64') || mods.has('base64offset')) {
    if (hasWildcards(parseSigmaString(value))) return fail('base64 modifiers cannot encode wildcards');
    const literal = (source: string): string =>
      parseSigmaString(source)
        .map((t) => (t.kind === 'text' ? t.text : ''))
        .join('');
    const encoded = sources.flatMap((source) =>
      mods.has('base64offset')
        ? base64OffsetVariants(literal(source), encoding)
        : [base64Of(literal(source), encoding)],
    );
    patterns = encoded.map(literalTokens);
    // Base64 text is case-sensitive: lowercasing it would match other bytes.
    cased = true;
  } else {
    patterns = sources.map(parseSigmaString);
  }
  const contains = mods.has('contains');
  const starts = mods.has('startswith');
  const ends = mods.has('endswith');
  patterns = patterns.map((tokens) => withStars(tokens, contains || ends, contains || starts));
  if (!cased) patterns = patterns.map(lowerTokens);
  const tests = patterns.map(compileTokens);
  const anchors = anyOf(patterns.map((tokens) => anchorOf(field, longestLiteral(tokens).toLowerCase())));
  return { ok: true, evaluate: anyText(field, cased, tests), anchors };
}

function compileNumber(value: number, field: string): Compiled {
  const text = String(value);
  const evaluate: Evaluator = (ctx) => {
    for (const item of ctx.values(field)) {
      if (typeof item === 'boolean') continue;
      if (item === value || item === text || toNumber(item) === value) return true;
    }
    return false;
  };
  return { ok: true, evaluate, anchors: null };
}

function compileBoolean(value: boolean, field: string): Compiled {
  const text = String(value);
  const evaluate: Evaluator = (ctx) => {
    for (const item of ctx.values(field)) {
      if (item === value || (typeof item === 'string' && item.trim().toLowerCase() === text)) return true;
    }
    return false;
  };
  return { ok: true, evaluate, anchors: null };
}

function compileRegex(values: readonly Scalar[], field: string, mods: ReadonlySet<string>): Compiled {
  const flags = ['i', 'm', 's'].filter((flag) => mods.has(flag)).join('');
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const value of values) {
    if (typeof value !== 'string') return fail('re values must be strings');
    const checked: RegexCheck | RegexTranslation = regexesCheckedAhead()
      ? translateRegex(value, flags)
      : checkRegex(value, flags);
    if (!checked.ok) return fail(`${checked.reason}: ${value}`);
    // RE2JS (linear time, see regex-safety.ts), never V8's backtracking RegExp; compiled on first use when the pack
    // it came from was checked at build time (withRegexesCheckedAhead).
    let regex: RE2JS | undefined = 'regex' in checked ? (checked as { regex: RE2JS }).regex : undefined;
    const program = (): RE2JS => {
      regex ??= compileTranslated(checked.source, checked.flags);
      return regex;
    };
    const test = anyText(field, true, [
      (text) => program().test(text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text),
    ]);
    // Rules often repeat a regex (variants, escalations): over a large script block it runs once per event.
    const key = `re\u0000${field}\u0000${checked.flags}\u0000${checked.source}`;
    const anchors = regexAnchors(field, checked.source, { caseless: checked.flags.includes('i') });
    items.push({ evaluate: (ctx) => ctx.once(key, test), anchors });
  }
  return combine(items, mods.has('all'));
}

function compileCidr(values: readonly Scalar[], field: string, mods: ReadonlySet<string>): Compiled {
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const value of values) {
    const range = typeof value === 'string' ? parseCidr(value) : undefined;
    if (!range) return fail(`invalid CIDR range: ${String(value)}`);
    const evaluate: Evaluator = (ctx) => {
      for (const text of ctx.texts(field)) {
        const address = parseIp(text);
        if (address && cidrContains(range, address)) return true;
      }
      return false;
    };
    items.push({ evaluate, anchors: null });
  }
  return combine(items, mods.has('all'));
}

const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function compileCompare(op: string, values: readonly Scalar[], field: string, mods: ReadonlySet<string>): Compiled {
  const compare = COMPARE[op] as (a: number, b: number) => boolean;
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const value of values) {
    const bound = typeof value === 'number' || typeof value === 'string' ? toNumber(value) : undefined;
    if (bound === undefined) return fail(`${op} needs a number, got ${JSON.stringify(value)}`);
    const evaluate: Evaluator = (ctx) => {
      for (const item of ctx.values(field)) {
        const n = typeof item === 'boolean' ? undefined : toNumber(item);
        if (n !== undefined && compare(n, bound)) return true;
      }
      return false;
    };
    items.push({ evaluate, anchors: null });
  }
  return combine(items, mods.has('all'));
}

function compileFieldref(values: readonly Scalar[], field: string, mods: ReadonlySet<string>): Compiled {
  const cased = mods.has('cased');
  const relation = mods.has('contains')
    ? (a: string, b: string) => a.includes(b)
    : mods.has('startswith')
      ? (a: string, b: string) => a.startsWith(b)
      : mods.has('endswith')
        ? (a: string, b: string) => a.endsWith(b)
        : (a: string, b: string) => a === b;
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const value of values) {
    if (typeof value !== 'string' || value === '') return fail('fieldref values must be field names');
    const other = value;
    const read = cased
      ? (ctx: MatchContext, f: string) => ctx.texts(f)
      : (ctx: MatchContext, f: string) => ctx.lower(f);
    const evaluate: Evaluator = (ctx) => {
      const theirs = read(ctx, other);
      if (theirs.length === 0) return false;
      for (const mine of read(ctx, field)) for (const ref of theirs) if (relation(mine, ref)) return true;
      return false;
    };
    items.push({ evaluate, anchors: null });
  }
  return combine(items, mods.has('all'));
}

const EXCLUSIVE = ['re', 'cidr', 'lt', 'lte', 'gt', 'gte', 'exists', 'fieldref', 'expand'];
const POSITION = ['contains', 'startswith', 'endswith'];
const TRANSFORM = ['windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'wide'];

function validateModifiers(mods: readonly string[]): string | undefined {
  for (const mod of mods) {
    if (!SUPPORTED_MODIFIERS.has(mod)) return `unknown modifier '${mod}'`;
  }
  const set = new Set(mods);
  if (set.size !== mods.length) return 'a modifier is repeated';
  const exclusive = EXCLUSIVE.filter((mod) => set.has(mod));
  if (exclusive.length > 1) return `modifiers ${exclusive.join(', ')} cannot be combined`;
  if (POSITION.filter((mod) => set.has(mod)).length > 1) return 'contains, startswith and endswith are exclusive';
  for (const flag of ['i', 'm', 's'])
    if (set.has(flag) && !set.has('re')) return `modifier '${flag}' only applies to re`;
  const only = exclusive[0];
  if (only && only !== 'fieldref') {
    const extras: Readonly<Record<string, readonly string[]>> = {
      re: ['i', 'm', 's', 'cased'],
      expand: [...POSITION, 'cased', 'windash'],
    };
    const allowed = new Set([only, 'all', ...(extras[only] ?? [])]);
    const extra = mods.filter((mod) => !allowed.has(mod));
    if (extra.length > 0) return `modifier '${only}' cannot be combined with ${extra.join(', ')}`;
  }
  if (only === 'fieldref') {
    const extra = mods.filter((mod) => TRANSFORM.includes(mod));
    if (extra.length > 0) return `modifier 'fieldref' cannot be combined with ${extra.join(', ')}`;
  }
  if ((set.has('utf16le') || set.has('utf16be') || set.has('wide')) && !set.has('base64') && !set.has('base64offset')) {
    return 'utf16le/utf16be/wide only make sense before base64 or base64offset';
  }
  if (set.has('base64') && set.has('base64offset')) return 'base64 and base64offset are exclusive';
  if (set.has('base64offset') && !set.has('contains')) return 'base64offset requires contains';
  return undefined;
}

/**
 * One `field|modifier...: value(s)` item of a search identifier. Values are OR'ed unless `all` is given; a null
 * value means the field is absent.
 */
export function compileFieldItem(key: string, rawValue: unknown): Compiled {
  const [field = '', ...mods] = key.split('|');
  if (field.trim() === '') return fail(`field name missing in '${key}'`);
  const invalid = validateModifiers(mods);
  if (invalid) return fail(`${invalid} (in '${key}')`);
  const modSet = new Set(mods);
  const values = Array.isArray(rawValue) ? rawValue : [rawValue];
  if (values.length === 0) return fail(`'${key}' has an empty value list`);
  if (!values.every(isScalar)) return fail(`'${key}' values must be strings, numbers, booleans or null`);
  const result = compileValues(field, modSet, values);
  return result.ok ? result : fail(`${result.reason} (in '${key}')`);
}

/** `%name%` placeholders of an `expand` value. */
const PLACEHOLDER = /%[^%\s]+%/;

/**
 * `expand` values name placeholders (`%Admins_Workstations%`) that a deployment fills with its own values. vmsentry
 * has no placeholder values, so an item with a placeholder matches nothing: in a selection the rule cannot fire
 * through it, in a `not` filter the filter never excludes (more alerts, never fewer). The loader reports every such
 * rule with a warning (placeholdersOf), so the gap is visible. A value without a placeholder is a plain string.
 */
function compileExpand(field: string, mods: ReadonlySet<string>, values: readonly Scalar[]): Compiled {
  if (!values.every((value) => typeof value === 'string')) return fail('expand values must be strings');
  const literal = values.filter((value) => !PLACEHOLDER.test(value as string));
  if (literal.length === 0 || (mods.has('all') && literal.length < values.length)) {
    return { ok: true, evaluate: () => false, anchors: null };
  }
  const rest = new Set([...mods].filter((mod) => mod !== 'expand'));
  return compileValues(field, rest, literal);
}

function compileValues(field: string, mods: ReadonlySet<string>, values: readonly Scalar[]): Compiled {
  if (mods.has('expand')) return compileExpand(field, mods, values);
  if (mods.has('exists')) {
    const [want, ...rest] = values;
    if (typeof want !== 'boolean' || rest.length > 0) return fail('exists takes true or false');
    return { ok: true, evaluate: (ctx) => ctx.values(field).length > 0 === want, anchors: null };
  }
  if (mods.has('re')) return compileRegex(values, field, mods);
  if (mods.has('cidr')) return compileCidr(values, field, mods);
  if (mods.has('fieldref')) return compileFieldref(values, field, mods);
  for (const op of ['lt', 'lte', 'gt', 'gte']) if (mods.has(op)) return compileCompare(op, values, field, mods);
  const stringMods = [...mods].some((mod) => mod !== 'all');
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const value of values) {
    let compiled: Compiled;
    if (value === null) {
      if (stringMods) return fail('null cannot be combined with modifiers');
      compiled = { ok: true, evaluate: (ctx) => ctx.values(field).length === 0, anchors: null };
    } else if (typeof value === 'number' && !stringMods) {
      compiled = compileNumber(value, field);
    } else if (typeof value === 'boolean' && !stringMods) {
      compiled = compileBoolean(value, field);
    } else {
      compiled = compileString(String(value), { field, mods });
    }
    if (!compiled.ok) return compiled;
    items.push(compiled);
  }
  return combine(items, mods.has('all'));
}

/** Placeholder names (`%name%`) used with `expand` anywhere in a detection section, sorted, each once. */
export function placeholdersOf(detection: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, expand: boolean): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, expand);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) visit(inner, key.split('|').slice(1).includes('expand'));
    } else if (expand && typeof value === 'string') {
      for (const match of value.matchAll(/%[^%\s]+%/g)) found.add(match[0]);
    }
  };
  visit(detection, false);
  return [...found].sort();
}

/** A keyword (a list entry without field name): contained anywhere in the event's text, case-insensitive. */
export function compileKeyword(value: unknown): Compiled {
  if (typeof value !== 'string' && typeof value !== 'number') return fail('keywords must be strings or numbers');
  const tokens = lowerTokens(withStars(parseSigmaString(String(value)), true, true));
  const test = compileTokens(tokens);
  return { ok: true, evaluate: (ctx) => test(ctx.keywords()), anchors: null };
}
