import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type ParsedDocument, parseRuleDocuments } from './compile';
import { isParsedDocument, relativeRulePath } from './compiled-pack';
import { assembleRules, listRuleFiles, type ParsedRuleFile, type RuleDirectory } from './files';

/**
 * The rule pack as the deployed functions load it: one JSON file beside the bundle holding every rule file's YAML
 * already parsed, written when the function is bundled (scripts/pack-rules.ts, the CDK bundling hook). A cold start
 * then reads one file and runs `JSON.parse`: no directory walk, no reading and hashing of each YAML file (what
 * rules.compiled.json needs to prove it is fresh), no YAML parser. The rules are still compiled and validated at load
 * exactly as from YAML (files.ts `assembleRules`), so the pack can only carry what the YAML says.
 */
export const RULE_PACK_FILE = 'rule-pack.json';
const FORMAT = 'vmsentry-rule-pack/1';

export interface RulePackFile {
  /** The rule file's path relative to the directory the pack was made from, `/`-separated. */
  readonly path: string;
  /** Parsed documents; absent when JSON cannot carry them exactly (e.g. `.inf`): `yaml` is parsed at load instead. */
  readonly documents?: readonly ParsedDocument[];
  readonly yaml?: string;
}

export interface RulePack {
  readonly format: typeof FORMAT;
  readonly files: readonly RulePackFile[];
}

/** The pack of a rule directory: its files in the order loadRuleDirectory reads them, each parsed once here. */
export function buildRulePack(dir: string): RulePack {
  return {
    format: FORMAT,
    files: listRuleFiles(dir).map((file) => {
      const text = readFileSync(file, 'utf8');
      const path = relativeRulePath(dir, file);
      const documents = parseRuleDocuments(text);
      const exact = isDeepStrictEqual(JSON.parse(JSON.stringify(documents)), documents);
      return exact ? { path, documents } : { path, yaml: text };
    }),
  };
}

/** Write the pack atomically (temp file, then rename): a reader never sees half of it. */
export function writeRulePack(file: string, pack: RulePack): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(pack));
  renameSync(temp, file);
}

function isPackFile(value: unknown): value is RulePackFile {
  if (value === null || typeof value !== 'object') return false;
  const file = value as Record<string, unknown>;
  const documents = file['documents'];
  return (
    typeof file['path'] === 'string' &&
    (Array.isArray(documents) ? documents.every(isParsedDocument) : typeof file['yaml'] === 'string')
  );
}

/** The pack file could not be used at all (missing, unreadable, not a pack): loading from it would detect nothing. */
export class RulePackError extends Error {
  override readonly name = 'RulePackError';
}

/**
 * Load a pack written by writeRulePack. Rules are reported under `rulesDir/<path>` relative to the working directory,
 * the names loadRuleDirectory(rulesDir) gives them, so alerts and errors read the same from the pack as from the YAML.
 * Throws RulePackError when the file is missing, unreadable or not a pack; a bad rule inside is a load error as usual.
 */
export function loadRulePack(file: string, rulesDir: string): RuleDirectory {
  let pack: unknown;
  try {
    pack = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new RulePackError(`cannot read rule pack ${file}`, { cause });
  }
  const record = pack !== null && typeof pack === 'object' ? (pack as Record<string, unknown>) : {};
  const entries = record['files'];
  if (record['format'] !== FORMAT || !Array.isArray(entries) || !entries.every(isPackFile)) {
    throw new RulePackError(`${file} is not a ${FORMAT} file`);
  }
  const parsed: ParsedRuleFile[] = entries.map((entry) => {
    const full = join(rulesDir, entry.path);
    return {
      source: relative(process.cwd(), full) || full,
      documents: entry.documents ?? parseRuleDocuments(entry.yaml ?? ''),
      // pack-rules wrote this pack only after it loaded exactly what the YAML loads.
      regexesCheckedAhead: true,
    };
  });
  return assembleRules(parsed);
}
