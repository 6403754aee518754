/**
 * A rule pack N times as large: every detection rule of the pack copied with a new id and with each literal it
 * matches on changed (one letter or digit in the middle replaced), so the copies are distinct rules with their own
 * anchors and the literal prefilter cannot fold them into the originals. In regular expressions one letter of the
 * first plain word (3+ letters, not after a backslash) is changed the same way, so copies are distinct patterns too;
 * CIDRs are kept.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { type CompiledRule, compileRuleText, listRuleFiles } from '../lib/rules';

const REPLACEMENTS = 'qzjxkwvy';
const DIGITS = '7395';

/** Change one alphanumeric character near the middle; variant numbers pick different replacements. */
export function mutateLiteral(text: string, variant: number): string {
  const positions: number[] = [];
  for (let index = 0; index < text.length; index++)
    if (/[A-Za-z0-9]/.test(text[index] as string)) positions.push(index);
  if (positions.length === 0) return `${text}${REPLACEMENTS[variant % REPLACEMENTS.length]}`;
  const at = positions[Math.floor(positions.length / 2)] as number;
  const original = text[at] as string;
  const pool = /[0-9]/.test(original) ? DIGITS : REPLACEMENTS;
  let replacement = pool[variant % pool.length] as string;
  if (replacement.toLowerCase() === original.toLowerCase()) replacement = pool[(variant + 1) % pool.length] as string;
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

/** Change one letter of the first plain word of a pattern (a word not preceded by `\\`, `{` or `?`). */
export function mutatePattern(pattern: string, variant: number): string {
  const word = /(?<![\\{?<A-Za-z])[A-Za-z]{3,}/.exec(pattern);
  if (!word) return pattern;
  const at = word.index + (word[0].length >> 1);
  const original = pattern[at] as string;
  let replacement = REPLACEMENTS[variant % REPLACEMENTS.length] as string;
  if (replacement === original.toLowerCase()) replacement = REPLACEMENTS[(variant + 1) % REPLACEMENTS.length] as string;
  return pattern.slice(0, at) + replacement + pattern.slice(at + 1);
}

type Kind = 'literal' | 'pattern' | 'keep';

function mutateValue(value: unknown, variant: number, kind: Kind): unknown {
  if (typeof value === 'string') {
    if (kind === 'keep') return value;
    return kind === 'pattern' ? mutatePattern(value, variant) : mutateLiteral(value, variant);
  }
  if (Array.isArray(value)) return value.map((item) => mutateValue(item, variant, kind));
  if (value !== null && typeof value === 'object') return mutateSelections(value as Record<string, unknown>, variant);
  return value;
}

function mutateSelections(map: Record<string, unknown>, variant: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    const kind: Kind =
      key === 'condition' || key === 'timeframe' || /\|cidr\b/.test(key)
        ? 'keep'
        : /\|re\b/.test(key)
          ? 'pattern'
          : 'literal';
    out[key] = mutateValue(value, variant, kind);
  }
  return out;
}

/** The YAML text of one variant of a rule document, or undefined for documents that are not detection rules. */
export function ruleVariant(doc: Record<string, unknown>, variant: number): string | undefined {
  if (doc['detection'] === undefined || doc['correlation'] !== undefined) return undefined;
  const id = String(doc['id'] ?? 'rule');
  const copy: Record<string, unknown> = {
    ...doc,
    id: `${id.slice(0, -4)}${String(variant).padStart(4, '0')}`,
    title: `${String(doc['title'] ?? '')} (variant ${variant})`,
    detection: mutateSelections(doc['detection'] as Record<string, unknown>, variant),
  };
  delete copy['name'];
  delete copy['escalate'];
  return stringify(copy);
}

export interface ScaledPack {
  readonly rules: CompiledRule[];
  /** Variants that did not compile (left out). */
  readonly failed: number;
}

/** The pack's rules plus `copies - 1` variants of each. */
export function scaledPack(rulesDir: string, copies: number, original: readonly CompiledRule[]): ScaledPack {
  const rules = [...original];
  let failed = 0;
  for (const file of listRuleFiles(rulesDir)) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const doc: unknown = document.toJS();
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) continue;
      for (let variant = 1; variant < copies; variant++) {
        const text = ruleVariant(doc as Record<string, unknown>, variant);
        if (text === undefined) continue;
        for (const result of compileRuleText(text, `${file}#variant-${variant}`)) {
          if (result.ok) rules.push(result.rule);
          else failed++;
        }
      }
    }
  }
  return { rules, failed };
}
