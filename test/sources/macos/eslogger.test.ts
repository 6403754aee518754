import fc from 'fast-check';
import { path } from '../../../lib/sources/common';
import { esloggerParser } from '../../../lib/sources/macos/eslogger';
import type { ParseOutcome } from '../../../lib/sources/parser';
import { edited, fixtureLines, INSTANCE_STREAM, recordInput } from './record-input';

const [VBOX, LIMA, PARALLELS, LS] = fixtureLines('macos/eslogger-exec.jsonl') as [string, string, string, string];
const [FORK, EXIT] = fixtureLines('macos/eslogger-other-events.jsonl') as [string, string];

function parseOne(text: string, context = {}, timestampMs?: number): ParseOutcome {
  return esloggerParser.create().parse(recordInput(text, 0, context, timestampMs));
}

function eventOf(outcome: ParseOutcome) {
  expect(outcome.ok).toBe(true);
  if (!outcome.ok) throw new Error(outcome.error.reason);
  expect(outcome.events).toHaveLength(1);
  return outcome.events[0]!;
}

const TARGET = ['event', 'exec', 'target'];

describe('eslogger parser', () => {
  describe('exec of VBoxHeadless --startvm (T1564.006)', () => {
    it('becomes a macos process_creation event', () => {
      const event = eventOf(parseOne(VBOX));
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('macos');
    });

    it('takes the image from the exec target, the parent image from the exec-ing process, ids from audit tokens', () => {
      expect(eventOf(parseOne(VBOX)).fields).toEqual({
        Image: '/Applications/VirtualBox.app/Contents/MacOS/VBoxHeadless',
        CommandLine: 'VBoxHeadless --startvm kali-rolling',
        Args: ['VBoxHeadless', '--startvm', 'kali-rolling'],
        CurrentDirectory: '/Users/dev',
        ProcessId: 4471,
        ParentImage: '/bin/zsh',
        ParentProcessId: 4102,
        UserId: '501',
        LoginUser: '501',
        Signer: 'org.virtualbox.app.VBoxHeadless (VB5E2TV963)',
      });
    });

    it('is timed by the event time (nanoseconds cut to milliseconds) and identified by global_seq_num', () => {
      const event = eventOf(parseOne(VBOX));
      expect(event.time).toBe('2026-11-27T10:30:00.123Z');
      expect(event.provenance).toEqual({ envelope: 'file', index: 0, line: 1, format: 'eslogger', recordId: '40011' });
    });

    it('has no hostname of its own: the host is the log stream', () => {
      expect(eventOf(parseOne(VBOX, { logStream: INSTANCE_STREAM })).host).toEqual({
        logStream: INSTANCE_STREAM,
        instanceId: INSTANCE_STREAM,
      });
      expect(eventOf(parseOne(VBOX)).host).toEqual({});
    });

    it('keeps the record as raw but drops the environment, which carries secrets', () => {
      const raw = eventOf(parseOne(VBOX)).raw;
      expect(path(raw, ...TARGET, 'signing_id')).toBe('org.virtualbox.app.VBoxHeadless');
      expect(path(raw, 'event', 'exec', 'env')).toBeUndefined();
      expect(JSON.stringify(raw)).not.toContain('AWS_SECRET_ACCESS_KEY');
    });
  });

  describe('other virtual-instance launchers', () => {
    it('reads limactl start (ad-hoc signed: a signing id without a team)', () => {
      const event = eventOf(parseOne(LIMA));
      expect(event.fields.Image).toBe('/opt/homebrew/Cellar/lima/1.0.1/bin/limactl');
      expect(event.fields.CommandLine).toBe('limactl start --name=builder template://docker');
      expect(event.fields.Signer).toBe('limactl');
      expect(event.fields.CurrentDirectory).toBe('/Users/dev/src');
    });

    it('reads prlctl start, quoting the VM name that contains a space', () => {
      const event = eventOf(parseOne(PARALLELS));
      expect(event.fields.Image).toBe('/Applications/Parallels Desktop.app/Contents/MacOS/prlctl');
      expect(event.fields.CommandLine).toBe('prlctl start "Windows 11"');
      expect(event.fields.Args).toEqual(['prlctl', 'start', 'Windows 11']);
      expect(event.fields.Signer).toBe('com.parallels.desktop.console (4C6364ACXT)');
    });

    it('reads a benign exec the same way (rules, not the parser, decide what is suspicious)', () => {
      expect(eventOf(parseOne(LS)).fields.CommandLine).toBe('ls -la "/Users/dev/VirtualBox VMs"');
    });
  });

  describe('fallbacks', () => {
    it('falls back to the envelope timestamp when the record has no time', () => {
      const noTime = edited(VBOX, ['time'], undefined);
      expect(eventOf(parseOne(noTime, {}, Date.UTC(2026, 10, 27, 12))).time).toBe('2026-11-27T12:00:00.000Z');
    });

    it('refuses an exec with no time at all as missing-field', () => {
      const noTime = edited(VBOX, ['time'], undefined);
      const outcome = parseOne(noTime);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it('takes the parent pid from the parent audit token when ppid is absent', () => {
      const noPpid = edited(
        edited(VBOX, [...TARGET, 'ppid'], undefined),
        [...TARGET, 'parent_audit_token', 'pid'],
        4099,
      );
      expect(eventOf(parseOne(noPpid)).fields.ParentProcessId).toBe(4099);
    });

    it('leaves LoginUser absent for the unset audit user id', () => {
      const unset = edited(VBOX, [...TARGET, 'audit_token', 'auid'], 4294967295);
      expect(eventOf(parseOne(unset)).fields.LoginUser).toBeUndefined();
    });
  });

  describe('records that produce no event', () => {
    it.each([
      ['fork (11)', FORK],
      ['exit (15)', EXIT],
    ])('accepts %s events with no events', (_label, text) => {
      expect(parseOne(text)).toEqual({ ok: true, events: [] });
    });

    it('refuses an exec without a target executable path as missing-field', () => {
      const noTarget = edited(VBOX, [...TARGET, 'executable'], undefined);
      const outcome = parseOne(noTarget);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it('refuses an exec event type without event.exec as missing-field', () => {
      const outcome = parseOne(edited(VBOX, ['event'], { fork: {} }));
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it('refuses a record that is not JSON with a positioned invalid-record error', () => {
      const input = recordInput('event_type=9 not json', 12);
      const outcome = esloggerParser.create().parse(input);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe('invalid-record');
        expect(outcome.error.position).toEqual(input.position);
      }
    });

    it('claims eslogger records of any type and nothing else', () => {
      const parser = esloggerParser.create();
      for (const text of [VBOX, FORK, EXIT]) expect(parser.sniff(recordInput(text))).toBe(true);
      expect(parser.sniff(recordInput('{"eventName":"RunTask","eventSource":"ecs.amazonaws.com"}'))).toBe(false);
      expect(parser.sniff(recordInput('{"event_type":"process","event":{"exec":{}}}'))).toBe(false);
      expect(parser.sniff(recordInput('type=SYSCALL msg=audit(1.000:1): syscall=59'))).toBe(false);
    });
  });

  describe('hostile input', () => {
    function expectTyped(outcome: ParseOutcome, index: number): void {
      if (outcome.ok) return;
      expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
      expect(outcome.error.format).toBe('eslogger');
      expect(outcome.error.position.index).toBe(index);
    }

    it('refuses every record of the hostile fixture with a typed, positioned error', () => {
      fixtureLines('macos/eslogger-hostile.jsonl').forEach((line, index) => {
        const outcome = esloggerParser.create().parse(recordInput(line, index));
        expect(outcome.ok).toBe(false);
        expectTyped(outcome, index);
      });
    });

    it('drops non-string arguments instead of stringifying objects', () => {
      const odd = edited(VBOX, ['event', 'exec', 'args'], ['VBoxHeadless', { toString: 'x' }, 7, null, '--startvm']);
      expect(eventOf(parseOne(odd)).fields.Args).toEqual(['VBoxHeadless', '--startvm']);
    });

    it('ignores inherited properties: a __proto__ key cannot supply the image', () => {
      const text =
        '{"event_type":9,"mach_time":1,"time":"2026-11-27T10:30:00Z","event":{"exec":{"target":{"__proto__":{"executable":{"path":"/evil"}}}}}}';
      const outcome = parseOne(text);
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });

    it('survives deeply nested JSON and wrongly typed fields', () => {
      const deep = JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) as unknown;
      const record = {
        event_type: 9,
        mach_time: 1,
        event: { exec: { target: deep, args: deep, cwd: 'x' } },
        process: deep,
        time: deep,
      };
      expectTyped(parseOne(JSON.stringify(record)), 0);
      expectTyped(parseOne('{"event_type":9,"mach_time":1,"event":{"exec":{"target":{"executable":{"path":7}}}}}'), 0);
    });

    it('never throws on arbitrary JSON values in any field', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), fc.nat(20), (exec, proc, index) => {
          const record = { event_type: 9, mach_time: 1, time: '2026-11-27T10:30:00Z', event: { exec }, process: proc };
          expectTyped(esloggerParser.create().parse(recordInput(JSON.stringify(record), index)), index);
        }),
      );
    });

    it('never throws on arbitrary text or mutated real records', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 200 }),
            fc
              .tuple(fc.constantFrom(VBOX, LIMA, PARALLELS, FORK), fc.nat(), fc.string({ maxLength: 3 }))
              .map(
                ([line, at, insert]) => line.slice(0, at % line.length) + insert + line.slice((at % line.length) + 1),
              ),
          ),
          (text) => {
            expectTyped(esloggerParser.create().parse(recordInput(text, 1)), 1);
          },
        ),
      );
    });
  });
});
