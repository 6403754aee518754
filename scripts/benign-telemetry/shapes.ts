/**
 * One Windows event rendered the way each shipper writes it: NXLog im_msvistalog (plain and through Logstash),
 * Winlogbeat 6 (event_data) and NXLog without its @timestamp. Field sets follow each shipper's documented output.
 */

export type WindowsShape = 'nxlog' | 'nxlog-logstash' | 'winlogbeat' | 'nxlog-no-timestamp';

export interface WindowsEventSpec {
  readonly provider: string;
  readonly providerGuid: string;
  readonly channel: string;
  readonly eventId: number;
  readonly task: number;
  readonly level: number;
  readonly keywords: string;
  readonly computer: string;
  readonly timeMs: number;
  readonly recordNumber: number;
  /** The rendered message (what Event Viewer shows). */
  readonly message: string;
  /** EventData in schema order. */
  readonly data: readonly (readonly [string, string])[];
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 0: 'Information', 4: 'Information', 5: 'Verbose' };

function nxlogTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function render(event: WindowsEventSpec, shape: WindowsShape): Record<string, unknown> {
  const iso = new Date(event.timeMs).toISOString();
  const data = Object.fromEntries(event.data);
  switch (shape) {
    case 'nxlog':
      return {
        SourceName: event.provider,
        ProviderGuid: event.providerGuid,
        Level: String(event.level),
        Keywords: event.keywords,
        Channel: event.channel,
        Hostname: event.computer,
        TimeCreated: iso,
        '@timestamp': iso,
        EventID: event.eventId,
        Message: event.message,
        Task: String(event.task),
        ...data,
      };
    case 'nxlog-no-timestamp':
      return {
        ...data,
        Task: String(event.task),
        TimeCreated: new Date(event.timeMs).toISOString().replace('T', ' ').slice(0, 23),
        SourceName: event.provider,
        Channel: event.channel,
        Hostname: event.computer,
        EventID: event.eventId,
        Message: event.message,
      };
    case 'nxlog-logstash':
      return {
        '@timestamp': iso,
        '@version': '1',
        EventReceivedTime: nxlogTime(event.timeMs + 1000),
        EventTime: nxlogTime(event.timeMs),
        SourceModuleName: 'eventlog',
        SourceModuleType: 'im_msvistalog',
        host: 'wec01.corp.example',
        port: 51514,
        Hostname: event.computer,
        EventID: event.eventId,
        Channel: event.channel,
        SourceName: event.provider,
        ProviderGuid: event.providerGuid.toUpperCase(),
        Severity: 'INFO',
        SeverityValue: 2,
        Task: event.task,
        RecordNumber: event.recordNumber,
        Message: event.message,
        ...data,
      };
    case 'winlogbeat':
      return {
        '@timestamp': iso,
        '@metadata': { beat: 'winlogbeat', type: 'doc', version: '6.8.23' },
        beat: { name: 'wec01', hostname: 'wec01', version: '6.8.23' },
        host: { name: 'wec01' },
        type: 'wineventlog',
        computer_name: event.computer,
        log_name: event.channel,
        source_name: event.provider,
        provider_guid: event.providerGuid,
        event_id: event.eventId,
        record_number: String(event.recordNumber),
        level: LEVEL_NAMES[event.level] ?? 'Information',
        task: String(event.task),
        message: event.message.replace(/\r\n/g, '\n'),
        event_data: data,
      };
  }
}
