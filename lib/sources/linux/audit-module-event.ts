import { posix } from 'node:path';
import type { EventFields, NormalizedEvent } from '../../model';
import { defined } from '../common';
import { linuxEventOf, processContextOf, proctitleCommandLine } from './audit-event';
import { auditKeyOf } from './audit-file-event';
import type { AuditGroup } from './audit-group';
import { decodeUntrusted, proctitleArgs } from './audit-values';

/** A kernel module file as insmod and modprobe take it: `.ko`, optionally compressed. */
const MODULE_FILE = /\.ko(?:\.(?:xz|gz|zst))?$/;

/**
 * The driver_load event of a successful init_module/finit_module. The kernel names the module (KERN_MODULE
 * `name=`) but not the file it came from: finit_module takes a file descriptor, init_module a buffer. When the
 * loader's command line (PROCTITLE) names a `.ko` file, as `insmod /tmp/x/vboxdrv.ko` does, that file is
 * ImageLoaded (made absolute with the working directory when relative); else the module name is. A group without
 * its SYSCALL (split across batches) still loads a module when KERN_MODULE says so, and is marked partial.
 */
export function moduleEventOf(group: AuditGroup): NormalizedEvent | undefined {
  const moduleName = decodeUntrusted(group.kernModule?.fields.get('name'));
  const fields: EventFields = defined({
    ...processContextOf(group),
    CommandLine: proctitleCommandLine(group),
    ImageLoaded: moduleFileOf(group) ?? (moduleName === '' ? undefined : moduleName),
    AuditKey: auditKeyOf(group.syscall),
    Partial: group.syscall ? undefined : true,
  });
  return linuxEventOf(group, 'driver_load', fields);
}

function moduleFileOf(group: AuditGroup): string | undefined {
  const args = proctitleArgs(group.proctitle?.fields.get('proctitle')) ?? [];
  // The loader's own name (argument 0) is never the module.
  const file = args.slice(1).find((arg) => MODULE_FILE.test(arg));
  if (file === undefined) return undefined;
  if (file.startsWith('/')) return posix.normalize(file);
  const cwd = decodeUntrusted(group.cwd?.fields.get('cwd'));
  return cwd?.startsWith('/') ? posix.join(cwd, file) : file;
}
