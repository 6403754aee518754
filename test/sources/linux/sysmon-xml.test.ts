import { parseSysmonXml } from '../../../lib/sources/linux/sysmon-xml';

const HEAD = '<Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID></System><EventData>';

describe('lenient Sysmon for Linux XML', () => {
  it('parses a well-formed event strictly, not partial', () => {
    const result = parseSysmonXml(`${HEAD}<Data Name="Image">/usr/bin/virsh</Data></EventData></Event>`);
    expect(result).toMatchObject({
      ok: true,
      partial: false,
      event: { eventId: 1, data: { Image: '/usr/bin/virsh' } },
    });
  });

  it('reads entity references written without their semicolon', () => {
    const result = parseSysmonXml(
      `${HEAD}<Data Name="CommandLine">sh -c &quot;a&quot b &amp c</Data></EventData></Event>`,
    );
    expect(result.ok && result.event.data['CommandLine']).toBe('sh -c "a" b & c');
  });

  it.each([
    [
      'inside a value',
      `${HEAD}<Data Name="Image">/usr/bin/virsh</Data><Data Name="CommandLine">virsh sta`,
      'virsh sta',
    ],
    [
      'inside a tag',
      `${HEAD}<Data Name="Image">/usr/bin/virsh</Data><Data Name="CommandLine">virsh</Data><Data Na`,
      'virsh',
    ],
    ['inside an entity', `${HEAD}<Data Name="Image">/usr/bin/virsh</Data><Data Name="CommandLine">a &qu`, 'a '],
  ])('recovers a message cut %s, marked partial', (_where, xml, commandLine) => {
    const result = parseSysmonXml(xml);
    expect(result).toMatchObject({ ok: true, partial: true });
    expect(result.ok && result.event.data['CommandLine']).toBe(commandLine);
    expect(result.ok && result.event.data['Image']).toBe('/usr/bin/virsh');
  });

  it('still refuses documents that are broken rather than cut', () => {
    expect(parseSysmonXml(`${HEAD}<Data Name="Image">x</Image></EventData></Event>`).ok).toBe(false);
    expect(parseSysmonXml('<Event><a></b>').ok).toBe(false);
    expect(parseSysmonXml(`<Event>${'<a>'.repeat(100)}`).ok).toBe(false);
  });
});
