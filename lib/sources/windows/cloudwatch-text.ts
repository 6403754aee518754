/**
 * The CloudWatch agent's Windows event `text` format (`event_format: "text"`, the old SSM agent layout):
 *
 *   [Channel] [LEVEL] [EventID] [Provider] [Computer] [rendered message]
 *
 * LEVEL is one of CRITICAL, ERROR, WARNING, INFORMATION, VERBOSE, UNKNOWN (the agent's names for levels 1, 2, 3,
 * 0/4, 5, other). The message is the event's rendered text with its inserts filled in and may span lines; it ends at
 * the record's last `]`. The event time travels as the CloudWatch event's timestamp, not in the text.
 */
export interface CloudWatchText {
  readonly channel: string;
  readonly level: string;
  readonly eventId: number;
  readonly provider: string;
  readonly computer: string;
  readonly message: string;
  /** For Sysmon, whose message lists each value as `Name: value`: the values by name. */
  readonly values?: Record<string, string>;
}

const LEVELS: ReadonlySet<string> = new Set(['CRITICAL', 'ERROR', 'WARNING', 'INFORMATION', 'VERBOSE', 'UNKNOWN']);

/** A bracketed head field is short and single-line (channel, provider and host names are). */
const MAX_HEAD_FIELD = 256;

/**
 * The record in its parts, or undefined when it is not this format. Linear: each head field is found with one
 * bounded indexOf, the message is the rest up to the final `]`.
 */
export function parseCloudWatchText(text: string): CloudWatchText | undefined {
  if (text.charCodeAt(0) !== 0x5b /* [ */) return undefined;
  const head: string[] = [];
  let at = 0;
  for (let field = 0; field < 5; field++) {
    if (text.charCodeAt(at) !== 0x5b) return undefined;
    const close = text.indexOf('] [', at + 1);
    if (close === -1 || close - at - 1 > MAX_HEAD_FIELD) return undefined;
    const value = text.slice(at + 1, close);
    if (value.includes('\n') || value.includes('[')) return undefined;
    head.push(value);
    at = close + 2;
  }
  const [channel, level, id, provider, computer] = head as [string, string, string, string, string];
  if (channel === '' || !LEVELS.has(level) || !/^\d{1,5}$/.test(id) || Number(id) > 0xffff) return undefined;
  const tail = text.trimEnd();
  if (!tail.endsWith(']') || tail.length - 1 < at + 1) return undefined;
  const message = tail.slice(at + 1, tail.length - 1);
  const parsed: CloudWatchText = { channel, level, eventId: Number(id), provider, computer, message };
  return isSysmonProvider(provider) ? { ...parsed, values: sysmonValues(message) } : parsed;
}

function isSysmonProvider(provider: string): boolean {
  const lower = provider.toLowerCase();
  return lower === 'microsoft-windows-sysmon' || lower === 'linux-sysmon';
}

const VALUE_LINE = /^([A-Za-z][A-Za-z0-9]{0,63}): ?(.*)$/;

/**
 * Sysmon renders every event as a title line then one `Name: value` line per EventData value, under the same names
 * (`Image: C:\Windows\...`). Lines that do not look like that continue the previous value (a command line with a
 * newline in it).
 */
function sysmonValues(message: string): Record<string, string> {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = message.split(/\r?\n/);
  let last: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const match = VALUE_LINE.exec(line);
    if (match) {
      const name = match[1] as string;
      if (!(name in values)) {
        values[name] = (match[2] as string).trimEnd();
        last = name;
      } else {
        last = undefined;
      }
    } else if (last !== undefined && line !== '') {
      values[last] = `${values[last]}\n${line}`;
    }
  }
  return values;
}
