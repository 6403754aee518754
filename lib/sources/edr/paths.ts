import type { Platform } from '../../model';

/** The last path component, for either separator. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut < 0 ? path : path.slice(cut + 1);
}

/**
 * A folder and a file name as one path. EDRs disagree on whether their "folder" column already ends with the file
 * name (MDE's FolderPath usually does), so a folder that already names the file is returned unchanged.
 */
export function joinPath(folder: string | undefined, file: string | undefined): string | undefined {
  if (folder === undefined) return file;
  if (file === undefined) return folder;
  if (baseName(folder).toLowerCase() === file.toLowerCase()) return folder;
  const separator = folder.includes('\\') || /^[a-z]:/i.test(folder) ? '\\' : '/';
  return folder.endsWith(separator) ? `${folder}${file}` : `${folder}${separator}${file}`;
}

/**
 * A Windows kernel device path as a user-mode path. `\Device\HarddiskVolume3\Windows\x.exe` has no drive letter the
 * sensor could know for certain, so the volume prefix is dropped (`\Windows\x.exe`): Sigma's `endswith` and
 * `contains` still match. `\??\C:\x` becomes `C:\x`; `\Device\Mup\server\share` becomes a UNC path.
 */
export function normalizeDevicePath(path: string): string {
  if (path.startsWith('\\??\\')) return path.slice(4);
  const volume = /^\\Device\\HarddiskVolume(?:ShadowCopy)?\d+(?=\\)/i.exec(path);
  if (volume) return path.slice(volume[0].length);
  if (/^\\Device\\Mup\\/i.test(path)) return `\\\\${path.slice('\\Device\\Mup\\'.length)}`;
  return path;
}

/** Platform from an operating-system label as EDRs spell it (Win, windows, Windows10, Linux, macOS, Mac, darwin). */
export function platformFromOs(label: unknown): Platform | undefined {
  if (typeof label !== 'string') return undefined;
  const text = label.toLowerCase();
  if (text.startsWith('win')) return 'windows';
  if (text.startsWith('lin') || text.includes('linux')) return 'linux';
  if (text.startsWith('mac') || text.includes('darwin') || text === 'osx' || text === 'os x') return 'macos';
  return undefined;
}

/** Platform guessed from how a path is written, when the record names no OS. */
export function platformFromPath(path: string | undefined): Platform | undefined {
  if (path === undefined) return undefined;
  if (/^[a-z]:[\\/]/i.test(path) || path.startsWith('\\')) return 'windows';
  if (path.startsWith('/')) return 'linux';
  return undefined;
}

/** Sysmon-style `Hashes` value (`SHA256=...,MD5=...`) from whichever digests the source gives. */
export function hashesOf(digests: Readonly<Record<string, string | undefined>>): string | undefined {
  const parts: string[] = [];
  for (const [algorithm, value] of Object.entries(digests)) {
    if (value !== undefined && /^[0-9a-f]+$/i.test(value) && !/^0+$/.test(value)) {
      parts.push(`${algorithm}=${value.toUpperCase()}`);
    }
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** `DOMAIN\user` when both are known, else whichever is. */
export function qualifiedUser(domain: string | undefined, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (domain === undefined || name.includes('\\')) return name;
  return `${domain}\\${name}`;
}
