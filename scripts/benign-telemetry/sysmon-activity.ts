/**
 * Benign Sysmon activity beyond process launches, the telemetry the breadth rules read: network connections (3),
 * image loads (7), file creations (11), registry value sets (13) and DNS queries (22) of properly installed software
 * on the same made-up fleet as generate.ts. Used by the bench's mixed-telemetry row and by the pack's silence test.
 */
import { personal, WINDOWS_HOSTS, type WindowsHost } from './activity';
import { hashesOf, type SeededRandom } from './random';
import { render, type WindowsShape } from './shapes';

const SYSMON = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}' };
const START_MS = Date.UTC(2026, 10, 30, 9, 0, 0);

const EDGE = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
const TEAMS = 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe';
const SVCHOST = 'C:\\Windows\\System32\\svchost.exe';
const EXPLORER = 'C:\\Windows\\explorer.exe';
const OUTLOOK = 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE';
const CODE = 'C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe';

type Data = [string, string][];
type Builder = (
  host: WindowsHost,
  random: SeededRandom,
  utc: string,
) => { id: number; task: number; label: string; data: Data };

const DESTINATIONS: readonly [string, string, string][] = [
  [EDGE, '13.107.42.14', 'edge.microsoft.com'],
  [TEAMS, '52.113.194.132', 'teams.microsoft.com'],
  [SVCHOST, '20.190.151.7', 'login.microsoftonline.com'],
  [OUTLOOK, '52.97.146.162', 'outlook.office365.com'],
  [CODE, '140.82.112.21', 'api.github.com'],
];

const DLLS: readonly [string, string, string][] = [
  [EDGE, 'C:\\Windows\\System32\\cryptbase.dll', 'Base cryptographic API DLL'],
  [EXPLORER, 'C:\\Windows\\System32\\windows.storage.dll', 'Microsoft WinRT Storage API'],
  [OUTLOOK, 'C:\\Windows\\System32\\mswsock.dll', 'Microsoft Windows Sockets 2.0 Service Provider'],
  [SVCHOST, 'C:\\Windows\\System32\\wuapi.dll', 'Windows Update Client API'],
];

