/**
 * A generated stand-in for SigmaHQ's `rules/windows` tree, for the benchmark: the same shape (about as many rules per
 * logsource, the same field names and modifier habits: `Image|endswith` or `OriginalFileName` for the process,
 * `CommandLine|contains` lists, `|contains|all`, `windash`, `re`, `cidr`, filters under `not 1 of filter_*`), with
 * made-up literals drawn from a seeded generator. Nothing is copied from SigmaHQ. A real checkout can stand in for it
 * (VMSENTRY_SIGMA_DIR=~/sigma/rules/windows npm run bench).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { prng } from './corpus';

/** Rules per logsource, rounded from the size of each folder of SigmaHQ's rules/windows (about 2,400 rules). */
const SHAPE: readonly { readonly logsource: Record<string, string>; readonly count: number; readonly kind: Kind }[] = [
  { logsource: { category: 'process_creation', product: 'windows' }, count: 1200, kind: 'process' },
  { logsource: { category: 'registry_set', product: 'windows' }, count: 180, kind: 'registry' },
  { logsource: { category: 'registry_event', product: 'windows' }, count: 40, kind: 'registry' },
  { logsource: { category: 'file_event', product: 'windows' }, count: 140, kind: 'file' },
  { logsource: { category: 'file_delete', product: 'windows' }, count: 20, kind: 'file' },
  { logsource: { category: 'image_load', product: 'windows' }, count: 110, kind: 'image' },
  { logsource: { category: 'network_connection', product: 'windows' }, count: 60, kind: 'network' },
  { logsource: { category: 'dns_query', product: 'windows' }, count: 25, kind: 'dns' },
  { logsource: { category: 'driver_load', product: 'windows' }, count: 15, kind: 'image' },
  { logsource: { category: 'pipe_created', product: 'windows' }, count: 20, kind: 'pipe' },
  { logsource: { category: 'process_access', product: 'windows' }, count: 30, kind: 'access' },
  { logsource: { category: 'create_remote_thread', product: 'windows' }, count: 15, kind: 'access' },
  { logsource: { category: 'ps_script', product: 'windows' }, count: 160, kind: 'script' },
  { logsource: { product: 'windows', service: 'security' }, count: 150, kind: 'builtin' },
  { logsource: { product: 'windows', service: 'system' }, count: 60, kind: 'builtin' },
  { logsource: { product: 'windows', service: 'application' }, count: 40, kind: 'builtin' },
  { logsource: { product: 'windows', service: 'windefend' }, count: 25, kind: 'builtin' },
];

type Kind = 'process' | 'registry' | 'file' | 'image' | 'network' | 'dns' | 'pipe' | 'access' | 'script' | 'builtin';

const SYLLABLES = ['zor', 'qua', 'mex', 'tiv', 'lun', 'brak', 'sel', 'dov', 'pry', 'kan', 'vex', 'ulm', 'rit', 'gos'];

function word(next: () => number, parts = 3): string {
  let out = '';
  for (let i = 0; i < parts; i++) out += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
  return out;
}

function uuid(next: () => number): string {
  const hex = () => Math.floor(next() * 16).toString(16);
  const block = (n: number) => Array.from({ length: n }, hex).join('');
  return `${block(8)}-${block(4)}-4${block(3)}-8${block(3)}-${block(12)}`;
}

/**
 * Windows binaries most process rules name (a fact about Windows, not copied rules): most SigmaHQ process rules are
 * about them, so their literals do occur in real events and the prefilter cannot skip them all.
 */
const COMMON_IMAGES = ['cmd', 'powershell', 'rundll32', 'regsvr32', 'mshta', 'wscript', 'certutil', 'reg', 'schtasks'];

