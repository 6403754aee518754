/**
 * The syslog header in front of a message that a daemon logged through syslog (Sysmon for Linux writes its events
 * as XML to syslog). Only what parsers need: the sending host and, when the header has a full one, the timestamp.
 */
export interface SyslogHeader {
  readonly hostname?: string;
  /** Present for RFC 5424 and ISO-stamped (rsyslog file format) headers; RFC 3164 stamps have no year or zone. */
  readonly timestamp?: string;
  readonly app?: string;
}

// <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
const RFC5424 = /^<\d{1,3}>\d{1,2} (\S+) (\S+) (\S+) \S+ \S+ (?:-|\[.*\]) ?$/;
// [<PRI>]Mmm dd hh:mm:ss HOSTNAME TAG[PID]:
const RFC3164 = /^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} (\S+) ([^\s:[]+)(?:\[\d+\])?: ?$/;
// 2026-11-27T10:15:02.123456+00:00 HOSTNAME TAG[PID]:
const ISO_STAMPED = /^(?:<\d{1,3}>)?(\d{4}-\d{2}-\d{2}T\S+) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?$/;

/** The header that precedes a message, or undefined when the prefix is not a syslog header we know. */
export function parseSyslogHeader(prefix: string): SyslogHeader | undefined {
  // The header is short; a long prefix is not one (and the regexes never see attacker-sized input).
  if (prefix.length > 512) return undefined;
  const header = prefix.replace(/^\uFEFF/, '').replace(/\uFEFF\s*$/, '');
  const rfc5424 = RFC5424.exec(header);
  if (rfc5424) return fromParts(rfc5424[2], rfc5424[1], rfc5424[3]);
  const iso = ISO_STAMPED.exec(header);
  if (iso) return fromParts(iso[2], iso[1], iso[3]);
  const rfc3164 = RFC3164.exec(header);
  if (rfc3164) return fromParts(rfc3164[1], undefined, rfc3164[2]);
  return undefined;
}

function fromParts(hostname: string | undefined, timestamp: string | undefined, app: string | undefined): SyslogHeader {
  const known = (value: string | undefined): value is string => value !== undefined && value !== '-' && value !== '';
  return {
    ...(known(hostname) ? { hostname } : {}),
    ...(known(timestamp) ? { timestamp } : {}),
    ...(known(app) ? { app } : {}),
  };
}