const FILES: readonly [string, string][] = [
  [EDGE, 'C:\\Users\\{user}\\Downloads\\Q4-report.pdf'],
  [OUTLOOK, 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\invite.ics'],
  [CODE, 'C:\\src\\billing-api\\obj\\Release\\net8.0\\Billing.dll'],
  [EXPLORER, 'C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\Windows\\Recent\\meeting-notes.lnk'],
  [EDGE, 'C:\\Users\\{user}\\Downloads\\ubuntu-24.04.1-desktop-amd64.iso'],
];

const REGISTRY: readonly [string, string, string][] = [
  [
    EXPLORER,
    'HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\MRUListEx',
    'Binary Data',
  ],
  [
    OUTLOOK,
    'HKU\\{sid}\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\LastChange',
    'DWORD (0x00000001)',
  ],
  [
    SVCHOST,
    'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\LastOnlineScanTimeForAppCategory',
    'QWORD (0x01db42c1-0x9a7e5f00)',
  ],
];

/** The values every Sysmon event of a process starts with. */
function processHead(utc: string, random: SeededRandom): Data {
  return [
    ['RuleName', '-'],
    ['UtcTime', utc],
    ['ProcessGuid', random.guid()],
    ['ProcessId', String(random.int(900, 14_000))],
  ];
}

const BUILDERS: readonly Builder[] = [
  (host, random, utc) => {
    const [image, ip, name] = random.pick(DESTINATIONS);
    return {
      id: 3,
      task: 3,
      label: 'Network connection detected',
      data: [
        ...processHead(utc, random),
        ['Image', personal(image, host)],
        ['User', `${host.domain}\\${host.user}`],
        ['Protocol', 'tcp'],
        ['Initiated', 'true'],
        ['SourceIsIpv6', 'false'],
        ['SourceIp', `10.20.${random.int(1, 30)}.${random.int(2, 250)}`],
        ['SourceHostname', host.name],
        ['SourcePort', String(random.int(49_152, 65_000))],
        ['SourcePortName', '-'],
        ['DestinationIsIpv6', 'false'],
        ['DestinationIp', ip],
        ['DestinationHostname', name],
        ['DestinationPort', '443'],
        ['DestinationPortName', 'https'],
      ],
    };
  },
  (host, random, utc) => {
    const [image, dll, description] = random.pick(DLLS);
    return {
      id: 7,
      task: 7,
      label: 'Image loaded',
      data: [
        ...processHead(utc, random),
        ['Image', personal(image, host)],
        ['ImageLoaded', dll],
        ['FileVersion', '10.0.20348.2849 (WinBuild.160101.0800)'],
        ['Description', description],
        ['Product', 'Microsoft® Windows® Operating System'],
        ['Company', 'Microsoft Corporation'],
        ['OriginalFileName', dll.split('\\').pop() ?? dll],
        ['Hashes', hashesOf(dll)],
        ['Signed', 'true'],
        ['Signature', 'Microsoft Windows'],
        ['SignatureStatus', 'Valid'],
        ['User', `${host.domain}\\${host.user}`],
      ],
    };
  },
  (host, random, utc) => {
    const [image, file] = random.pick(FILES);
    return {
      id: 11,
      task: 11,
      label: 'File created',
      data: [
        ...processHead(utc, random),
        ['Image', personal(image, host)],
        ['TargetFilename', personal(file, host)],
        ['CreationUtcTime', utc],
        ['User', `${host.domain}\\${host.user}`],
      ],
    };
  },
  (host, random, utc) => {
    const [image, key, details] = random.pick(REGISTRY);
    return {
      id: 13,
      task: 13,
      label: 'Registry value set',
      data: [
        ['RuleName', '-'],
        ['EventType', 'SetValue'],
        ['UtcTime', utc],
        ['ProcessGuid', random.guid()],
        ['ProcessId', String(random.int(900, 14_000))],
        ['Image', personal(image, host)],
        ['TargetObject', key.replace('{sid}', 'S-1-5-21-3623811015-3361044348-30300820-1107')],
        ['Details', details],
        ['User', `${host.domain}\\${host.user}`],
      ],
    };
  },
  (host, random, utc) => {
    const [image, ip, name] = random.pick(DESTINATIONS);
    return {
      id: 22,
      task: 22,
      label: 'Dns query',
      data: [
        ...processHead(utc, random),
        ['QueryName', name],
        ['QueryStatus', '0'],
        ['QueryResults', `type:  5 ${name}.edgekey.net;::ffff:${ip};`],
        ['Image', personal(image, host)],
        ['User', `${host.domain}\\${host.user}`],
      ],
    };
  },
];

/** `count` Sysmon 3/7/11/13/22 events in NXLog's shape (and a few through Logstash), round-robin over the kinds. */
export function sysmonActivityEvents(count: number, random: SeededRandom): Record<string, unknown>[] {
  let ms = START_MS;
  return Array.from({ length: count }, (_, i) => {
    ms += random.int(200, 20_000);
    const host = random.pick(WINDOWS_HOSTS);
    const utc = new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
    const builder = BUILDERS[i % BUILDERS.length] as Builder;
    const { id, task, label, data } = builder(host, random, utc);
    const shape: WindowsShape = i % 7 === 6 ? 'nxlog-logstash' : 'nxlog';
    return render(
      {
        provider: SYSMON.provider,
        providerGuid: SYSMON.guid,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        eventId: id,
        task,
        level: 4,
        keywords: '0x8000000000000000',
        computer: host.name,
        timeMs: ms,
        recordNumber: 520_000 + i,
        message: `${label}:\r\n${data.map(([name, value]) => `${name}: ${value}`).join('\r\n')}`,
        data,
      },
      shape,
    );
  });
}
