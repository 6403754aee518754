import { type EventXml, parseEventXml } from '../event-xml';
import { closeTruncatedXml } from './truncated-xml';

export type SysmonXmlResult =
  | { readonly ok: true; readonly event: EventXml; readonly partial: boolean }
  | { readonly ok: false; readonly reason: string };

/** Entity references Sysmon for Linux writes without their `;` (`&quot SELECT ...&quot`, seen in the OTRF data). */
const UNTERMINATED_ENTITY = /&(quot|apos|lt|gt|amp)(?!;)/g;

/**
 * Sysmon for Linux event XML, strictly first and then with the two defects real collections show repaired:
 * entity references without `;` (Sysmon's own escaping) and messages cut by the syslog transport (closed, and the
 * result marked partial). A document that is still not well formed is refused.
 */
export function parseSysmonXml(xml: string): SysmonXmlResult {
  const strict = parseEventXml(xml);
  if (strict.ok) return { ok: true, event: strict.value, partial: false };

  const terminated = xml.replace(UNTERMINATED_ENTITY, '&$1;');
  if (terminated !== xml) {
    const repaired = parseEventXml(terminated);
    if (repaired.ok) return { ok: true, event: repaired.value, partial: false };
  }
  if (!xml.includes('</Event>')) {
    const closed = closeTruncatedXml(terminated);
    if (closed !== undefined) {
      const repaired = parseEventXml(closed);
      if (repaired.ok) return { ok: true, event: repaired.value, partial: true };
    }
  }
  return { ok: false, reason: strict.reason };
}
