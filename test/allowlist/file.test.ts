import { parseAllowlistFile } from '../../lib/allowlist/file';

describe('parseAllowlistFile', () => {
  it('reads one entry per line, skipping blank lines and # comments', () => {
    const text = [
      '# lab hosts',
      '{"host":"lab01","rule":"*","broad":true,"reason":"VM lab","owner":"secops","expiresAt":"2027-01-01T00:00:00Z"}',
      '',
      '{"host":"build01.corp","rule":"attack.t1564.006","match":{"Image":"*\\\\VBoxManage.exe"},"reason":"CI","owner":"platform","expiresAt":"2027-01-01T00:00:00Z"}',
    ].join('\n');
    const parsed = parseAllowlistFile(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries).toHaveLength(2);
    expect(parsed.entries[1]).toMatchObject({
      host: 'build01.corp',
      match: { Image: '*\\VBoxManage.exe' },
      expiresAt: Date.UTC(2027, 0, 1) / 1000,
    });
  });

  it('reports every bad line with its number and keeps the good ones', () => {
    const text = [
      '{"host":"lab01","rule":"attack.t1564.006","reason":"VM lab","owner":"secops"}',
      'not json',
      '[1,2]',
      '{"host":"lab02","rule":"*","owner":"secops"}',
      '{"host":"lab03","rule":"*","reason":"r","owner":"o","expiresAt":"someday"}',
    ].join('\r\n');
    const parsed = parseAllowlistFile(text);
    expect(parsed.entries.map((entry) => entry.host)).toEqual(['lab01']);
    expect(parsed.errors.map((error) => error.line)).toEqual([2, 3, 4, 5]);
    expect(parsed.errors[2]?.reason).toContain('reason');
  });

  it('refuses a broad line without broad: true and an expiry, as the pipeline does (scan --allowlist, import)', () => {
    const parsed = parseAllowlistFile(
      [
        '{"host":"*","rule":"attack.t1564.006","reason":"r","owner":"o","expiresAt":"2027-01-01T00:00:00Z"}',
        '{"host":"lab01","rule":"*","broad":true,"reason":"r","owner":"o"}',
      ].join('\n'),
    );
    expect(parsed.entries).toEqual([]);
    expect(parsed.errors.map((error) => error.reason)).toEqual([
      expect.stringContaining('broad: true'),
      expect.stringContaining('expiresAt'),
    ]);
  });
});
