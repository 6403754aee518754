import { looksLikeAuditRecord, parseAuditRecord } from '../../../lib/sources/linux/audit-record';

function parsed(text: string) {
  const result = parseAuditRecord(text);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

describe('audit record syntax', () => {
  it('reads node, type, the event id and the time in epoch milliseconds from the header', () => {
    const record = parsed('node=web-1 type=CWD msg=audit(1764237600.412:88211): cwd="/root"');
    expect(record).toMatchObject({
      node: 'web-1',
      type: 'CWD',
      eventId: '1764237600.412:88211',
      timeMs: 1764237600412,
    });
  });

  it('tells quoted values (literal) from bare ones (possibly hex) and drops the quotes', () => {
    const record = parsed('type=EXECVE msg=audit(1.000:1): argc=2 a0="ls" a1=2D6C61');
    expect(record.fields.get('argc')).toEqual({ text: '2', quoted: false });
    expect(record.fields.get('a0')).toEqual({ text: 'ls', quoted: true });
    expect(record.fields.get('a1')).toEqual({ text: '2D6C61', quoted: false });
  });

  it("reads single-quoted msg='...' of user-space records as one value", () => {
    const record = parsed(`type=USER_LOGIN msg=audit(1.000:2): pid=1 msg='op=login acct="dev" res=success'`);
    expect(record.fields.get('msg')?.text).toBe('op=login acct="dev" res=success');
  });

  it('puts interpreted values after the 0x1d separator of the ENRICHED format in their own map', () => {
    const record = parsed('type=SYSCALL msg=audit(1.000:3): uid=0 key="k"\x1dUID="root" SYSCALL=execve');
    expect(record.fields.get('uid')?.text).toBe('0');
    expect(record.fields.has('UID')).toBe(false);
    expect([...record.enriched]).toEqual([
      ['UID', 'root'],
      ['SYSCALL', 'execve'],
    ]);
  });

  it('recognises interpreted (upper-case) values when a shipper replaced the separator with a space', () => {
    const record = parsed('type=SYSCALL msg=audit(1.000:3): uid=0 key="k" UID="root" SYSCALL=execve');
    expect(record.enriched.get('UID')).toBe('root');
    expect(record.fields.has('UID')).toBe(false);
  });

  it('keeps the first value of a repeated key', () => {
    expect(parsed('type=SYSCALL msg=audit(1.000:4): exe="/bin/a" exe="/bin/b"').fields.get('exe')?.text).toBe('/bin/a');
  });

  it('maps numeric types of old userspace to their names', () => {
    expect(parsed('type=UNKNOWN[1327] msg=audit(1.000:5): proctitle=6C73').type).toBe('PROCTITLE');
    expect(parsed('type=UNKNOWN[9999] msg=audit(1.000:6): x=1').type).toBe('UNKNOWN[9999]');
  });

  it('refuses a line without a type= header, and a header without msg=', () => {
    expect(parseAuditRecord('hello type=SYSCALL msg=audit(1.000:1):')).toMatchObject({
      ok: false,
      code: 'invalid-record',
    });
    expect(parseAuditRecord('type=SYSCALL arch=c000003e')).toMatchObject({ ok: false, code: 'missing-field' });
  });

  it('refuses a timestamp too large to be a date', () => {
    expect(parseAuditRecord('type=SYSCALL msg=audit(999999999999.000:1): x=1')).toMatchObject({ ok: false });
  });

  it('recognises audit records cheaply and nothing else', () => {
    expect(looksLikeAuditRecord('node=a type=EOE msg=audit(1.000:1): ')).toBe(true);
    expect(looksLikeAuditRecord('type=SYSCALL but no audit id')).toBe(false);
    expect(looksLikeAuditRecord('{"type":"SYSCALL"}')).toBe(false);
  });
});
