import type { ProcessFields } from '../model';

/** Sysmon Event ID 1 values copied as text under the same (Sigma) names, on Windows and on Linux alike. */
export const SYSMON_PROCESS_TEXT_FIELDS = [
  'Image',
  'OriginalFileName',
  'CommandLine',
  'CurrentDirectory',
  'ProcessGuid',
  'ParentImage',
  'ParentCommandLine',
  'ParentProcessGuid',
  'User',
  'LogonId',
  'IntegrityLevel',
  'Hashes',
  'Product',
  'Company',
  'Description',
  'FileVersion',
] as const satisfies readonly (keyof ProcessFields)[];
