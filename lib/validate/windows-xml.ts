import { isoOf, xmlText } from './telemetry';

/**
 * Windows Event XML as the CloudWatch agent (`event_format: xml`) and Winlogbeat ship it: System header plus named
 * EventData values. Record ids come from the clock so two runs never produce the same event.
 */
export interface WindowsEventXml {
  readonly provider: string;
  readonly providerGuid: string;
  readonly eventId: number;
  readonly version: number;
  readonly channel: string;
  readonly computer: string;
  readonly timeMs: number;
  readonly recordId: number;
  readonly data: Readonly<Record<string, string>>;
  readonly userSid?: string;
}

export function windowsEventXml(event: WindowsEventXml): string {
  const data = Object.entries(event.data)
    .map(([name, value]) => `<Data Name='${xmlText(name)}'>${xmlText(value)}</Data>`)
    .join('');
  return (
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>" +
    `<Provider Name='${xmlText(event.provider)}' Guid='${event.providerGuid}'/>` +
    `<EventID>${event.eventId}</EventID><Version>${event.version}</Version><Level>4</Level><Task>0</Task>` +
    `<Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${isoOf(event.timeMs)}'/>` +
    `<EventRecordID>${event.recordId}</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/>` +
    `<Channel>${xmlText(event.channel)}</Channel><Computer>${xmlText(event.computer)}</Computer>` +
    `<Security UserID='${event.userSid ?? 'S-1-5-18'}'/></System><EventData>${data}</EventData></Event>`
  );
}

const SYSMON = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}' };
const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' };

export interface ProcessStart {
  readonly computer: string;
  readonly timeMs: number;
  readonly pid: number;
  readonly image: string;
  readonly commandLine: string;
  readonly parentImage: string;
  readonly parentCommandLine: string;
  readonly user: string;
}

/** Sysmon Event ID 1 (process creation). */
export function sysmonProcessXml(process: ProcessStart): string {
  const guid = `{8c1f2a3b-${(process.pid % 0xffff).toString(16).padStart(4, '0')}-6739-5c05-${String(process.pid).padStart(12, '0')}}`;
  return windowsEventXml({
    provider: SYSMON.provider,
    providerGuid: SYSMON.guid,
    eventId: 1,
    version: 5,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: process.computer,
    timeMs: process.timeMs,
    recordId: process.timeMs % 1_000_000_000,
    data: {
      RuleName: '-',
      UtcTime: isoOf(process.timeMs).replace('T', ' ').replace('Z', ''),
      ProcessGuid: guid,
      ProcessId: String(process.pid),
      Image: process.image,
      CommandLine: process.commandLine,
      CurrentDirectory: 'C:\\Windows\\system32\\',
      User: process.user,
      IntegrityLevel: 'High',
      ParentImage: process.parentImage,
      ParentCommandLine: process.parentCommandLine,
    },
  });
}

/** Security 4688 (process creation with command-line auditing on), event version 2. */
export function security4688Xml(process: ProcessStart): string {
  const [domain, name] = process.user.includes('\\') ? process.user.split('\\', 2) : ['', process.user];
  return windowsEventXml({
    provider: SECURITY.provider,
    providerGuid: SECURITY.guid,
    eventId: 4688,
    version: 2,
    channel: 'Security',
    computer: process.computer,
    timeMs: process.timeMs,
    recordId: (process.timeMs % 1_000_000_000) + 1,
    data: {
      SubjectUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
      SubjectUserName: name ?? process.user,
      SubjectDomainName: domain ?? '',
      SubjectLogonId: '0x3e7',
      NewProcessId: `0x${process.pid.toString(16)}`,
      NewProcessName: process.image,
      TokenElevationType: '%%1937',
      ProcessId: '0x1f4',
      CommandLine: process.commandLine,
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      TargetDomainName: '-',
      TargetLogonId: '0x0',
      ParentProcessName: process.parentImage,
      MandatoryLabel: 'S-1-16-12288',
    },
  });
}
