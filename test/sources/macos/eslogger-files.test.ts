import fc from 'fast-check';
import { esloggerParser } from '../../../lib/sources/macos/eslogger';
import type { ParseOutcome } from '../../../lib/sources/parser';
import { edited, fixtureLines, recordInput } from './record-input';

// eslogger beyond exec: the file and kext events T1564.006 rules need (VM disks written, renamed or deleted; the
// VirtualBox kext loaded; hypervisor devices opened), read from es_message_t as eslogger prints it.

const LINES = fixtureLines('macos/eslogger-file-kext.jsonl');
const [CREATE_NEW, CREATE_EXISTING, WRITE, RENAME, KEXTLOAD, OPEN, UNLINK] = LINES as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const [FORK] = fixtureLines('macos/eslogger-other-events.jsonl') as [string];

const parseOne = (text: string): ParseOutcome => esloggerParser.create().parse(recordInput(text));
function eventOf(text: string) {
  const outcome = parseOne(text);
  if (!outcome.ok) throw new Error(outcome.error.reason);
  expect(outcome.events).toHaveLength(1);
  return outcome.events[0]!;
}
describe('eslogger file and kext events', () => {
  it('reads each fixture event into its Sigma category', () => {
    expect(LINES.map((line) => [eventOf(line).category, eventOf(line).fields.FileOperation])).toEqual([
      ['file_event', 'create'],
      ['file_event', 'create'],
      ['file_change', 'write'],
      ['file_rename', 'rename'],
      ['driver_load', undefined],
      ['file_access', 'open'],
      ['file_delete', 'unlink'],
    ]);
  });

  it('joins a create to a new path (destination_type 1) from the directory and the file name', () => {
    const event = eventOf(CREATE_NEW);
    expect(event.platform).toBe('macos');
    expect(event.fields).toEqual({
      TargetFilename: '/Users/dev/Library/Caches/.vm/disk.qcow2',
      FileOperation: 'create',
      Image: '/opt/homebrew/Cellar/qemu/8.2.0/bin/qemu-img',
      ProcessId: 5101,
      ParentProcessId: 5090,
      UserId: '501',
      LoginUser: '501',
      Signer: 'qemu-img',
    });
    expect(event.time).toBe('2026-11-27T11:00:00.100Z');
    expect(event.provenance.recordId).toBe('20501');
  });

  it('reads a create of an existing file (destination_type 0) by its path', () => {
    expect(eventOf(CREATE_EXISTING).fields.TargetFilename).toBe('/private/tmp/x/win.vmdk');
  });

  it('reads a write as file_change of the written file, by the process that wrote it', () => {
    const event = eventOf(WRITE);
    expect(event.fields.TargetFilename).toBe(
      '/Users/dev/Library/Containers/com.utmapp.UTM/Data/Documents/kali.utm/Data/disk.qcow2',
    );
    expect(event.fields.Signer).toBe('com.utmapp.QEMUHelper.QEMULauncher (WDNLXAD4W8)');
  });

  it('reads a rename from the source path to the new path, a trailing slash on the directory not doubled', () => {
    const event = eventOf(RENAME);
    // Sigma's file_rename names the new path TargetFilename and the old one SourceFilename.
    expect(event.fields.TargetFilename).toBe('/Users/dev/.hidden/fonts.cache');
    expect(event.fields.SourceFilename).toBe('/Users/dev/Downloads/ubuntu.vdi');
  });

  it('reads a rename onto an existing file (destination_type 0)', () => {
    const text = edited(RENAME, ['event', 'rename', 'destination'], {
      existing_file: { path: '/Users/dev/.hidden/old.cache' },
    });
    expect(eventOf(text).fields.TargetFilename).toBe('/Users/dev/.hidden/old.cache');
  });

  it('reads kextload as driver_load of the kext bundle identifier, without a login user for the daemon', () => {
    const event = eventOf(KEXTLOAD);
    expect(event.fields.ImageLoaded).toBe('org.virtualbox.kext.VBoxDrv');
    expect(event.fields.Image).toBe('/usr/libexec/kernelmanagerd');
    expect(event.fields.UserId).toBe('0');
    expect(event.fields.LoginUser).toBeUndefined();
  });

  it('reads an open of /dev/vboxdrv as file_access by the process that opened it', () => {
    expect(eventOf(OPEN).fields).toMatchObject({
      TargetFilename: '/dev/vboxdrv',
      Image: '/private/tmp/.x/updater',
      FileOperation: 'open',
    });
  });

  it('reads an unlink as file_delete', () => {
    expect(eventOf(UNLINK).fields.TargetFilename).toBe('/private/tmp/x/win.vmdk');
  });
});

