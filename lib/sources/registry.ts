import type { FormatName } from '../model';
import { cloudTrailParser } from './containers/cloudtrail';
import { falcoParser } from './containers/falco';
import { k8sAuditParser } from './containers/k8s-audit';
import { crowdStrikeFdrParser } from './edr/crowdstrike-fdr';
import { ecsParser } from './edr/ecs';
import { mdeParser } from './edr/mde';
import { ocsfParser } from './edr/ocsf';
import { sentinelOneParser } from './edr/sentinelone';
import { auditdParser } from './linux/auditd';
import { sysmonLinuxParser } from './linux/sysmon-linux';
import { esloggerParser } from './macos/eslogger';
import { normalizedParser } from './normalized';
import type { ParserFactory } from './parser';
import { powershell4104Parser } from './windows/powershell-4104';
import { security4688Parser } from './windows/security-4688';
import { sysmonWindowsParser } from './windows/sysmon-windows';
import { system7045Parser } from './windows/system-7045';
import { windowsEventParser } from './windows/windows-generic';

/**
 * Every parser, in detection order: the most specific sniffers first; generic schemas (ECS, OCSF) last, because
 * other shapes may carry some of their fields (winlogbeat output is ECS too, but belongs to the Windows parsers).
 */
export const PARSERS: readonly ParserFactory[] = [
  normalizedParser,
  sysmonWindowsParser,
  security4688Parser,
  system7045Parser,
  powershell4104Parser,
  sysmonLinuxParser,
  // After every specific Windows parser (it leaves what they claim): any other well-formed Windows event.
  windowsEventParser,
  auditdParser,
  esloggerParser,
  k8sAuditParser,
  cloudTrailParser,
  falcoParser,
  crowdStrikeFdrParser,
  mdeParser,
  sentinelOneParser,
  ecsParser,
  ocsfParser,
];

const BY_FORMAT = new Map<FormatName, ParserFactory>(PARSERS.map((factory) => [factory.format, factory]));

export function parserFor(format: FormatName): ParserFactory {
  const factory = BY_FORMAT.get(format);
  if (!factory) throw new Error(`no parser registered for format ${format}`);
  return factory;
}
