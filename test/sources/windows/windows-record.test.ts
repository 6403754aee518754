import { claimOf, decodeWindowsRecord, eventIdOf } from '../../../lib/sources/windows/windows-record';
import { fixture, inputOf, jsonInput } from './windows-test-kit';

function recordOf(text: string) {
  const decoded = decodeWindowsRecord(inputOf(text));
  if (decoded.kind !== 'record') throw new Error(`expected a record, got ${decoded.kind}`);
  return decoded.record;
}

describe('decodeWindowsRecord', () => {
  it.each([
    ['sysmon1-vboxmanage-headless.xml', 'event-xml', 1, 'FIN-WS042.corp.example.com'],
    ['sysmon1-sc-create-vboxdrv.winlogbeat-ecs.json', 'winlogbeat-ecs', 1, 'FIN-WS042.corp.example.com'],
    ['shippers/sysmon1-winlogbeat2019.json', 'winlogbeat', 1, 'DEV-WS07.corp.example'],
    ['shippers/sysmon1-nxlog.json', 'nxlog', 1, 'WS-QA03.corp.example'],
    ['shippers/security4688-azure.json', 'azure', 4688, 'FS02.corp.example'],
    ['system7045-azure-event.json', 'azure', 7045, 'SRV-HV01'],
  ])('decodes %s as %s (EventID %i on %s)', (name, shape, eventId, computer) => {
    expect(recordOf(fixture(name))).toMatchObject({ shape, eventId, computer, hasData: true });
  });

  it('decodes each RecordInput once: sniff() and parse() of every parser share the result', () => {
    const input = inputOf(fixture('sysmon1-vboxmanage-headless.xml'));
    expect(decodeWindowsRecord(input)).toBe(decodeWindowsRecord(input));
    expect(decodeWindowsRecord(inputOf(input.text))).not.toBe(decodeWindowsRecord(input));
  });

  it('says "none" for records that are not Windows events', () => {
    for (const text of [
      'plain text',
      '{"eventSource":"ec2.amazonaws.com"}',
      '[1,2,3]',
      '<14>Nov 20 syslog',
      '{"EventID":4688}',
    ]) {
      expect(decodeWindowsRecord(inputOf(text)).kind).toBe('none');
    }
  });

  it('reads what broken XML claims to be, so the right parser can report it', () => {
    const decoded = decodeWindowsRecord(inputOf(fixture('security4688-vboxheadless.xml').slice(0, 700)));
    expect(decoded.kind).toBe('invalid');
    expect(claimOf(decoded)).toEqual({
      eventId: 4688,
      provider: 'Microsoft-Windows-Security-Auditing',
      channel: 'Security',
    });
  });

  it('keeps the flattened Azure columns beneath EventData values', () => {
    const record = recordOf(fixture('security4688-azure-eventdata-xml.json'));
    expect(record.data).toMatchObject({
      NewProcessName: 'C:\\Windows\\System32\\wsl.exe',
      Activity: '4688 - A new process has been created.',
    });
  });

  it('marks winlogbeat rows without event_data as having no data', () => {
    const row = JSON.parse(fixture('shippers/sysmon1-winlogbeat2019.json')) as Record<string, unknown>;
    delete row['event_data'];
    const decoded = decodeWindowsRecord(jsonInput(row));
    expect(decoded.kind === 'record' && decoded.record.hasData).toBe(false);
  });

  it('refuses Azure EventData that is neither XML, JSON nor an object', () => {
    const row = JSON.parse(fixture('shippers/sysmon1-azure.json')) as Record<string, unknown>;
    row['EventData'] = 42;
    expect(decodeWindowsRecord(jsonInput(row))).toMatchObject({ kind: 'invalid', claim: { eventId: 1 } });
  });
});

describe('eventIdOf', () => {
  it('accepts integers 0..65535 as numbers or decimal strings', () => {
    expect([eventIdOf(1), eventIdOf('4688'), eventIdOf(' 7045 '), eventIdOf(0), eventIdOf(65535)]).toEqual([
      1, 4688, 7045, 0, 65535,
    ]);
  });

  it('refuses everything else', () => {
    for (const value of [1.5, -1, 65536, '0x1', '1e3', '', 'one', null, true, {}, [], Number.NaN]) {
      expect(eventIdOf(value)).toBeUndefined();
    }
  });
});
