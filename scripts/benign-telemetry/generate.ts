/**
 * Benign telemetry for local mode, written here (no public corpus is copied into the repository): typical
 * administrator and developer activity in the shapes real shippers produce.
 *
 *   npx tsx scripts/benign-telemetry/generate.ts          rewrite samples/ in place
 *   npx tsx scripts/benign-telemetry/generate.ts --check  exit 1 when samples/ differs from a fresh run
 *
 * In samples/windows-*.jsonl and samples/linux-sysmon.jsonl every JSON line is generated benign telemetry; the
 * Event XML lines are the authored attack scenarios and stay where they are. The generator is seeded: the same
 * code writes the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  LINUX_HOSTS,
  LINUX_PROCESSES,
  personal,
  SCRIPT_BLOCKS,
  WINDOWS_HOSTS,
  WINDOWS_PROCESSES,
  type WindowsHost,
  type WindowsProcess,
} from './activity';
import { hashesOf, SeededRandom } from './random';
import { render, type WindowsEventSpec, type WindowsShape } from './shapes';

const START_MS = Date.UTC(2026, 10, 30, 7, 45, 0);

const SYSMON = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}' };
const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' };
const POWERSHELL = { provider: 'Microsoft-Windows-PowerShell', guid: '{a0c1853b-5c40-4b15-8766-3cf1c58f985a}' };

function userOf(process: WindowsProcess, host: WindowsHost): string {
  switch (process.who) {
    case 'user':
      return `${host.domain}\\${host.user}`;
    case 'network':
      return 'NT AUTHORITY\\NETWORK SERVICE';
    case 'local':
      return 'NT AUTHORITY\\LOCAL SERVICE';
    default:
      return 'NT AUTHORITY\\SYSTEM';
  }
}

function sysmonUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

/**
 * `count` shapes in the given shares (plain NXLog takes the rest), shuffled deterministically over the lines: the mix
 * a fleet with several generations of shippers sends.
 */
function shapes(
  random: SeededRandom,
  count: number,
  shares: Readonly<Partial<Record<Exclude<WindowsShape, 'nxlog'>, number>>>,
): WindowsShape[] {
  const out: WindowsShape[] = [];
  for (const [shape, share] of Object.entries(shares) as [WindowsShape, number][]) {
    const n = Math.min(count - out.length, Math.round(count * share));
    for (let i = 0; i < n; i++) out.push(shape);
  }
  while (out.length < count) out.push('nxlog');
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j] as WindowsShape, out[i] as WindowsShape];
  }
  return out;
}

class Clock {
  private ms = START_MS;
  constructor(private readonly random: SeededRandom) {}
  tick(): number {
    this.ms += this.random.int(2_000, 90_000);
    return this.ms;
  }
}

export function sysmonProcessEvents(count: number, random: SeededRandom): Record<string, unknown>[] {
  const clock = new Clock(random);
  const order = shapes(random, count, { 'nxlog-logstash': 0.17, winlogbeat: 0.04, 'nxlog-no-timestamp': 0.02 });
  return order.map((shape, i) => {
    const host = random.pick(WINDOWS_HOSTS);
    const process = random.pick(WINDOWS_PROCESSES);
    const timeMs = clock.tick();
    const processId = random.int(900, 14_000);
    const parentProcessId = random.int(500, 9_000);
    const data: [string, string][] = [
      ['RuleName', '-'],
      ['UtcTime', sysmonUtc(timeMs - 5)],
      ['ProcessGuid', random.guid()],
      ['ProcessId', String(processId)],
      ['Image', personal(process.image, host)],
      ['FileVersion', process.fileVersion],
      ['Description', process.description],
      ['Product', process.product],
      ['Company', process.company],
      ['OriginalFileName', process.originalFileName],
      ['CommandLine', personal(process.commandLine, host)],
      ['CurrentDirectory', personal(process.currentDirectory, host)],
      ['User', userOf(process, host)],
      ['LogonGuid', random.guid()],
      ['LogonId', `0x${random.hex(5)}`],
      ['TerminalSessionId', process.who === 'user' ? '1' : '0'],
      ['IntegrityLevel', process.integrity],
      ['Hashes', hashesOf(process.image)],
      ['ParentProcessGuid', random.guid()],
      ['ParentProcessId', String(parentProcessId)],
      ['ParentImage', personal(process.parentImage, host)],
      ['ParentCommandLine', personal(process.parentCommandLine, host)],
      ['ParentUser', userOf(process, host)],
    ];
    const message = `Process Create:\r\n${data.map(([name, value]) => `${name}: ${value}`).join('\r\n')}`;
    const spec: WindowsEventSpec = {
      provider: SYSMON.provider,
      providerGuid: SYSMON.guid,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      eventId: 1,
      task: 1,
      level: 4,
      keywords: '0x8000000000000000',
      computer: host.name,
      timeMs,
      recordNumber: 481_200 + i,
      message,
      data,
    };
    return render(spec, shape);
  });
}

