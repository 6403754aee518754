import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type ParsedDocument, parseRuleDocuments } from './compile';

/**
 * A rule directory's YAML already parsed into plain JSON (`rules.compiled.json` next to the rules), written at deploy
 * time so a cold start pays JSON.parse instead of the YAML parser. It holds data only: the rules are still compiled
 * (and validated) at load, exactly as from YAML.
 */
export const COMPILED_PACK_FILE = 'rules.compiled.json';
const FORMAT = 'vmsentry-rules-compiled/1';

export interface CompiledPackFile {
  /** Path of the rule file relative to the rule directory, `/`-separated. */
  readonly path: string;
  /** SHA-256 of the file's text: a precompiled entry is used only for exactly this text. */
  readonly sha256: string;
  /** Parsed documents; absent when JSON cannot carry them exactly (e.g. `.inf`), so the YAML is parsed at load. */
  readonly documents?: readonly ParsedDocument[];
}

export interface CompiledPack {
  readonly format: typeof FORMAT;
  readonly files: readonly CompiledPackFile[];
}

export interface RuleFileText {
  /** Path relative to the rule directory, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function relativeRulePath(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/');
}

/** The compiled form of some rule files. */
export function buildCompiledPack(files: readonly RuleFileText[]): CompiledPack {
  return {
    format: FORMAT,
    files: files.map(({ path, text }) => {
      const documents = parseRuleDocuments(text);
      const exact = isDeepStrictEqual(JSON.parse(JSON.stringify(documents)), documents);
      return exact ? { path, sha256: sha256Of(text), documents } : { path, sha256: sha256Of(text) };
    }),
  };
}

/** Write `rules.compiled.json` into dir atomically (temp file, then rename), so a reader never sees half a file. */
export function writeCompiledPack(dir: string, pack: CompiledPack): string {
  const target = join(dir, COMPILED_PACK_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(pack));
  renameSync(temp, target);
  return target;
}

export type CompiledPackRead =
  | { ok: true; documents: ReadonlyMap<string, readonly ParsedDocument[]> }
  | { ok: false; reason: string };

/** A parsed document as JSON carries it (shared with rule-pack.ts). */
export function isParsedDocument(value: unknown): value is ParsedDocument {
  if (value === null || typeof value !== 'object') return false;
  const doc = value as Record<string, unknown>;
  return doc['ok'] === true ? 'value' in doc : doc['ok'] === false && typeof doc['reason'] === 'string';
}

function isPackFile(value: unknown): value is CompiledPackFile {
  if (value === null || typeof value !== 'object') return false;
  const file = value as Record<string, unknown>;
  const documents = file['documents'];
  return (
    typeof file['path'] === 'string' &&
    typeof file['sha256'] === 'string' &&
    (documents === undefined || (Array.isArray(documents) && documents.every(isParsedDocument)))
  );
}

/**
 * The precompiled documents for exactly these rule files, or why the compiled file cannot be trusted: older than a
 * rule file, unreadable, not the format, or not the same set of files with the same texts. `absent` when there is
 * no compiled file. Files whose entry carries no documents are simply missing from the map.
 */
export function readCompiledPack(
  dir: string,
  files: readonly (RuleFileText & { readonly mtimeMs: number })[],
): CompiledPackRead | 'absent' {
  const target = join(dir, COMPILED_PACK_FILE);
  let compiledMtime: number;
  let text: string;
  try {
    compiledMtime = statSync(target).mtimeMs;
    text = readFileSync(target, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'absent';
    return { ok: false, reason: `cannot read it: ${String(cause)}` };
  }
  const newer = files.find((file) => file.mtimeMs > compiledMtime);
  if (newer) return { ok: false, reason: `${newer.path} changed after it was written` };
  let pack: unknown;
  try {
    pack = JSON.parse(text);
  } catch (cause) {
    return { ok: false, reason: `not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  const record = pack !== null && typeof pack === 'object' ? (pack as Record<string, unknown>) : {};
  const entries = record['files'];
  if (record['format'] !== FORMAT || !Array.isArray(entries) || !entries.every(isPackFile)) {
    return { ok: false, reason: `not a ${FORMAT} file` };
  }
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  if (byPath.size !== entries.length || entries.length !== files.length) {
    return { ok: false, reason: `it lists ${entries.length} rule files, the directory has ${files.length}` };
  }
  const documents = new Map<string, readonly ParsedDocument[]>();
  for (const file of files) {
    const entry = byPath.get(file.path);
    if (!entry) return { ok: false, reason: `${file.path} is not in it` };
    if (entry.sha256 !== sha256Of(file.text)) return { ok: false, reason: `${file.path} differs from its entry` };
    if (entry.documents) documents.set(file.path, entry.documents);
  }
  return { ok: true, documents };
}
