/** Query parameters of a Kubernetes exec/attach requestURI (`...?command=sh&command=-c&container=app`). */

/** Parameters read from one URI at most: a hostile query string stays cheap. */
const MAX_PARAMS = 256;
/** Longest query string read. */
const MAX_QUERY = 64 * 1024;

/** The `command` values in order, URL-decoded: the argv kubectl sent. */
export function commandOfRequestUri(requestUri: string): string[] {
  return paramValues(requestUri, 'command');
}

/** The `container` parameter: which container of the pod was entered. */
export function containerOfRequestUri(requestUri: string): string | undefined {
  return paramValues(requestUri, 'container')[0];
}

function paramValues(requestUri: string, name: string): string[] {
  const start = requestUri.indexOf('?');
  if (start < 0) return [];
  const query = requestUri.slice(start + 1, start + 1 + MAX_QUERY);
  const values: string[] = [];
  for (const pair of query.split('&', MAX_PARAMS)) {
    const equals = pair.indexOf('=');
    const key = decode(equals < 0 ? pair : pair.slice(0, equals));
    if (key !== name || equals < 0) continue;
    values.push(decode(pair.slice(equals + 1)));
  }
  return values;
}

/** Form decoding ('+' is a space); malformed escapes are kept as sent rather than failing the record. */
function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
