import { parseSyslogHeader } from '../../../lib/sources/linux/syslog-line';

describe('syslog header in front of a message', () => {
  it('reads host and tag from an RFC 3164 header (whose timestamp has no year, so none is kept)', () => {
    expect(parseSyslogHeader('Nov 27 10:20:31 kvm-host-02 sysmon: ')).toEqual({
      hostname: 'kvm-host-02',
      app: 'sysmon',
    });
    expect(parseSyslogHeader('<14>Nov  7 10:20:31 kvm-host-02 sysmon[1102]: ')).toEqual({
      hostname: 'kvm-host-02',
      app: 'sysmon',
    });
  });

  it('reads timestamp, host and app from an RFC 5424 header', () => {
    expect(parseSyslogHeader('<14>1 2026-11-27T10:20:31.415Z kvm-host-02 sysmon 1102 - - ')).toEqual({
      timestamp: '2026-11-27T10:20:31.415Z',
      hostname: 'kvm-host-02',
      app: 'sysmon',
    });
  });

  it('reads the ISO-stamped header of the rsyslog file format', () => {
    expect(parseSyslogHeader('2026-11-27T10:20:31.415872+00:00 kvm-host-02 sysmon: ')).toEqual({
      timestamp: '2026-11-27T10:20:31.415872+00:00',
      hostname: 'kvm-host-02',
      app: 'sysmon',
    });
  });

  it('treats the nil value "-" as absent', () => {
    expect(parseSyslogHeader('<14>1 - - sysmon - - - ')).toEqual({ app: 'sysmon' });
  });

  it('refuses text that is not a syslog header, and overlong prefixes', () => {
    expect(parseSyslogHeader('garbage ')).toBeUndefined();
    expect(parseSyslogHeader(`Nov 27 10:20:31 ${'h'.repeat(600)} sysmon: `)).toBeUndefined();
  });
});
