/**
 * Value spellings shared by the EDR parsers: registry paths, registry value data, network protocols and DNS answers
 * written the way Sysmon writes them, since Sigma rules are written against Sysmon's spelling.
 */

/** Hive prefixes as EDRs spell them, longest first, and Sysmon's abbreviation. */
const HIVES: readonly (readonly [string, string])[] = [
  ['\\registry\\machine\\', 'HKLM\\'],
  ['\\registry\\user\\', 'HKU\\'],
  ['hkey_local_machine\\', 'HKLM\\'],
  ['hkey_users\\', 'HKU\\'],
  ['hkey_current_user\\', 'HKCU\\'],
  ['hkey_classes_root\\', 'HKCR\\'],
  ['hkey_current_config\\', 'HKCC\\'],
  ['machine\\', 'HKLM\\'],
  ['user\\', 'HKU\\'],
  ['hklm\\', 'HKLM\\'],
  ['hku\\', 'HKU\\'],
  ['hkcu\\', 'HKCU\\'],
  ['hkcr\\', 'HKCR\\'],
];

const USER_SID = /^HKCU\\(S-1-5-[0-9-]+(?:_Classes)?)\\/i;
/** ControlSet001 is the current control set on practically every Windows install; Sysmon writes it as such. */
const CONTROL_SET_001 = /^HKLM\\SYSTEM\\ControlSet001\\/i;

/**
 * A registry path in Sysmon's spelling: `HKLM\...`, `HKU\<sid>\...`, `HKCR\...`. Defender writes
 * `HKEY_LOCAL_MACHINE\...` (and `HKEY_CURRENT_USER\<sid>\...`), CrowdStrike `\REGISTRY\MACHINE\...`, SentinelOne
 * `MACHINE\...`; Sigma rules match `HKLM\...\CurrentControlSet\...`.
 */
export function sysmonRegistryPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const lower = path.slice(0, 24).toLowerCase();
  let out = path;
  for (const [prefix, short] of HIVES) {
    if (lower.startsWith(prefix)) {
      out = short + path.slice(prefix.length);
      break;
    }
  }
  // A current-user path that names its SID is the HKU path of that user, which is what Sysmon writes.
  out = out.replace(USER_SID, 'HKU\\$1\\');
  return out.replace(CONTROL_SET_001, 'HKLM\\SYSTEM\\CurrentControlSet\\');
}

/** The key path with a value name appended (Sysmon's TargetObject for value events); `(Default)` for the unnamed one. */
export function valuePath(key: string | undefined, valueName: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof valueName !== 'string') return key;
  return `${key}\\${valueName === '' ? '(Default)' : valueName}`;
}

/**
 * Registry value data as Sysmon's Details writes it: `DWORD (0x00000001)`, `QWORD (0x00000000-0x00000001)`, text as
 * is. Sigma rules test `Details: 'DWORD (0x00000001)'`, so numeric data must not stay a bare number.
 */
export function sysmonDetails(type: string | undefined, data: unknown): string | undefined {
  const kind = (type ?? '').toLowerCase().replace(/^reg_/, '');
  const text = typeof data === 'number' && Number.isFinite(data) ? String(data) : typeof data === 'string' ? data : '';
  if (text === '') return undefined;
  if ((kind === 'dword' || kind === 'qword') && /^(?:\d+|0x[0-9a-f]+)$/i.test(text.trim())) {
    const value = BigInt(text.trim());
    if (kind === 'dword') return `DWORD (0x${(value & 0xffffffffn).toString(16).padStart(8, '0')})`;
    const high = ((value >> 32n) & 0xffffffffn).toString(16).padStart(8, '0');
    const low = (value & 0xffffffffn).toString(16).padStart(8, '0');
    return `QWORD (0x${high}-0x${low})`;
  }
  return text;
}

/** IANA protocol numbers the EDRs report, as Sysmon's lower-case Protocol. */
export function protocolName(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && !/^\d+$/.test(value.trim()))
    return value.trim().toLowerCase();
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (number === 6) return 'tcp';
  if (number === 17) return 'udp';
  if (number === 1) return 'icmp';
  if (number === 58) return 'ipv6-icmp';
  return Number.isInteger(number) ? String(number) : undefined;
}

/** Most answers kept from one DNS record: a bound on work and field size, far above real responses. */
const MAX_ANSWERS = 64;

/**
 * DNS answers joined as Sysmon's QueryResults joins them (`a;b;`), from a list or from a text the source already
 * separated by `;`, `,` or whitespace.
 */
export function queryResults(...sources: unknown[]): string | undefined {
  const answers: string[] = [];
  for (const source of sources) {
    const items = Array.isArray(source) ? source : typeof source === 'string' ? source.split(/[;,\s]+/) : [];
    for (const item of items) {
      if (answers.length >= MAX_ANSWERS) break;
      const text = typeof item === 'string' ? item.trim() : '';
      if (text !== '') answers.push(text);
    }
  }
  return answers.length > 0 ? `${answers.map((answer) => `${answer};`).join('')}` : undefined;
}

/** 'true' / 'false' as Sysmon writes booleans, or undefined. */
export function sysmonBool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : value ? 'true' : 'false';
}

/** Whether an address is IPv6, as Sysmon's DestinationIsIpv6. */
export function isIpv6(address: string | undefined): string | undefined {
  return address === undefined ? undefined : sysmonBool(address.includes(':'));
}
