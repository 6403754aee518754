import { eventXmlOf, parseJsonValues } from '../../lib/scan/evtx-json';
import { parseEventXml } from '../../lib/sources/event-xml';

const SYSTEM = {
  Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
  EventID: 13,
  TimeCreated: { '#attributes': { SystemTime: '2026-11-30T08:00:00.0000000Z' } },
  EventRecordID: 7,
  Correlation: null,
  Channel: 'Microsoft-Windows-Sysmon/Operational',
  Computer: 'lab-ws07.lab.example',
};

describe('evtx_dump JSON to Event XML', () => {
  it('splits one value, an array, or values written one after another (strings with braces included)', () => {
    expect(parseJsonValues('{"a":1}')).toEqual({ ok: true, values: [{ a: 1 }] });
    expect(parseJsonValues('[{"a":1},{"a":2}]')).toEqual({ ok: true, values: [{ a: 1 }, { a: 2 }] });
    expect(parseJsonValues('{\n "a": "}{\\"x"\n}\n{"a":2}\n')).toEqual({ ok: true, values: [{ a: '}{"x' }, { a: 2 }] });
    expect(parseJsonValues('{"a":1} junk')).toEqual({ ok: false, reason: expect.stringMatching(/unexpected 'j'/) });
    expect(parseJsonValues('{"a":1')).toEqual({ ok: false, reason: 'the text ends inside a JSON value' });
  });

  it('splits in one pass: work grows linearly with the input', () => {
    const one = `${JSON.stringify({ Event: { System: SYSTEM, EventData: { Details: 'x'.repeat(50) } } })}\n`;
    const count = (n: number) => {
      const parsed = parseJsonValues(one.repeat(n));
      return parsed.ok ? parsed.values.length : -1;
    };
    expect(count(250)).toBe(250);
    expect(count(1000)).toBe(1000);
    expect(parseJsonValues(`${'['.repeat(100)}${']'.repeat(100)}`)).toEqual({
      ok: false,
      reason: 'nested deeper than 64',
    });
  });

  it('writes System, named EventData and UserData as the Windows event log does, entities escaped, one line', () => {
    const line = eventXmlOf({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: { ...SYSTEM, EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 13 } },
        EventData: {
          EventType: 'SetValue',
          TargetObject: 'HKLM\\SOFTWARE\\Oracle\\VirtualBox\\<Path>',
          Details: 'a & "b"\nsecond line',
          Empty: null,
        },
      },
    });
    if (!line.ok) throw new Error(line.reason);
    expect(line.xml).not.toContain('\n');
    const parsed = parseEventXml(line.xml);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.value).toMatchObject({
      provider: 'Microsoft-Windows-Sysmon',
      eventId: 13,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer: 'lab-ws07.lab.example',
      timeCreated: '2026-11-30T08:00:00.0000000Z',
      recordId: '7',
    });
    expect(parsed.value.data).toMatchObject({
      EventType: 'SetValue',
      TargetObject: 'HKLM\\SOFTWARE\\Oracle\\VirtualBox\\<Path>',
      Details: 'a & "b"\nsecond line',
    });
    const userData = eventXmlOf({
      Event: { System: { ...SYSTEM, EventID: 1102 }, UserData: { LogFileCleared: { SubjectUserName: 'r.moreau' } } },
    });
    if (!userData.ok) throw new Error(userData.reason);
    expect(userData.xml).toContain('<UserData><LogFileCleared><SubjectUserName>r.moreau</SubjectUserName>');
  });

  it('refuses what is not an evtx_dump event', () => {
    expect(eventXmlOf({ System: SYSTEM })).toEqual({ ok: false, reason: 'not an evtx_dump event: no "Event" object' });
    expect(eventXmlOf({ Event: { EventData: {} } })).toEqual({ ok: false, reason: 'the event has no "System" object' });
  });
});
