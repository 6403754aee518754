import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { syscallNumberOf } from '../../lib/sources/linux/audit-syscalls';
import { inputsOf, runAuditBatch } from '../sources/linux/record-input';
import { parseAuditRules, type SyscallRule, type WatchRule } from './auditctl-rules';

// The auditd rules we ship (config/auditd/vmsentry.rules) must load, and every event they make the kernel write
// must come out of the auditd parser as the event, with the key, that the docs and the rules pack rely on.

const ROOT = join(__dirname, '../..');
const SHIPPED = readFileSync(join(ROOT, 'config/auditd/vmsentry.rules'), 'utf8');
const ARCHES: Readonly<Record<string, readonly string[]>> = {
  b64: ['c000003e', 'c00000b7'], // x86_64, aarch64
  b32: ['40000003', '40000028'], // i386, arm
};

function shippedRules() {
  const result = parseAuditRules(SHIPPED);
  if (!result.ok) throw new Error(`line ${result.line}: ${result.reason}`);
  return result.rules;
}
const watches = () => shippedRules().filter((rule): rule is WatchRule => rule.kind === 'watch');
const syscallRules = () => shippedRules().filter((rule): rule is SyscallRule => rule.kind === 'syscall');

describe('the auditctl rule reader refuses what auditctl refuses', () => {
  it.each([
    ['an unknown option', '-x /dev/kvm', 'unknown option -x'],
    ['a relative watch path', '-w dev/kvm -p r -k k', 'a watch needs an absolute path'],
    ['bad watch permissions', '-w /dev/kvm -p rq -k k', 'bad watch permissions rq'],
    ['-S before -F arch', '-a always,exit -S finit_module -F arch=b64 -k k', '-F arch= must come before -S'],
    ['a list without an action', '-a exit -F arch=b64 -S execve', '-a needs LIST,ACTION, got exit'],
    ['a syscall option on a watch', '-w /dev/kvm -S openat', '-S cannot be used with -w'],
    ['an exit rule matching nothing', '-a always,exit -F arch=b64 -k k', 'an exit rule needs -S or a path/dir field'],
  ])('refuses %s', (_label, line, reason) => {
    expect(parseAuditRules(`# comment\n${line}\n`)).toEqual({ ok: false, line: 2, reason });
  });
});

