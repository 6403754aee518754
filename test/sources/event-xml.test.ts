import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { decodeEntities, eventXmlFlatMap, parseEventXml } from '../../lib/sources/event-xml';

const FIXTURES = path.join(__dirname, '../fixtures/windows');
const read = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

function parsed(xml: string) {
  const result = parseEventXml(xml);
  if (!result.ok) throw new Error(`expected to parse: ${result.reason}`);
  return result.value;
}

function reasonOf(xml: string): string {
  const result = parseEventXml(xml);
  if (result.ok) throw new Error('expected a failure');
  return result.reason;
}

const MINIMAL = (data: string): string =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P"/><EventID>1</EventID></System><EventData>${data}</EventData></Event>`;

describe('parseEventXml', () => {
  describe('System fields', () => {
    it('reads provider, event id, channel, computer, time, record id and user id of a Sysmon event', () => {
      const event = parsed(read('sysmon1-vboxmanage-headless.xml'));
      expect(event).toMatchObject({
        provider: 'Microsoft-Windows-Sysmon',
        eventId: 1,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        computer: 'FIN-WS042.corp.example.com',
        timeCreated: '2026-11-20T09:14:03.5561620Z',
        recordId: '884213',
        userId: 'S-1-5-18',
      });
    });

    it('reads an EventID that carries Qualifiers, in an indented document with an XML prolog', () => {
      const event = parsed(read('system7045-vboxdrv.xml'));
      expect(event.eventId).toBe(7045);
      expect(event.provider).toBe('Service Control Manager');
      expect(event.channel).toBe('System');
    });

    it('leaves eventId unset when the EventID text is not a number', () => {
      expect(parsed('<Event><System><EventID>one</EventID></System></Event>').eventId).toBeUndefined();
    });

    it('accepts a byte-order mark, comments and processing instructions around the root', () => {
      const event = parsed(
        '\ufeff<?xml version="1.0"?>\n<!-- exported --><Event><System><EventID>4688</EventID></System></Event>\n',
      );
      expect(event.eventId).toBe(4688);
    });

    it('ignores System-like elements outside System', () => {
      const event = parsed(
        '<Event><RenderingInfo Culture="en-US"><Channel>Wrong</Channel><Provider Name="Wrong"/></RenderingInfo></Event>',
      );
      expect(event.channel).toBeUndefined();
      expect(event.provider).toBeUndefined();
    });

    it('ignores Data elements outside EventData', () => {
      expect(parsed('<Event><RenderingInfo><Data Name="Image">x</Data></RenderingInfo></Event>').data).toEqual({});
    });
  });

  describe('event data', () => {
    it('maps every <Data Name> to its text, keeping inner whitespace and empty values', () => {
      const event = parsed(read('system7045-vboxdrv.xml'));
      expect(event.data).toEqual({
        ServiceName: 'VBoxDRV',
        ImagePath: 'C:\\Users\\Public\\vbox\\VBoxDRV.sys',
        ServiceType: 'kernel mode driver',
        StartType: 'demand start',
        AccountName: '',
      });
    });

    it('decodes entities and character references in data and attributes', () => {
      const event = parsed(
        `<Event><System><Provider Name="A&amp;B"/></System><EventData><Data Name="CommandLine">a &lt;b&gt; &quot;c&quot; &apos;d&apos; &#65;&#x42; &amp;amp;</Data></EventData></Event>`,
      );
      expect(event.provider).toBe('A&B');
      expect(event.data['CommandLine']).toBe(`a <b> "c" 'd' AB &amp;`);
    });

    it('keeps CDATA content literally', () => {
      expect(parsed(MINIMAL('<Data Name="X"><![CDATA[<tag> & stuff]]></Data>')).data['X']).toBe('<tag> & stuff');
    });

    it('reads a bare EventData fragment (Azure EventData column) and one wrapped in DataItem', () => {
      expect(parsed('<EventData><Data Name="A">1</Data></EventData>').data).toEqual({ A: '1' });
      expect(
        parsed('<DataItem type="System.XmlData"><EventData><Data Name="B">2</Data></EventData></DataItem>').data,
      ).toEqual({
        B: '2',
      });
    });

    it('reads UserData leaf elements by element name', () => {
      const event = parsed(
        '<Event><UserData><LogFileCleared xmlns="x"><SubjectUserName>bob</SubjectUserName></LogFileCleared></UserData></Event>',
      );
      expect(event.data).toEqual({ SubjectUserName: 'bob' });
    });

    it('reads nested UserData groups down to each leaf, by its local name, and skips the groups themselves', () => {
      const event = parsed(
        '<Event><UserData><ns:Outer xmlns:ns="x"><ns:Group>\n  <ns:Name>vm1</ns:Name><Inner><Id>7</Id></Inner></ns:Group><Top>t</Top></ns:Outer></UserData></Event>',
      );
      expect(event.data).toEqual({ Name: 'vm1', Id: '7', Top: 't' });
    });

    it('keeps the System values Sigma backends name (Level, Task, Opcode, Keywords, Version, Execution ids, UserID)', () => {
      const event = parsed(
        '<Event><System><Provider Name="P"/><EventID>4</EventID><Version>2</Version><Level>4</Level><Task>12</Task><Opcode>0</Opcode><Keywords>0x80</Keywords><Execution ProcessID="10" ThreadID="11"/><Security UserID="S-1-5-18"/></System></Event>',
      );
      expect(event.system).toMatchObject({
        Provider: 'P',
        EventID: '4',
        Version: '2',
        Level: '4',
        Task: '12',
        Opcode: '0',
        Keywords: '0x80',
        ProcessID: '10',
        ThreadID: '11',
        UserID: 'S-1-5-18',
      });
      expect(event.userId).toBe('S-1-5-18');
      expect(eventXmlFlatMap(event)).toMatchObject({ EventID: 4, Level: '4', ProcessID: '10' });
    });

    it('lists unnamed Data values in order, and the flat map offers them as one Data list', () => {
      const event = parsed(MINIMAL('<Data>a</Data><Data Name="K">1</Data><Data>b</Data>'));
      expect(event.unnamed).toEqual(['a', 'b']);
      expect(eventXmlFlatMap(event)['Data']).toEqual(['a', 'b']);
    });

    it('names unnamed Data elements by position and keeps the first of duplicate names', () => {
      expect(
        parsed(MINIMAL('<Data>a</Data><Data>b</Data><Data Name="K">1</Data><Data Name="K">2</Data>')).data,
      ).toEqual({
        Data1: 'a',
        Data2: 'b',
        K: '1',
      });
    });

    it('stores hostile data names as plain data, without touching any prototype', () => {
      const event = parsed(MINIMAL('<Data Name="__proto__">x</Data><Data Name="constructor">y</Data>'));
      expect(Object.getPrototypeOf(event.data)).toBeNull();
      expect(Object.keys(event.data)).toEqual(['__proto__', 'constructor']);
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    });
  });

  describe('refusals', () => {
    it.each([
      ['a document cut inside a tag', MINIMAL('<Data Name="A">1</Data>').slice(0, 90), /truncated/],
      ['a document cut inside a value', MINIMAL('<Data Name="A">1</Data>').slice(0, -25), /truncated/],
      ['a document cut inside an end tag', MINIMAL('').slice(0, -3), /truncated/],
      ['mismatched tags', '<Event><System></Event></System>', /mismatched/],
      ['a DOCTYPE with entity declarations', '<!DOCTYPE e [<!ENTITY a "aaaa">]><Event>&a;</Event>', /DTD/],
      ['an undefined entity', MINIMAL('<Data Name="A">&a;</Data>'), /entity/],
      ['an unterminated entity', MINIMAL('<Data Name="A">&amp</Data>'), /entity/],
      ['a character reference to nothing', MINIMAL('<Data Name="A">&#0;</Data>'), /entity/],
      ['text outside the root', 'junk<Event/>', /outside the root/],
      ['two roots', '<Event/><Event/>', /second root/],
      ['two events inside one wrapper', '<Events><Event/><Event/></Events>', /more than one/],
      ['an unquoted attribute', '<Event a=b/>', /unquoted/],
      ['a "<" inside a tag', '<Event a="x<y"/>', /inside the tag/],
      ['an empty string', '', /no root/],
      ['plain text', 'hello', /outside the root/],
    ])('refuses %s with a reason', (_what, xml, reason) => {
      expect(reasonOf(xml)).toMatch(reason);
    });

    it('refuses nesting deeper than any real event instead of walking it', () => {
      const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
      expect(reasonOf(deep)).toMatch(/deeper/);
    });

    it('accepts the nesting depth real events have', () => {
      expect(parseEventXml(`<Event>${'<a>'.repeat(20)}${'</a>'.repeat(20)}</Event>`).ok).toBe(true);
    });

    it('refuses more Data items than any real event has', () => {
      const many = Array.from({ length: 600 }, (_, i) => `<Data Name="k${i}">v</Data>`).join('');
      expect(reasonOf(MINIMAL(many))).toMatch(/data items/);
    });

    it('scans a 5 MB value and a tag with 100k attributes without blowing up', () => {
      expect(parsed(MINIMAL(`<Data Name="Big">${'A'.repeat(5_000_000)}</Data>`)).data['Big']).toHaveLength(5_000_000);
      const attributes = Array.from({ length: 100_000 }, (_, i) => ` a${i}="v"`).join('');
      expect(parseEventXml(`<Event${attributes}/>`).ok).toBe(true);
    });
  });

  describe('properties', () => {
    it('never throws and always returns a result union, for arbitrary strings', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (text) => {
          const result = parseEventXml(text);
          return result.ok ? typeof result.value.data === 'object' : typeof result.reason === 'string';
        }),
        { numRuns: 500 },
      );
    });

    it('round-trips any data value through escaping', () => {
      const escapeXml = (s: string): string =>
        s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), (value) => {
          return parsed(MINIMAL(`<Data Name="V">${escapeXml(value)}</Data>`)).data['V'] === value;
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('decodeEntities', () => {
  it('returns text without "&" unchanged', () => {
    expect(decodeEntities('C:\\Windows\\cmd.exe')).toBe('C:\\Windows\\cmd.exe');
  });

  it('decodes astral-plane character references', () => {
    expect(decodeEntities('&#x1F600;')).toBe('😀');
  });

  it('refuses surrogate code points and references past U+10FFFF', () => {
    expect(decodeEntities('&#xD800;')).toBeUndefined();
    expect(decodeEntities('&#x110000;')).toBeUndefined();
  });

  it('refuses prototype names used as entities', () => {
    expect(decodeEntities('&constructor;')).toBeUndefined();
    expect(decodeEntities('&__proto__;')).toBeUndefined();
  });
});
