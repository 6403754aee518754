/**
 * Windows Event XML as the event log renders it (the CloudWatch agent's `event_format: xml`), built from parts so tests
 * can state only what matters: the System section per the Windows event schema, EventData or UserData values.
 */
export interface EventXmlSpec {
  readonly provider: string;
  readonly eventId: number;
  readonly channel: string;
  readonly computer?: string;
  readonly time?: string;
  readonly recordId?: number;
  readonly level?: number;
  readonly task?: number;
  readonly userId?: string;
  /** EventData `<Data Name="...">` values, in order. */
  readonly data?: Readonly<Record<string, string>>;
  /** Unnamed `<Data>` values (classic providers). */
  readonly unnamed?: readonly string[];
  /** Raw UserData inner XML (one provider element with its children). */
  readonly userData?: string;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function eventXml(spec: EventXmlSpec): string {
  const time = spec.time ?? '2026-11-20T09:15:11.0123450Z';
  const data = Object.entries(spec.data ?? {})
    .map(([name, value]) => `<Data Name="${name}">${escapeXml(value)}</Data>`)
    .join('');
  const unnamed = (spec.unnamed ?? []).map((value) => `<Data>${escapeXml(value)}</Data>`).join('');
  const body =
    spec.userData !== undefined ? `<UserData>${spec.userData}</UserData>` : `<EventData>${data}${unnamed}</EventData>`;
  return (
    `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>` +
    `<Provider Name="${spec.provider}"/><EventID>${spec.eventId}</EventID><Version>0</Version>` +
    `<Level>${spec.level ?? 4}</Level><Task>${spec.task ?? 0}</Task><Opcode>0</Opcode>` +
    `<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="${time}"/>` +
    `<EventRecordID>${spec.recordId ?? 1000}</EventRecordID><Correlation/>` +
    `<Execution ProcessID="3112" ThreadID="4120"/><Channel>${spec.channel}</Channel>` +
    `<Computer>${spec.computer ?? 'FIN-WS042.corp.example.com'}</Computer>` +
    `<Security UserID="${spec.userId ?? 'S-1-5-18'}"/></System>${body}</Event>`
  );
}

const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';
const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

/** A Sysmon event: RuleName and UtcTime first, as Sysmon writes them, then the event's own values. */
export function sysmonXml(eventId: number, data: Readonly<Record<string, string>>, computer?: string): string {
  return eventXml({
    provider: SYSMON_PROVIDER,
    channel: SYSMON_CHANNEL,
    eventId,
    ...(computer !== undefined ? { computer } : {}),
    data: { RuleName: '-', UtcTime: '2026-11-20 09:15:10.998', ...data },
  });
}