const INTEGRITY_SID = { Medium: 'S-1-16-8192', High: 'S-1-16-12288', System: 'S-1-16-16384' } as const;

export function security4688Events(count: number, random: SeededRandom): Record<string, unknown>[] {
  const clock = new Clock(random);
  const order = shapes(random, count, { 'nxlog-logstash': 0.11, winlogbeat: 0.075, 'nxlog-no-timestamp': 0.025 });
  return order.map((shape, i) => {
    const host = random.pick(WINDOWS_HOSTS);
    const process = random.pick(WINDOWS_PROCESSES);
    const system = process.who !== 'user';
    const machine = `${host.name.split('.')[0]}$`;
    const data: [string, string][] = [
      ['SubjectUserSid', system ? 'S-1-5-18' : `S-1-5-21-3623811015-3361044348-30300820-${random.int(1100, 1900)}`],
      ['SubjectUserName', system ? machine : host.user],
      ['SubjectDomainName', host.domain],
      ['SubjectLogonId', system ? '0x3e7' : `0x${random.hex(5)}`],
      ['NewProcessId', `0x${random.int(900, 14_000).toString(16)}`],
      ['NewProcessName', personal(process.image, host)],
      ['TokenElevationType', system ? '%%1936' : '%%1938'],
      ['ProcessId', `0x${random.int(500, 9_000).toString(16)}`],
      ['CommandLine', personal(process.commandLine, host)],
      ['TargetUserSid', 'S-1-0-0'],
      ['TargetUserName', '-'],
      ['TargetDomainName', '-'],
      ['TargetLogonId', '0x0'],
      ['ParentProcessName', personal(process.parentImage, host)],
      ['MandatoryLabel', INTEGRITY_SID[process.integrity]],
    ];
    const value = (name: string) => data.find(([key]) => key === name)?.[1] ?? '-';
    const message = [
      'A new process has been created.',
      '',
      'Creator Subject:',
      `\tSecurity ID:\t\t${value('SubjectUserSid')}`,
      `\tAccount Name:\t\t${value('SubjectUserName')}`,
      `\tAccount Domain:\t\t${host.domain}`,
      `\tLogon ID:\t\t${value('SubjectLogonId')}`,
      '',
      'Process Information:',
      `\tNew Process ID:\t\t${value('NewProcessId')}`,
      `\tNew Process Name:\t${value('NewProcessName')}`,
      `\tCreator Process ID:\t${value('ProcessId')}`,
      `\tCreator Process Name:\t${value('ParentProcessName')}`,
      `\tProcess Command Line:\t${value('CommandLine')}`,
    ].join('\r\n');
    return render(
      {
        provider: SECURITY.provider,
        providerGuid: SECURITY.guid,
        channel: 'Security',
        eventId: 4688,
        task: 13312,
        level: 0,
        keywords: '0x8020000000000000',
        computer: host.name,
        timeMs: clock.tick(),
        recordNumber: 1_204_000 + i,
        message,
        data,
      },
      shape,
    );
  });
}

