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
  /**
   * Events whose manifest puts their values in UserData (Servicing, Hyper-V) instead of EventData: one element in
   * its provider's namespace, one child element per value. Replaces `data` when given.
   */
  readonly userData?: { readonly element: string; readonly namespace: string };
  readonly userSid?: string;
}

function payloadXml(event: WindowsEventXml): string {
  if (event.userData) {
    const { element, namespace } = event.userData;
    const values = Object.entries(event.data)
      .map(([name, value]) => `<${name}>${xmlText(value)}</${name}>`)
      .join('');
    return `<UserData><${element} xmlns='${xmlText(namespace)}'>${values}</${element}></UserData>`;
  }
  const data = Object.entries(event.data)
    .map(([name, value]) => `<Data Name='${xmlText(name)}'>${xmlText(value)}</Data>`)
    .join('');
  return `<EventData>${data}</EventData>`;
}

export function windowsEventXml(event: WindowsEventXml): string {
  return (
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>" +
    `<Provider Name='${xmlText(event.provider)}' Guid='${event.providerGuid}'/>` +
    `<EventID>${event.eventId}</EventID><Version>${event.version}</Version><Level>4</Level><Task>0</Task>` +
    `<Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${isoOf(event.timeMs)}'/>` +
    `<EventRecordID>${event.recordId}</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/>` +
    `<Channel>${xmlText(event.channel)}</Channel><Computer>${xmlText(event.computer)}</Computer>` +
    `<Security UserID='${event.userSid ?? 'S-1-5-18'}'/></System>${payloadXml(event)}</Event>`
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

/** Sysmon's ProcessGuid shape, derived from the process id so a scenario's events of one process agree. */
export function sysmonProcessGuid(pid: number): string {
  return `{8c1f2a3b-${(pid % 0xffff).toString(16).padStart(4, '0')}-6739-5c05-${String(pid).padStart(12, '0')}}`;
}

/** Sysmon's UtcTime: "2026-11-27 12:00:00.000". */
export function sysmonUtcTime(ms: number): string {
  return isoOf(ms).replace('T', ' ').replace('Z', '');
}

/** Any Sysmon event: the Operational channel's System header around the event's named data. */
export function sysmonEventXml(event: {
  readonly eventId: number;
  readonly version: number;
  readonly computer: string;
  readonly timeMs: number;
  /** Defaults to the clock, as every scenario record's id. */
  readonly recordId?: number;
  readonly data: Readonly<Record<string, string>>;
}): string {
  return windowsEventXml({
    provider: SYSMON.provider,
    providerGuid: SYSMON.guid,
    eventId: event.eventId,
    version: event.version,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: event.computer,
    timeMs: event.timeMs,
    recordId: event.recordId ?? event.timeMs % 1_000_000_000,
    data: event.data,
  });
}

/** Sysmon Event ID 1 (process creation). */
export function sysmonProcessXml(process: ProcessStart): string {
  return sysmonEventXml({
    eventId: 1,
    version: 5,
    computer: process.computer,
    timeMs: process.timeMs,
    data: {
      RuleName: '-',
      UtcTime: sysmonUtcTime(process.timeMs),
      ProcessGuid: sysmonProcessGuid(process.pid),
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
