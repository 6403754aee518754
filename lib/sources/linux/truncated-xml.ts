/**
 * Syslog transports cut long messages (2 KB is a common limit; the OTRF Azure rows show it), so a Sysmon for Linux
 * event with a long ParentCommandLine arrives without its closing tags. Closing what is open recovers every field
 * before the cut; the caller marks the event partial.
 */
const MAX_OPEN_ELEMENTS = 32;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)[^<>]*>/g;

/** The document with a cut-off tail removed and every open element closed, or undefined when it cannot be done. */
export function closeTruncatedXml(xml: string): string | undefined {
  let text = xml;
  const lastLt = text.lastIndexOf('<');
  if (lastLt > text.lastIndexOf('>')) text = text.slice(0, lastLt); // a tag cut in the middle
  const lastAmp = text.lastIndexOf('&');
  if (lastAmp > text.lastIndexOf(';') && lastAmp > text.lastIndexOf('>')) text = text.slice(0, lastAmp); // an entity

  const open: string[] = [];
  for (const match of text.matchAll(TAG)) {
    const [whole, closing, name = ''] = match;
    if (whole.endsWith('/>')) continue;
    if (closing === '/') {
      if (open.pop() !== name) return undefined;
    } else {
      if (open.length >= MAX_OPEN_ELEMENTS) return undefined;
      open.push(name);
    }
  }
  if (open.length === 0) return undefined;
  return (
    text +
    open
      .reverse()
      .map((name) => `</${name}>`)
      .join('')
  );
}