describe('eslogger file events that cannot be read, and events that are not ours', () => {
  it('still produces nothing for fork and exit events', () => {
    expect(parseOne(FORK)).toEqual({ ok: true, events: [] });
  });

  it.each([
    ['a create without event.create', CREATE_NEW, ['event', 'create'], 'create event without event.create'],
    [
      'a create whose new path has no file name',
      CREATE_NEW,
      ['event', 'create', 'destination', 'new_path', 'filename'],
      'create event without event.create.destination',
    ],
    [
      'a write without a target path',
      WRITE,
      ['event', 'write', 'target'],
      'write event without event.write.target.path',
    ],
    [
      'a rename without a source',
      RENAME,
      ['event', 'rename', 'source'],
      'rename event without event.rename.source.path',
    ],
    [
      'a rename without a destination',
      RENAME,
      ['event', 'rename', 'destination'],
      'rename event without event.rename.destination',
    ],
    [
      'a kextload without an identifier',
      KEXTLOAD,
      ['event', 'kextload', 'identifier'],
      'kextload event without event.kextload.identifier',
    ],
    ['an open without a file', OPEN, ['event', 'open', 'file'], 'open event without event.open.file.path'],
  ])('refuses %s as missing-field, saying what is missing', (_label, line, keys, reason) => {
    const outcome = parseOne(edited(line, keys, undefined));
    expect(outcome.ok ? 'ok' : [outcome.error.code, outcome.error.reason]).toEqual(['missing-field', reason]);
  });

  it('refuses a file event with no usable time and no envelope time', () => {
    const outcome = parseOne(edited(WRITE, ['time'], undefined));
    expect(outcome.ok ? 'ok' : outcome.error.reason).toBe('write event without a usable time');
  });

  it('does not take an event body of another type: a create record carrying only event.write is refused', () => {
    const text = edited(CREATE_NEW, ['event'], { write: { target: { path: '/tmp/x' } } });
    expect(parseOne(text).ok).toBe(false);
  });
});

describe('hostile file and kext events', () => {
  /** Every outcome is ok or a typed, positioned eslogger error: the parser never throws. */
  function expectTyped(outcome: ParseOutcome): void {
    if (outcome.ok) return;
    expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
    expect(outcome.error.format).toBe('eslogger');
  }

  it('never throws on arbitrary JSON as the body or the actor of any file or kext event type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(['open', 10], ['create', 13], ['kextload', 17], ['rename', 25], ['unlink', 32], ['write', 33]),
        fc.jsonValue({ maxDepth: 5 }),
        fc.jsonValue({ maxDepth: 3 }),
        ([key, eventType], body, actor) => {
          const record = {
            event_type: eventType,
            mach_time: 1,
            time: '2026-11-27T11:00:00Z',
            event: { [key]: body },
            process: actor,
          };
          expectTyped(parseOne(JSON.stringify(record)));
        },
      ),
    );
  });

  it('never throws on mutated real file and kext records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINES), fc.nat(), fc.string({ maxLength: 3 }), (line, at, insert) => {
        const position = at % line.length;
        expectTyped(parseOne(line.slice(0, position) + insert + line.slice(position + 1)));
      }),
    );
  });
});