export function powershell4104Events(count: number, random: SeededRandom): Record<string, unknown>[] {
  const clock = new Clock(random);
  const order = shapes(random, count, { 'nxlog-logstash': 0.35 });
  return order.map((shape, i) => {
    const host = random.pick(WINDOWS_HOSTS);
    const block = random.pick(SCRIPT_BLOCKS);
    const id = random.uuid();
    const path = block.path ?? '';
    const data: [string, string][] = [
      ['MessageNumber', '1'],
      ['MessageTotal', '1'],
      ['ScriptBlockText', block.text],
      ['ScriptBlockId', id],
      ['Path', path],
    ];
    return render(
      {
        provider: POWERSHELL.provider,
        providerGuid: POWERSHELL.guid,
        channel: 'Microsoft-Windows-PowerShell/Operational',
        eventId: 4104,
        task: 2,
        level: 5,
        keywords: '0x0',
        computer: host.name,
        timeMs: clock.tick(),
        recordNumber: 88_100 + i,
        message: `Creating Scriptblock text (1 of 1):\r\n${block.text}\r\n\r\nScriptBlock ID: ${id}\r\nPath: ${path}`,
        data,
      },
      shape,
    );
  });
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Sysmon for Linux process creation as Azure Log Analytics Syslog rows (the OMS agent's shape). */
export function linuxSysmonEvents(count: number, random: SeededRandom): Record<string, unknown>[] {
  const clock = new Clock(random);
  return Array.from({ length: count }, (_, i) => {
    const host = random.pick(LINUX_HOSTS);
    const process = random.pick(LINUX_PROCESSES);
    const timeMs = clock.tick();
    const iso = new Date(timeMs).toISOString();
    const data: [string, string][] = [
      ['RuleName', '-'],
      ['UtcTime', sysmonUtc(timeMs - 3)],
      ['ProcessGuid', random.guid()],
      ['ProcessId', String(random.int(1000, 60_000))],
      ['Image', process.image],
      ['FileVersion', '-'],
      ['Description', '-'],
      ['Product', '-'],
      ['Company', '-'],
      ['OriginalFileName', '-'],
      ['CommandLine', process.commandLine],
      ['CurrentDirectory', process.currentDirectory],
      ['User', process.user],
      ['LogonGuid', random.guid()],
      ['LogonId', String(random.int(0, 1200))],
      ['TerminalSessionId', '4294967295'],
      ['IntegrityLevel', 'no level'],
      ['Hashes', '-'],
      ['ParentProcessGuid', random.guid()],
      ['ParentProcessId', String(random.int(1, 9000))],
      ['ParentImage', process.parentImage],
      ['ParentCommandLine', process.parentCommandLine],
      ['ParentUser', process.user],
    ];
    const xml =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/>' +
      '<EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode>' +
      `<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="${iso.replace('Z', '000Z')}"/>` +
      `<EventRecordID>${310_000 + i}</EventRecordID><Correlation/><Execution ProcessID="812" ThreadID="812"/>` +
      `<Channel>Linux-Sysmon/Operational</Channel><Computer>${host}</Computer><Security UserId="0"/></System>` +
      `<EventData>${data.map(([name, value]) => `<Data Name="${name}">${xmlEscape(value)}</Data>`).join('')}</EventData></Event>`;
    return {
      TenantId: '00000000-0000-0000-0000-000000000000',
      SourceSystem: 'Linux',
      TimeGenerated: iso,
      Computer: host,
      EventTime: `${iso.slice(0, 19)}Z`,
      Facility: 'user',
      HostName: host,
      SeverityLevel: 'info',
      SyslogMessage: xml,
      ProcessName: 'sysmon',
      Type: 'Syslog',
    };
  });
}

type Generator = (count: number, random: SeededRandom) => Record<string, unknown>[];

/** Which sample file gets which telemetry, and the seed that makes it reproducible. */
export const SAMPLE_FILES: readonly { readonly file: string; readonly seed: number; readonly generate: Generator }[] = [
  { file: 'windows-sysmon.jsonl', seed: 0x5e11, generate: sysmonProcessEvents },
  { file: 'windows-security.jsonl', seed: 0x4688, generate: security4688Events },
  { file: 'windows-powershell.jsonl', seed: 0x4104, generate: powershell4104Events },
  { file: 'linux-sysmon.jsonl', seed: 0x1105, generate: linuxSysmonEvents },
];

/** The file with every JSON line replaced by generated telemetry; scenario lines (Event XML) kept in place. */
export function regenerate(current: string, seed: number, generate: Generator): string {
  const lines = current.split('\n');
  const trailing = lines.at(-1) === '' ? lines.pop() : undefined;
  const slots = lines.filter((line) => line.trimStart().startsWith('{')).length;
  const benign = generate(slots, new SeededRandom(seed));
  let next = 0;
  const out = lines.map((line) => (line.trimStart().startsWith('{') ? JSON.stringify(benign[next++]) : line));
  return out.join('\n') + (trailing === undefined ? '' : '\n');
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const dir = resolve(__dirname, '..', '..', 'samples');
  let stale = 0;
  for (const { file, seed, generate } of SAMPLE_FILES) {
    const path = join(dir, file);
    const current = readFileSync(path, 'utf8');
    const fresh = regenerate(current, seed, generate);
    if (fresh === current) continue;
    if (check) {
      process.stderr.write(
        `samples/${file} differs from the generator's output: run scripts/benign-telemetry/generate.ts\n`,
      );
      stale++;
    } else {
      writeFileSync(path, fresh);
      process.stdout.write(`rewrote samples/${file}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
