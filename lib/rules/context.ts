import type { NormalizedEvent } from '../model';
import { getField } from './field-resolution';

/** A field value reduced to what matchers compare: strings, numbers, booleans (objects are JSON text). */
export type Scalar = string | number | boolean;

const NO_VALUES: readonly Scalar[] = [];
const MAX_FLATTEN = 10_000;

function flatten(value: unknown, out: Scalar[]): void {
  if (out.length >= MAX_FLATTEN || value === undefined || value === null) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) flatten(item, out);
  } else if (typeof value === 'object') {
    out.push(safeJson(value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Every scalar inside a value, as text, depth-first (objects by their values, not JSON, so backslashes stay single). */
function collectText(value: unknown, out: string[], depth: number): void {
  if (out.length >= MAX_FLATTEN || depth > 32 || value === undefined || value === null) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const item of value) collectText(item, out, depth + 1);
  else if (typeof value === 'object') for (const item of Object.values(value)) collectText(item, out, depth + 1);
}

export function scalarText(value: Scalar): string {
  return typeof value === 'string' ? value : String(value);
}

interface FieldValues {
  readonly values: readonly Scalar[];
  texts: readonly string[] | undefined;
  lower: readonly string[] | undefined;
}

const ABSENT: FieldValues = {
  values: NO_VALUES,
  texts: NO_VALUES as readonly string[],
  lower: NO_VALUES as readonly string[],
};

function allStrings(values: readonly Scalar[]): values is readonly string[] {
  for (const value of values) if (typeof value !== 'string') return false;
  return true;
}

/**
 * Per-event, per-match state: resolved field values and their lowercased text are computed once per field and
 * shared by every rule that reads the field. One cache entry per field holds all three forms; the text form is the
 * values array itself when every value is a string (the usual case), and the lowered form is that array again when
 * lowercasing changes nothing, so a field costs one lookup and usually one array.
 */
export class MatchContext {
  private readonly cache = new Map<string, FieldValues>();
  private keywordText: string | undefined;
  private shared: Map<string, boolean> | undefined;

  constructor(readonly event: NormalizedEvent) {}

  private entry(field: string): FieldValues {
    let cached = this.cache.get(field);
    if (cached === undefined) {
      const raw = getField(this.event, field);
      if (raw === undefined || raw === null) {
        cached = ABSENT;
      } else if (typeof raw === 'string') {
        const values = [raw];
        cached = { values, texts: values, lower: undefined };
      } else {
        const out: Scalar[] = [];
        flatten(raw, out);
        cached =
          out.length === 0 ? ABSENT : { values: out, texts: allStrings(out) ? out : undefined, lower: undefined };
      }
      this.cache.set(field, cached);
    }
    return cached;
  }

  /** Every scalar value of the field (arrays flattened); empty when the field is absent. */
  values(field: string): readonly Scalar[] {
    return this.entry(field).values;
  }

  /** The field's values as text, case preserved. */
  texts(field: string): readonly string[] {
    const entry = this.entry(field);
    entry.texts ??= entry.values.map(scalarText);
    return entry.texts;
  }

  /** The field's values as lowercased text. */
  lower(field: string): readonly string[] {
    const entry = this.entry(field);
    if (entry.lower === undefined) {
      const texts = this.texts(field);
      let lowered: string[] | undefined;
      for (let i = 0; i < texts.length; i++) {
        const text = texts[i] as string;
        const low = text.toLowerCase();
        if (lowered === undefined && low !== text) lowered = texts.slice(0, i);
        lowered?.push(low);
      }
      entry.lower = lowered ?? texts;
    }
    return entry.lower;
  }

  /**
   * The result of a costly test that several rules may share (the same regex on the same field), computed once per
   * event. `key` must identify the test exactly.
   */
  once(key: string, test: (ctx: MatchContext) => boolean): boolean {
    this.shared ??= new Map();
    let result = this.shared.get(key);
    if (result === undefined) {
      result = test(this);
      this.shared.set(key, result);
    }
    return result;
  }

  /** Lowercased text of every field value and the raw record, for Sigma keyword searches. */
  keywords(): string {
    if (this.keywordText === undefined) {
      const parts: string[] = [];
      collectText(this.event.fields, parts, 0);
      if (this.event.raw) collectText(this.event.raw, parts, 0);
      this.keywordText = parts.join('\n').toLowerCase();
    }
    return this.keywordText;
  }
}
