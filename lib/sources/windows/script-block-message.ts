/**
 * The rendered 4104 message, for collectors that ship only `Message` (some NXLog configurations):
 * "Creating Scriptblock text (N of M):\r\n<text>\r\n\r\nScriptBlock ID: <guid>\r\nPath: <path>".
 */
export interface ScriptBlockMessage {
  readonly messageNumber: number;
  readonly messageTotal: number;
  readonly text: string;
  readonly scriptBlockId: string | undefined;
  readonly path: string | undefined;
}

const HEADER = /^Creating Scriptblock text \((\d{1,6}) of (\d{1,6})\):\r?\n/;
const ID_MARKER = 'ScriptBlock ID: ';

export function parseScriptBlockMessage(message: string): ScriptBlockMessage | undefined {
  const header = HEADER.exec(message);
  if (!header?.[1] || !header[2]) return undefined;
  const start = header[0].length;
  const marker = message.lastIndexOf(ID_MARKER);
  if (marker < start) return undefined;
  const text = message.slice(start, marker).replace(/(?:\r?\n){1,2}$/, '');
  const tail = message.slice(marker + ID_MARKER.length);
  const newline = tail.indexOf('\n');
  const id = (newline === -1 ? tail : tail.slice(0, newline)).trim();
  const pathLine = newline === -1 ? '' : tail.slice(newline + 1);
  const path = pathLine.startsWith('Path:') ? pathLine.slice(5).trim() : '';
  return {
    messageNumber: Number(header[1]),
    messageTotal: Number(header[2]),
    text,
    scriptBlockId: id === '' ? undefined : id,
    path: path === '' ? undefined : path,
  };
}
