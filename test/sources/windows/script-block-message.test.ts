import { parseScriptBlockMessage } from '../../../lib/sources/windows/script-block-message';

describe('parseScriptBlockMessage', () => {
  it('reads part numbers, text, id and path from the rendered 4104 message', () => {
    const message =
      'Creating Scriptblock text (2 of 5):\r\nStart-VM -Name lab\r\n\r\nScriptBlock ID: 6f1c8a52-3d4e-4b7a-9c21-0e5d7f3a9b14\r\nPath: C:\\hv\\p.ps1';
    expect(parseScriptBlockMessage(message)).toEqual({
      messageNumber: 2,
      messageTotal: 5,
      text: 'Start-VM -Name lab',
      scriptBlockId: '6f1c8a52-3d4e-4b7a-9c21-0e5d7f3a9b14',
      path: 'C:\\hv\\p.ps1',
    });
  });

  it('reads LF-only messages (winlogbeat) and an empty path', () => {
    const parsed = parseScriptBlockMessage(
      'Creating Scriptblock text (1 of 1):\nprompt\n\nScriptBlock ID: abc\nPath: ',
    );
    expect(parsed).toMatchObject({ text: 'prompt', scriptBlockId: 'abc', path: undefined });
  });

  it('keeps a script that itself mentions "ScriptBlock ID: " intact, using the last marker', () => {
    const parsed = parseScriptBlockMessage(
      'Creating Scriptblock text (1 of 1):\r\nWrite-Host "ScriptBlock ID: fake"\r\n\r\nScriptBlock ID: real\r\nPath: ',
    );
    expect(parsed?.text).toBe('Write-Host "ScriptBlock ID: fake"');
    expect(parsed?.scriptBlockId).toBe('real');
  });

  it('returns undefined for other messages', () => {
    expect(parseScriptBlockMessage('Executing Pipeline ...')).toBeUndefined();
    expect(parseScriptBlockMessage('Creating Scriptblock text (1 of 1):\r\nno marker')).toBeUndefined();
  });
});