describe('config/auditd/vmsentry.rules', () => {
  it('parses: every line is a watch, a syscall rule or a comment', () => {
    expect(shippedRules().length).toBeGreaterThan(0);
    expect(shippedRules().every((rule) => rule.kind !== 'control')).toBe(true);
  });

  it('watches every hypervisor device the issue names, for reads (opens) too, each with one vmsentry key', () => {
    const byPath = new Map(watches().map((rule) => [rule.path, rule]));
    for (const device of ['/dev/kvm', '/dev/vboxdrv', '/dev/vboxdrvu', '/dev/vhost-net', '/dev/net/tun']) {
      expect(byPath.get(device)?.perms).toContain('r');
    }
    for (const rule of watches()) expect(rule.keys).toEqual([expect.stringMatching(/^vmsentry_[a-z]+$/)]);
    expect(byPath.get('/dev/kvm')?.keys).toEqual(['vmsentry_kvm']);
  });

  it('names only syscalls the parser can name on every arch the rule covers (so the event gets its FileOperation)', () => {
    for (const rule of syscallRules()) {
      const arch = rule.fields.find((field) => field.name === 'arch')?.value ?? '';
      expect(Object.keys(ARCHES)).toContain(arch);
      for (const name of rule.syscalls) {
        for (const auditArch of ARCHES[arch] ?? [])
          expect([name, auditArch, syscallNumberOf(auditArch, name)]).toEqual([name, auditArch, expect.any(Number)]);
      }
    }
    const loads = syscallRules().filter((rule) => rule.syscalls.includes('finit_module'));
    expect(loads.map((rule) => [rule.syscalls, rule.keys])).toEqual([
      [['init_module', 'finit_module'], ['vmsentry_modules']],
      [['init_module', 'finit_module'], ['vmsentry_modules']],
    ]);
  });

  it('turns the open each watch reports into file_access with the watched path and the watch key', () => {
    watches().forEach((rule, index) => {
      const id = `1764250000.000:${index + 1}`;
      const { events, errors } = runAuditBatch(
        inputsOf([
          `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd a2=2 a3=0 items=1 ppid=1 pid=4242 auid=1000 uid=1000 gid=1000 euid=1000 comm="probe" exe="/tmp/probe" key="${rule.keys[0]}"`,
          `type=PATH msg=audit(${id}): item=0 name="${rule.path}" inode=9 dev=00:05 mode=020660 ouid=0 ogid=0 rdev=0a:01 nametype=NORMAL`,
          `type=PROCTITLE msg=audit(${id}): proctitle="probe"`,
        ]),
      );
      expect(errors).toEqual([]);
      expect(events.map((event) => [event.category, event.fields.TargetFilename, event.fields.AuditKey])).toEqual([
        ['file_access', rule.path, rule.keys[0]],
      ]);
    });
  });

  it('turns each syscall rule into the event its comment promises, keyed as the rule says', () => {
    const expected: Record<string, string> = {
      execve: 'process_creation',
      execveat: 'process_creation',
      init_module: 'driver_load',
      finit_module: 'driver_load',
    };
    for (const rule of syscallRules()) {
      const arch = rule.fields.find((field) => field.name === 'arch')?.value ?? '';
      for (const name of rule.syscalls) {
        const auditArch = ARCHES[arch]?.[0] ?? '';
        const id = `1764250001.000:${syscallNumberOf(auditArch, name)}`;
        const { events } = runAuditBatch(
          inputsOf([
            `type=SYSCALL msg=audit(${id}): arch=${auditArch} syscall=${syscallNumberOf(auditArch, name)} success=yes exit=0 a0=3 a1=0 a2=0 a3=0 items=0 ppid=1 pid=77 auid=1000 uid=0 gid=0 euid=0 comm="x" exe="/usr/bin/kmod" key="${rule.keys[0]}"`,
            ...(name.startsWith('exec') ? [`type=EXECVE msg=audit(${id}): argc=1 a0="x"`] : []),
            `type=KERN_MODULE msg=audit(${id}): name="vboxdrv"`,
            `type=PROCTITLE msg=audit(${id}): proctitle="x"`,
          ]),
        );
        expect([name, events.map((event) => event.category)]).toEqual([name, [expected[name]]]);
        if (expected[name] === 'driver_load') expect(events[0]?.fields.AuditKey).toBe(rule.keys[0]);
      }
    }
  });

  it('sets every AuditKey a rule in rules/ matches on (a rule keyed on an unshipped key could never fire)', () => {
    const shippedKeys = new Set(shippedRules().flatMap((rule) => ('keys' in rule ? rule.keys : [])));
    for (const key of auditKeysInRules(join(ROOT, 'rules'))) expect([key, shippedKeys.has(key)]).toEqual([key, true]);
  });
});

/** Values rules/ match AuditKey against (any modifier), from every detection selection. */
function auditKeysInRules(dir: string): string[] {
  const keys: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      for (const [field, inner] of Object.entries(value)) {
        if (field.split('|')[0] === 'AuditKey')
          keys.push(...[inner].flat().filter((v): v is string => typeof v === 'string'));
        else visit(inner);
      }
    }
  };
  for (const file of walk(dir)) {
    if (!file.endsWith('.yml') || file.endsWith('.samples.yml')) continue;
    for (const document of readFileSync(file, 'utf8').split(/^---$/m))
      visit((parseYaml(document) as Record<string, unknown> | null)?.['detection']);
  }
  return keys;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
