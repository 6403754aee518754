import {
  ALL_RULES,
  type AllowlistEntry,
  type AllowlistPin,
  type Detection,
  hostKeys,
  provenIdentity,
  type RuleMetadata,
} from '../model';
import { checkEntry } from './check';
import { fieldValues } from './field';
import { type CompiledGlob, compileGlob, matchLowered } from './glob';
import { hostScopeCovers } from './host';

/** An entry with its globs compiled once (entries are cached across invocations, events are many). */
export interface CompiledEntry {
  readonly entry: AllowlistEntry;
  /** Lowercased rule scope: the key the matcher indexes entries by. */
  readonly rule: string;
  readonly match: readonly { readonly field: string; readonly glob: CompiledGlob; readonly any: boolean }[];
  /** The pin, its value lowercased. */
  readonly pin?: AllowlistPin;
  /**
   * False when the entry fails checkEntry (the one validation the pipeline, import and scan --allowlist share):
   * such an entry never suppresses anything, however it reached the matcher.
   */
  readonly usable: boolean;
  /** checkEntry's warnings, worked out once per compiled entry so the pipeline can log them once, not per event. */
  readonly warnings: readonly string[];
}

export function compileEntry(entry: AllowlistEntry): CompiledEntry {
  const checked = checkEntry({ ...entry });
  const usable = checked.ok;
  const any = new Set(entry.matchAny ?? []);
  const match = usable
    ? Object.entries(entry.match ?? {}).map(([field, pattern]) => ({
        field,
        glob: compileGlob(pattern),
        any: any.has(field),
      }))
    : [];
  const rule = typeof entry.rule === 'string' ? entry.rule.trim().toLowerCase() : '';
  const pin = entry.pin ? comparablePin(entry.pin) : undefined;
  const warnings = checked.ok ? checked.warnings.map((warning) => warning.message) : [];
  return { entry, rule, match, usable, warnings, ...(pin ? { pin } : {}) };
}

/**
 * A pin as compared: agent ids are hex/uuid and compared case-insensitively; CloudWatch log stream names are
 * case-sensitive, so they are compared exactly.
 */
function comparablePin(pin: AllowlistPin): AllowlistPin {
  const value = pin.value.trim();
  return { source: pin.source, value: pin.source === 'agentId' ? value.toLowerCase() : value };
}

/** Does the entry's rule scope name this rule (its id, one of its tags, or "*")? Case-insensitive. */
export function ruleScopeCovers(scope: string, rule: RuleMetadata): boolean {
  if (scope === ALL_RULES) return true;
  if (rule.id.toLowerCase() === scope) return true;
  return rule.tags.some((tag) => tag.toLowerCase() === scope);
}

/** An entry whose expiresAt (epoch seconds) is at or before now is ignored, even if DynamoDB has not deleted it. */
export function isExpired(entry: AllowlistEntry, nowMs: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt * 1000 <= nowMs;
}

/**
 * What the matcher needs from one detection, computed once however many entries are tried: host keys, the proven
 * identity, and each field's values lowercased (a long command line is lowercased once per detection, not per entry).
 */
export class DetectionView {
  readonly keys: readonly string[];
  readonly proof: AllowlistPin | undefined;
  private readonly values = new Map<string, readonly string[]>();

  constructor(readonly detection: Detection) {
    this.keys = hostKeys(detection.event.host);
    const proof = provenIdentity(detection.event);
    this.proof = proof ? comparablePin(proof) : undefined;
  }

  lowered(field: string): readonly string[] {
    let values = this.values.get(field);
    if (values === undefined) {
      values = fieldValues(this.detection.event, field).map((value) => value.toLowerCase());
      this.values.set(field, values);
    }
    return values;
  }
}

/**
 * Does this entry suppress this detection? Every part must match: host scope, rule scope, the pin (when the entry has
 * one, the envelope must prove the same log stream or agent id), every field glob, and the entry is not expired.
 * A field with several values (a list) matches only when every value matches, unless the entry names it in matchAny;
 * an absent field or an empty list never matches.
 */
export function entrySuppresses(compiled: CompiledEntry, detection: Detection | DetectionView, nowMs: number): boolean {
  const view = detection instanceof DetectionView ? detection : new DetectionView(detection);
  if (!compiled.usable || isExpired(compiled.entry, nowMs)) return false;
  if (!hostScopeCovers(compiled.entry.host, view.keys)) return false;
  if (!ruleScopeCovers(compiled.rule, view.detection.rule)) return false;
  if (compiled.pin) {
    const proof = view.proof;
    if (!proof || proof.source !== compiled.pin.source || proof.value !== compiled.pin.value) return false;
  }
  return compiled.match.every(({ field, glob, any }) => {
    const values = view.lowered(field);
    if (values.length === 0) return false;
    return any ? values.some((value) => matchLowered(glob, value)) : values.every((value) => matchLowered(glob, value));
  });
}

/**
 * Entries indexed by rule scope, so a detection is tried only against the entries that can name its rule (its id,
 * its tags, "*"), in the order they were given.
 */
export class AllowlistMatcher {
  private readonly byRule = new Map<string, { readonly index: number; readonly compiled: CompiledEntry }[]>();

  constructor(entries: readonly CompiledEntry[]) {
    entries.forEach((compiled, index) => {
      if (!compiled.usable) return;
      const list = this.byRule.get(compiled.rule) ?? [];
      list.push({ index, compiled });
      this.byRule.set(compiled.rule, list);
    });
  }

  get size(): number {
    let size = 0;
    for (const list of this.byRule.values()) size += list.length;
    return size;
  }

  /** The entries whose rule scope covers the detection's rule, in the given order. */
  candidates(detection: Detection): CompiledEntry[] {
    const scopes = new Set([
      ALL_RULES,
      detection.rule.id.toLowerCase(),
      ...detection.rule.tags.map((t) => t.toLowerCase()),
    ]);
    const lists = [...scopes].flatMap((scope) => {
      const list = this.byRule.get(scope);
      return list ? [list] : [];
    });
    if (lists.length === 1) return (lists[0] ?? []).map((candidate) => candidate.compiled);
    // Several scopes apply: restore the given order, so "the first entry that suppresses" stays well defined.
    const found = lists.flat().sort((a, b) => a.index - b.index);
    return found.map((candidate) => candidate.compiled);
  }

  /** The first entry that suppresses the detection, if any (for the log line that says why). */
  find(detection: Detection, nowMs: number): CompiledEntry | undefined {
    const candidates = this.candidates(detection);
    if (candidates.length === 0) return undefined;
    const view = new DetectionView(detection);
    return candidates.find((compiled) => entrySuppresses(compiled, view, nowMs));
  }
}

/** The first entry that suppresses the detection, if any. Build an AllowlistMatcher once for many detections. */
export function findSuppressingEntry(
  entries: readonly CompiledEntry[],
  detection: Detection,
  nowMs: number,
): CompiledEntry | undefined {
  return new AllowlistMatcher(entries).find(detection, nowMs);
}
