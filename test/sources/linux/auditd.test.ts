import fc from 'fast-check';
import type { NormalizedEvent } from '../../../lib/model';
import { auditdParser } from '../../../lib/sources/linux/auditd';
import type { ParseOutcome, RecordInput } from '../../../lib/sources/parser';
import { fixtureLines, INSTANCE_STREAM, inputsOf, recordInput, runAuditBatch } from './record-input';

const STREAM = { logStream: INSTANCE_STREAM };

const runBatch = runAuditBatch;

function only(events: readonly NormalizedEvent[]): NormalizedEvent {
  expect(events).toHaveLength(1);
  return events[0]!;
}

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex').toUpperCase();
const SYSCALL_X86 = (id: string, extra = ''): string =>
  `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=59 success=yes exit=0 a0=5600 a1=5601 a2=5602 a3=8 items=2 ppid=900 pid=901 auid=1000 uid=1000 gid=1000 euid=1000 comm="sh" exe="/usr/bin/sh" key=(null)${extra}`;

describe('auditd parser', () => {
  describe('a complete execve group (T1564.006: QEMU started from a hidden directory)', () => {
    const lines = fixtureLines('linux/auditd-qemu-node.log');
    const run = () => runBatch(inputsOf(lines, STREAM));

    it('emits one linux process_creation event when the PROCTITLE record completes the group', () => {
      const { outcomes, events, errors } = run();
      expect(errors).toEqual([]);
      const proctitleIndex = lines.findIndex((line) => line.includes('type=PROCTITLE'));
      outcomes.forEach((outcome, index) => {
        expect(outcome.ok && outcome.events.length).toBe(index === proctitleIndex ? 1 : 0);
      });
      const event = only(events);
      expect(event.category).toBe('process_creation');
      expect(event.platform).toBe('linux');
    });

    it('reads image, arguments (decoding the hex-encoded one), directory, ids and users from the records', () => {
      const event = only(run().events);
      expect(event.fields).toEqual({
        Image: '/usr/bin/qemu-system-x86_64',
        CommandLine:
          'qemu-system-x86_64 -m 256 -nographic -drive file=/tmp/.x/disk.qcow2 -netdev user,id=n0,hostfwd=tcp::2222-:22 -name "build cache"',
        Args: [
          'qemu-system-x86_64',
          '-m',
          '256',
          '-nographic',
          '-drive',
          'file=/tmp/.x/disk.qcow2',
          '-netdev',
          'user,id=n0,hostfwd=tcp::2222-:22',
          '-name',
          'build cache',
        ],
        CurrentDirectory: '/home/dev/.cache',
        ProcessId: 2245,
        ParentProcessId: 2210,
        User: '1000',
        UserId: '1000',
        LoginUser: '1000',
      });
    });

    it('takes the host from node= and keeps the log stream as the fallback identity', () => {
      expect(only(run().events).host).toEqual({
        hostname: 'build-01',
        logStream: INSTANCE_STREAM,
        instanceId: INSTANCE_STREAM,
      });
    });

    it('times the event by the audit timestamp and records the audit id as the record id', () => {
      const event = only(run().events);
      expect(event.time).toBe('2025-11-27T10:00:00.412Z');
      expect(event.timeMs).toBe(1764237600412);
      expect(event.provenance).toEqual({
        envelope: 'file',
        index: 0,
        line: 1,
        format: 'auditd',
        recordId: '1764237600.412:88211',
      });
    });

    it('keeps the records as decoded key/value maps in raw', () => {
      const raw = only(run().events).raw as Record<string, Record<string, string>>;
      expect(raw['SYSCALL']?.['key']).toBe('t1564-vm');
      expect(raw['SYSCALL']?.['comm']).toBe('qemu-system-x86');
      expect(raw['EXECVE']?.['a9']).toBe('build cache');
      expect(raw['CWD']?.['cwd']).toBe('/home/dev/.cache');
      expect(raw['PROCTITLE']?.['proctitle']).toContain('qemu-system-x86_64 -m 256 -nographic');
    });

    it('ignores records of the group that arrive after it was emitted (EOE) and leaves nothing for flush', () => {
      const { flushed, events } = run();
      expect(events).toHaveLength(1);
      expect(flushed).toEqual([]);
    });
  });

  describe('privileged Docker container started as root on aarch64, without node=', () => {
    const run = () => runBatch(inputsOf(fixtureLines('linux/auditd-docker-privileged.log'), STREAM));

    it('recognises execve by the aarch64 syscall number and reads the docker command line', () => {
      const event = only(run().events);
      expect(event.fields.Image).toBe('/usr/bin/docker');
      expect(event.fields.CommandLine).toBe('docker run --privileged -v /:/host alpine');
      expect(event.fields.User).toBe('0');
      expect(event.fields.LoginUser).toBe('1001');
    });

    it('takes nothing from the record for the host: only the log stream identifies it', () => {
      const event = only(run().events);
      expect(event.host).toEqual({ logStream: INSTANCE_STREAM, instanceId: INSTANCE_STREAM });
    });

    it('has no host at all when neither node= nor a log stream is known', () => {
      const { events } = runBatch(inputsOf(fixtureLines('linux/auditd-docker-privileged.log')));
      expect(only(events).host).toEqual({});
    });
  });

  describe('the ENRICHED log format (virsh start)', () => {
    const run = () => runBatch(inputsOf(fixtureLines('linux/auditd-enriched-virsh.log'), STREAM));

    it('names the user and login user from the interpreted UID= and AUID= values, keeping the numeric uid', () => {
      const event = only(run().events);
      expect(event.fields.CommandLine).toBe('virsh start win10-sandbox');
      expect(event.fields.User).toBe('root');
      expect(event.fields.UserId).toBe('0');
      expect(event.fields.LoginUser).toBe('alice');
    });

    it('keeps the interpreted values beside the raw ones', () => {
      const raw = only(run().events).raw as Record<string, Record<string, string>>;
      expect(raw['SYSCALL']?.['SYSCALL']).toBe('execve');
      expect(raw['SYSCALL']?.['uid']).toBe('0');
      expect(raw['SYSCALL']?.['UID']).toBe('root');
    });

    it('uses the interpreted SYSCALL name to tell execve from other syscalls, whatever the number says', () => {
      const id = '1764237800.300:778';
      const { events } = runBatch(
        inputsOf([
          `${SYSCALL_X86(id)}\x1dARCH=x86_64 SYSCALL=connect AUID="alice" UID="alice"`,
          `type=PROCTITLE msg=audit(${id}): proctitle="sh"`,
          `type=EOE msg=audit(${id}): `,
        ]),
      );
      expect(events).toEqual([]);
    });
  });

  describe('grouping', () => {
    it('groups interleaved records by their audit id: one event per execve and per file access, none for the rest', () => {
      const { events, errors } = runBatch(inputsOf(fixtureLines('linux/auditd-interleaved.log'), STREAM));
      expect(errors).toEqual([]);
      const starts = events.filter((event) => event.category === 'process_creation');
      expect(starts.map((event) => event.fields.CommandLine).sort()).toEqual([
        'VBoxManage startvm kali --type headless',
        'ls -la /var/lib/libvirt/images',
      ]);
      // The openat (257) of the listed directory interleaved with them is a file access of its own.
      const accesses = events.filter((event) => event.category === 'file_access');
      expect(accesses.map((event) => [event.fields.TargetFilename, event.fields.FileOperation])).toEqual([
        ['/var/lib/libvirt/images', 'openat'],
      ]);
      expect(events).toHaveLength(3);
      const vbox = events.find((event) => event.fields.Image === '/usr/lib/virtualbox/VBoxManage');
      expect(vbox?.fields.ProcessId).toBe(5002);
      expect(vbox?.provenance.recordId).toBe('1764237900.101:9002');
    });

    it('emits a group at flush when the batch ends before the group completed', () => {
      const lines = fixtureLines('linux/auditd-qemu-node.log');
      const parser = auditdParser.create();
      const outcomes = inputsOf(lines.slice(0, 2), STREAM).map((input) => parser.parse(input));
      expect(outcomes.every((outcome) => outcome.ok && outcome.events.length === 0)).toBe(true);
      const flushed = parser.flush?.() ?? [];
      expect(flushed).toHaveLength(1);
      const event = only(flushed.flatMap((outcome) => (outcome.ok ? outcome.events : [])));
      expect(event.fields.Image).toBe('/usr/bin/qemu-system-x86_64');
      expect(event.fields.Args).toHaveLength(10);
      expect(event.fields.Partial).toBeUndefined();
    });

    it('emits both halves of a group split across two batches, each marked partial', () => {
      const lines = fixtureLines('linux/auditd-qemu-node.log');
      const first = runBatch(inputsOf(lines.slice(0, 1), STREAM));
      const second = runBatch(
        inputsOf(lines.slice(1), STREAM).map((input, index) => ({ ...input, position: { envelope: 'file', index } })),
      );
      const head = only(first.events);
      expect(head.fields.Image).toBe('/usr/bin/qemu-system-x86_64');
      expect(head.fields.ProcessId).toBe(2245);
      expect(head.fields.Args).toBeUndefined();
      expect(head.fields.Partial).toBe(true);
      const tail = only(second.events);
      expect(tail.fields.Args?.[0]).toBe('qemu-system-x86_64');
      expect(tail.fields.Image).toBe('/usr/bin/qemu-system-x86_64'); // from PATH item 0, the path execve was given
      expect(tail.fields.ProcessId).toBeUndefined();
      expect(tail.fields.Partial).toBe(true);
      expect(tail.host.hostname).toBe('build-01');
    });

    it('still emits an event from SYSCALL and PROCTITLE when the EXECVE record is missing, marked partial', () => {
      const id = '1764238000.001:42';
      const { events } = runBatch(
        inputsOf([
          SYSCALL_X86(id).replace('exe="/usr/bin/sh"', 'exe="/usr/bin/qemu-system-aarch64"'),
          `type=CWD msg=audit(${id}): cwd="/srv"`,
          `type=PROCTITLE msg=audit(${id}): proctitle=${hex('qemu-system-aarch64\0-M\0virt\0-nographic')}`,
          `type=EOE msg=audit(${id}): `,
        ]),
      );
      const event = only(events);
      expect(event.fields.Image).toBe('/usr/bin/qemu-system-aarch64');
      expect(event.fields.CommandLine).toBe('qemu-system-aarch64 -M virt -nographic');
      expect(event.fields.CurrentDirectory).toBe('/srv');
      expect(event.fields.Partial).toBe(true);
    });

    it('emits nothing for a group that is not an execve, even at flush', () => {
      const id = '1764238000.002:43';
      const { events, errors } = runBatch(
        inputsOf([
          SYSCALL_X86(id).replace('syscall=59', 'syscall=42'),
          `type=SOCKADDR msg=audit(${id}): saddr=02000050C0A80001`,
          `type=PROCTITLE msg=audit(${id}): proctitle="curl"`,
        ]),
      );
      expect(events).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('emits nothing for a failed execve: no process started', () => {
      const id = '1764238000.003:44';
      const { events } = runBatch(
        inputsOf([
          SYSCALL_X86(id).replace('success=yes exit=0', 'success=no exit=-2'),
          `type=EXECVE msg=audit(${id}): argc=1 a0="VBoxHeadless"`,
          `type=EOE msg=audit(${id}): `,
        ]),
      );
      expect(events).toEqual([]);
    });

    it('understands records named by number by old userspace (UNKNOWN[1327] is PROCTITLE)', () => {
      const id = '1764238000.004:45';
      const { outcomes } = runBatch(
        inputsOf([
          SYSCALL_X86(id),
          `type=EXECVE msg=audit(${id}): argc=2 a0="sh" a1="-c"`,
          `type=UNKNOWN[1327] msg=audit(${id}): proctitle=${hex('sh\0-c')}`,
        ]),
      );
      expect(outcomes[2]?.ok && outcomes[2].events.length).toBe(1);
    });

    it('keeps records of different hosts with the same audit id apart', () => {
      const id = '1764238000.005:46';
      const { events } = runBatch(
        inputsOf([
          `node=a ${SYSCALL_X86(id)}`,
          `node=b ${SYSCALL_X86(id).replace('pid=901', 'pid=902')}`,
          `node=a type=EXECVE msg=audit(${id}): argc=1 a0="one"`,
          `node=b type=EXECVE msg=audit(${id}): argc=1 a0="two"`,
        ]),
      );
      expect(events.map((event) => [event.host.hostname, event.fields.CommandLine, event.fields.ProcessId])).toEqual([
        ['a', 'one', 901],
        ['b', 'two', 902],
      ]);
    });

    it('bounds the pending groups: beyond the cap the oldest group is emitted during the batch, none is lost', () => {
      const groups = 1100;
      const lines: string[] = [];
      for (let serial = 0; serial < groups; serial++) {
        const id = `1764238100.000:${serial}`;
        lines.push(SYSCALL_X86(id), `type=EXECVE msg=audit(${id}): argc=1 a0="job${serial}"`);
      }
      const { outcomes, flushed, events } = runBatch(inputsOf(lines));
      const duringBatch = outcomes.flatMap((outcome) => (outcome.ok ? outcome.events : []));
      expect(duringBatch.length).toBeGreaterThan(0);
      expect(duringBatch[0]?.fields.CommandLine).toBe('job0');
      expect(flushed.length).toBeLessThanOrEqual(1024);
      expect(new Set(events.map((event) => event.fields.CommandLine)).size).toBe(groups);
    });
  });

  describe('EXECVE arguments', () => {
    const execGroup = (id: string, execve: string[]): RecordInput[] =>
      inputsOf([SYSCALL_X86(id), ...execve.map((fields) => `type=EXECVE msg=audit(${id}): ${fields}`)]);

    it('honours argc: arguments beyond it are ignored', () => {
      const event = only(runBatch(execGroup('1.000:1', ['argc=2 a0="VBoxManage" a1="list" a2="injected"'])).events);
      expect(event.fields.Args).toEqual(['VBoxManage', 'list']);
      expect(event.fields.Partial).toBeUndefined();
    });

    it('reports arguments promised by argc but missing as a partial event', () => {
      const event = only(runBatch(execGroup('1.000:2', ['argc=4 a0="VBoxManage" a1="startvm" a3="headless"'])).events);
      expect(event.fields.Args).toEqual(['VBoxManage', 'startvm', 'headless']);
      expect(event.fields.Partial).toBe(true);
    });

    it('joins a long argument split into a1_len / a1[N] chunks, hex or quoted', () => {
      const long = `file=/tmp/.x/${'a'.repeat(40)} disk.qcow2`;
      const encoded = hex(long);
      const event = only(
        runBatch(
          execGroup('1.000:3', [
            `argc=3 a0="qemu-img" a1_len=${Buffer.byteLength(long)} a1[0]=${encoded.slice(0, 40)} a1[1]=${encoded.slice(40)} a2[0]="create"`,
          ]),
        ).events,
      );
      expect(event.fields.Args).toEqual(['qemu-img', long, 'create']);
      expect(event.fields.Partial).toBeUndefined();
    });

    it('joins chunks as bytes so a multi-byte character cut between chunks survives', () => {
      const encoded = hex('vm-ü');
      const event = only(
        runBatch(execGroup('1.000:4', [`argc=1 a0_len=5 a0[0]=${encoded.slice(0, 8)} a0[1]=${encoded.slice(8)}`]))
          .events,
      );
      expect(event.fields.Args).toEqual(['vm-ü']);
    });

    it('marks the event partial when a chunk of a split argument is lost', () => {
      const encoded = hex('abcdefgh');
      const event = only(
        runBatch(execGroup('1.000:5', [`argc=1 a0_len=8 a0[0]=${encoded.slice(0, 4)} a0[2]=${encoded.slice(8)}`]))
          .events,
      );
      expect(event.fields.Partial).toBe(true);
    });

    it('continues the argument list across several EXECVE records of one event', () => {
      const event = only(runBatch(execGroup('1.000:6', ['argc=3 a0="docker" a1="run"', 'a2="--privileged"'])).events);
      expect(event.fields.CommandLine).toBe('docker run --privileged');
    });

    it('keeps a malformed hex argument as written instead of guessing', () => {
      const event = only(runBatch(execGroup('1.000:7', ['argc=2 a0="sh" a1=ZZ12'])).events);
      expect(event.fields.Args).toEqual(['sh', 'ZZ12']);
    });

    it('does not walk a hostile argc: argc=4294967295 with two arguments is a partial event', () => {
      const event = only(runBatch(execGroup('1.000:8', ['argc=4294967295 a0="sh" a1="-c"'])).events);
      expect(event.fields.Args).toEqual(['sh', '-c']);
      expect(event.fields.Partial).toBe(true);
    });

    it('quotes arguments that contain spaces in the command line but not in Args', () => {
      const event = only(
        runBatch(execGroup('1.000:9', [`argc=3 a0="prlctl" a1="start" a2=${hex('Windows 11')}`])).events,
      );
      expect(event.fields.CommandLine).toBe('prlctl start "Windows 11"');
      expect(event.fields.Args).toEqual(['prlctl', 'start', 'Windows 11']);
    });

    it('leaves LoginUser absent for the unset audit user id 4294967295', () => {
      const event = only(
        runBatch(
          inputsOf([
            SYSCALL_X86('1.000:10').replace('auid=1000', 'auid=4294967295'),
            'type=EXECVE msg=audit(1.000:10): argc=1 a0="cron"',
          ]),
        ).events,
      );
      expect(event.fields.LoginUser).toBeUndefined();
      expect(event.fields.UserId).toBe('1000');
    });
  });

  describe('records that produce no event', () => {
    it('emits nothing, and no error, for non-execve syscalls, a failed execve and user-space records', () => {
      const { events, errors } = runBatch(inputsOf(fixtureLines('linux/auditd-negative.log'), STREAM));
      expect(errors).toEqual([]);
      expect(events).toEqual([]);
    });

    it('refuses every line of the hostile fixture with a typed, positioned error', () => {
      const inputs = inputsOf(fixtureLines('linux/auditd-hostile.log'));
      const { outcomes, flushed } = runBatch(inputs);
      outcomes.forEach((outcome, index) => {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
          expect(outcome.error.position).toEqual(inputs[index]!.position);
          expect(outcome.error.excerpt.length).toBeLessThanOrEqual(201);
        }
      });
      expect(flushed).toEqual([]);
    });

    it('accepts audit record types it does not use (USER_LOGIN) with no events', () => {
      const outcome = auditdParser
        .create()
        .parse(
          recordInput(
            `type=USER_LOGIN msg=audit(1764237900.103:9004): pid=812 uid=0 auid=1000 ses=4 msg='op=login id=1000 exe="/usr/sbin/sshd" res=success'`,
          ),
        );
      expect(outcome).toEqual({ ok: true, events: [] });
    });

    it('refuses a line that is not an audit record with a positioned invalid-record error', () => {
      const input = recordInput('Nov 27 10:00:00 host sshd[812]: Accepted publickey for dev', 7);
      const outcome = auditdParser.create().parse(input);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe('invalid-record');
        expect(outcome.error.format).toBe('auditd');
        expect(outcome.error.position).toEqual(input.position);
      }
    });

    it.each([
      ['a non-numeric timestamp', 'type=SYSCALL msg=audit(abc.123:1): arch=c000003e syscall=59'],
      ['a missing serial', 'type=SYSCALL msg=audit(1764237900.103): arch=c000003e syscall=59'],
      ['an unclosed id', 'type=SYSCALL msg=audit(1764237900.103:5 arch=c000003e syscall=59'],
    ])('refuses a malformed msg=audit(...) with %s', (_label, text) => {
      const outcome = auditdParser.create().parse(recordInput(text));
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('invalid-record');
    });

    it('refuses a record without msg= as missing-field', () => {
      const outcome = auditdParser.create().parse(recordInput('type=SYSCALL arch=c000003e syscall=59'));
      expect(outcome.ok ? 'ok' : outcome.error.code).toBe('missing-field');
    });
  });

  describe('sniff', () => {
    it('claims raw audit records, with or without node=', () => {
      const parser = auditdParser.create();
      for (const line of fixtureLines('linux/auditd-qemu-node.log')) expect(parser.sniff(recordInput(line))).toBe(true);
      expect(parser.sniff(recordInput(SYSCALL_X86('1.000:1')))).toBe(true);
    });

    it('does not claim syslog lines, JSON or Sysmon XML', () => {
      const parser = auditdParser.create();
      expect(parser.sniff(recordInput('Nov 27 10:00:00 host sshd[812]: Accepted publickey'))).toBe(false);
      expect(parser.sniff(recordInput('{"type":"SYSCALL","msg":"audit(1.0:1)"}'))).toBe(false);
      expect(parser.sniff(recordInput(fixtureLines('linux/sysmon-linux-virsh-bare.xml')[0]!))).toBe(false);
    });
  });

  describe('hostile input', () => {
    it('turns a syntactically valid but hostile group into one partial event without guessing values', () => {
      const { events, errors } = runBatch(inputsOf(fixtureLines('linux/auditd-hostile-group.log')));
      expect(errors).toEqual([]);
      const event = only(events);
      expect(event.fields.Partial).toBe(true);
      expect(event.fields.ProcessId).toBeUndefined();
      expect(event.fields.LoginUser).toBeUndefined();
      expect(Object.getPrototypeOf(event.raw!['SYSCALL'])).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(event.raw!['SYSCALL'], '__proto__')?.value).toBe('x');
    });

    it('keeps prototype keys as data and pollutes nothing', () => {
      const id = '1.000:66';
      const { events } = runBatch(
        inputsOf([
          SYSCALL_X86(id, ' __proto__=polluted constructor=x'),
          `type=EXECVE msg=audit(${id}): argc=1 a0="sh"`,
        ]),
      );
      const raw = only(events).raw as Record<string, Record<string, unknown>>;
      expect(Object.hasOwn(raw['SYSCALL']!, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.getPrototypeOf(raw['SYSCALL'])).toBe(Object.prototype);
    });

    it('parses a megabyte-long argument and an unterminated quote without failing the record', () => {
      const id = '1.000:67';
      const { events, errors } = runBatch(
        inputsOf([
          SYSCALL_X86(id),
          `type=EXECVE msg=audit(${id}): argc=3 a0="sh" a1=${'41'.repeat(500_000)} a2="unterminated`,
        ]),
      );
      expect(errors).toEqual([]);
      expect(only(events).fields.Args?.map((arg) => arg.length)).toEqual([2, 500_000, 12]);
    });

    const realLines = [
      ...fixtureLines('linux/auditd-qemu-node.log'),
      ...fixtureLines('linux/auditd-enriched-virsh.log'),
      ...fixtureLines('linux/auditd-interleaved.log'),
      ...fixtureLines('linux/auditd-device-watches.log'),
      ...fixtureLines('linux/auditd-file-watches.log'),
      ...fixtureLines('linux/auditd-module-loads.log'),
    ];

    function expectTyped(outcomes: readonly ParseOutcome[], inputs: readonly RecordInput[]): void {
      outcomes.forEach((outcome, index) => {
        if (outcome.ok) return;
        expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
        expect(outcome.error.format).toBe('auditd');
        expect(outcome.error.position).toEqual(inputs[index]?.position);
      });
    }

    it('never throws on arbitrary text; every outcome is ok or a typed, positioned error', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 8 }), (texts) => {
          const inputs = texts.map((text, index) => recordInput(text, index));
          const parser = auditdParser.create();
          expectTyped(
            inputs.map((input) => parser.parse(input)),
            inputs,
          );
          parser.flush?.();
        }),
      );
    });

    it('never throws on mutated real records (characters replaced, inserted, cut)', () => {
      const mutation = fc.record({
        at: fc.nat(),
        cut: fc.boolean(),
        insert: fc.string({ unit: 'binary', maxLength: 4 }),
      });
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.constantFrom(...realLines), fc.array(mutation, { maxLength: 4 })), { maxLength: 10 }),
          (cases) => {
            const texts = cases.map(([line, mutations]) =>
              mutations.reduce((text, { at, cut, insert }) => {
                const position = text.length === 0 ? 0 : at % text.length;
                return cut ? text.slice(0, position) : text.slice(0, position) + insert + text.slice(position + 1);
              }, line),
            );
            const inputs = texts.map((text, index) => recordInput(text, index));
            const parser = auditdParser.create();
            expectTyped(
              inputs.map((input) => parser.parse(input)),
              inputs,
            );
            for (const outcome of parser.flush?.() ?? []) expect(outcome.ok).toBe(true);
          },
        ),
      );
    });
  });
});