function detectionOf(kind: Kind, next: () => number): Record<string, unknown> {
  const tool = next() < 0.5 ? (COMMON_IMAGES[Math.floor(next() * COMMON_IMAGES.length)] as string) : word(next);
  const flags = [`-${word(next, 2)} `, `/${word(next, 2)} `, ` ${word(next, 2)}:`];
  const filter = { 'Image|startswith': ['C:\\Program Files\\', 'C:\\Program Files (x86)\\'] };
  switch (kind) {
    case 'process': {
      const style = next();
      const cli =
        style < 0.2
          ? { 'CommandLine|contains|all': flags.slice(0, 2) }
          : style < 0.35
            ? { 'CommandLine|contains|windash': flags }
            : style < 0.4
              ? { 'CommandLine|re': `\\s-${word(next, 2)}\\s+[a-z]{3,8}\\.${word(next, 1)}` }
              : { 'CommandLine|contains': flags };
      return {
        selection_img: [{ 'Image|endswith': `\\${tool}.exe` }, { OriginalFileName: `${tool}.exe` }],
        selection_cli: cli,
        filter_main_path: filter,
        condition: 'all of selection_* and not 1 of filter_main_*',
      };
    }
    case 'registry':
      return {
        selection: {
          'TargetObject|contains': `\\SOFTWARE\\${word(next)}\\${word(next, 2)}`,
          'Details|startswith': ['DWORD (0x00000001)', `C:\\Users\\Public\\${tool}`],
        },
        filter_optional_installer: { Image: 'C:\\Windows\\System32\\msiexec.exe' },
        condition: 'selection and not 1 of filter_optional_*',
      };
    case 'file':
      return {
        selection: { 'TargetFilename|endswith': [`.${word(next, 1)}`, `\\${tool}.dat`] },
        filter_main_path: filter,
        condition: 'selection and not 1 of filter_main_*',
      };
    case 'image':
      return {
        selection: { 'ImageLoaded|endswith': [`\\${tool}.dll`, `\\${word(next)}.sys`] },
        filter_main_system: { 'ImageLoaded|startswith': 'C:\\Windows\\System32\\' },
        condition: 'selection and not filter_main_system',
      };
    case 'network':
      return {
        selection: { 'Image|endswith': `\\${tool}.exe`, Initiated: 'true' },
        filter_main_local: {
          'DestinationIp|cidr': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8'],
        },
        condition: 'selection and not 1 of filter_main_*',
      };
    case 'dns':
      return {
        selection: { 'QueryName|endswith': [`.${word(next)}.com`, `.${word(next)}.io`] },
        condition: 'selection',
      };
    case 'pipe':
      return { selection: { 'PipeName|startswith': `\\${word(next)}` }, condition: 'selection' };
    case 'access':
      return {
        selection: { 'TargetImage|endswith': '\\lsass.exe', 'SourceImage|endswith': `\\${tool}.exe` },
        condition: 'selection',
      };
    case 'script':
      return {
        selection: { 'ScriptBlockText|contains|all': [`${word(next)}-${word(next, 2)}`, `-${word(next, 2)}`] },
        condition: 'selection',
      };
    case 'builtin':
      return {
        selection: {
          EventID: 4000 + Math.floor(next() * 3000),
          'ServiceName|contains': [word(next), word(next)],
        },
        condition: 'selection',
      };
  }
}

/**
 * Write the stand-in tree under dir (one file per rule, in per-category folders); returns the rule count. `scale`
 * shrinks every folder in proportion (tests load a tenth of it).
 */
export function writeSigmaHqShapedTree(dir: string, options: { seed?: number; scale?: number } = {}): number {
  const next = prng(options.seed ?? 11);
  let written = 0;
  for (const shape of SHAPE) {
    const { logsource, kind } = shape;
    const count = Math.max(1, Math.round(shape.count * (options.scale ?? 1)));
    const folder = path.join(dir, logsource['category'] ?? `builtin_${logsource['service']}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < count; i++) {
      const rule = {
        title: `Generated ${kind} rule ${i}`,
        id: uuid(next),
        status: 'test',
        description: 'Generated stand-in with the shape of a SigmaHQ rule.',
        author: 'vmsentry bench',
        date: '2026-12-03',
        tags: ['attack.defense-evasion', 'attack.t1564.006'],
        logsource,
        detection: detectionOf(kind, next),
        falsepositives: ['Unknown'],
        level: next() < 0.5 ? 'medium' : 'high',
      };
      writeFileSync(path.join(folder, `generated_${kind}_${i}.yml`), stringify(rule));
      written++;
    }
  }
  return written;
}
