import { join } from 'node:path';
import type { NormalizedEvent } from '../../lib/model';
import { loadRuleDirectory, RuleSet } from '../../lib/rules';
import { parseRecords } from '../../lib/sources/dispatch';
import { eventXml, sysmonXml } from '../support/windows-xml';

/**
 * The engine end to end on the new categories: rules written here in SigmaHQ conventions (taxonomy field names, one
 * per category or builtin-channel service) run on Event XML built to the Sysmon and Windows schemas, parsed by format
 * detection, matched by a RuleSet. Each rule fires on its positive event and stays silent on its near miss.
 */
const directory = loadRuleDirectory(join(__dirname, '..', 'fixtures', 'sigma', 'categories'));
const ruleSet = RuleSet.from(directory.rules);

function parsed(xml: string): NormalizedEvent {
  const batch = parseRecords([{ text: xml, json: undefined, position: { envelope: 'inline', index: 0 }, context: {} }]);
  expect(batch.errors).toEqual([]);
  expect(batch.events).toHaveLength(1);
  return batch.events[0] as NormalizedEvent;
}

function firing(xml: string): string[] {
  return ruleSet.match(parsed(xml)).map((detection) => detection.rule.title);
}

const VBOX_USER = 'C:\\Users\\Public\\vbox\\VBoxHeadless.exe';
const VBOX_INSTALLED = 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxHeadless.exe';
const security = (eventId: number, data: Record<string, string>) =>
  eventXml({ provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security', eventId, data });

/** [rule title, positive record, near-miss record]. */
const CASES: readonly [string, string, string][] = [
  [
    'VirtualBox Headless Outbound Connection From a User Path',
    sysmonXml(3, {
      Image: VBOX_USER,
      Protocol: 'tcp',
      Initiated: 'true',
      DestinationIp: '203.0.113.9',
      DestinationPort: '443',
    }),
    sysmonXml(3, {
      Image: VBOX_INSTALLED,
      Protocol: 'tcp',
      Initiated: 'true',
      DestinationIp: '203.0.113.9',
      DestinationPort: '443',
    }),
  ],
  [
    'VirtualBox Name Lookup From a User Path',
    sysmonXml(22, { Image: VBOX_USER, QueryName: 'download.virtualbox.org', QueryStatus: '0' }),
    sysmonXml(22, { Image: VBOX_INSTALLED, QueryName: 'download.virtualbox.org', QueryStatus: '0' }),
  ],
  [
    'VirtualBox Driver Loaded Outside Its Install Folder',
    sysmonXml(6, {
      ImageLoaded: 'C:\\Users\\Public\\vbox\\VBoxSup.sys',
      Signed: 'true',
      Signature: 'Oracle Corporation',
    }),
    sysmonXml(6, {
      ImageLoaded: 'C:\\Windows\\System32\\drivers\\VBoxSup.sys',
      Signed: 'true',
      Signature: 'Oracle Corporation',
    }),
  ],
  [
    'VirtualBox Runtime DLL Loaded From a User-Writable Folder',
    sysmonXml(7, { Image: VBOX_USER, ImageLoaded: 'C:\\Users\\Public\\vbox\\rt.dll', OriginalFileName: 'VBoxRT.dll' }),
    sysmonXml(7, {
      Image: VBOX_INSTALLED,
      ImageLoaded: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxRT.dll',
      OriginalFileName: 'VBoxRT.dll',
    }),
  ],
  [
    'VM Disk Written to a Temp Folder',
    sysmonXml(11, {
      Image: 'C:\\Windows\\System32\\curl.exe',
      TargetFilename: 'C:\\Users\\j.doe\\AppData\\Local\\Temp\\w7.vdi',
    }),
    sysmonXml(11, { Image: 'C:\\Windows\\System32\\curl.exe', TargetFilename: 'D:\\VMs\\w7.vdi' }),
  ],
  [
    'VM Disk Deleted by a Command Shell',
    sysmonXml(26, {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      TargetFilename: 'C:\\VMs\\box.vhdx',
      IsExecutable: 'false',
    }),
    sysmonXml(26, { Image: 'C:\\Windows\\explorer.exe', TargetFilename: 'C:\\VMs\\box.vhdx', IsExecutable: 'false' }),
  ],
  [
    'Service ImagePath Set to a User Folder',
    sysmonXml(13, {
      EventType: 'SetValue',
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv\\ImagePath',
      Details: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
    }),
    sysmonXml(13, {
      EventType: 'SetValue',
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv\\ImagePath',
      Details: '\\SystemRoot\\system32\\DRIVERS\\VBoxDrv.sys',
    }),
  ],
  [
    'VirtualBox Driver Service Key Touched',
    sysmonXml(12, {
      EventType: 'CreateKey',
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv',
    }),
    sysmonXml(12, {
      EventType: 'CreateKey',
      Image: 'C:\\Windows\\System32\\msiexec.exe',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv',
    }),
  ],
  [
    'Process Opened LSASS With Full Access',
    sysmonXml(10, {
      SourceImage: 'C:\\Temp\\dump.exe',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      GrantedAccess: '0x1fffff',
    }),
    sysmonXml(10, {
      SourceImage: 'C:\\Temp\\dump.exe',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      GrantedAccess: '0x1000',
    }),
  ],
  [
    'VirtualBox Tray Pipe Created',
    sysmonXml(17, { EventType: 'CreatePipe', Image: VBOX_USER, PipeName: '\\VBoxTrayIPC-j.doe' }),
    sysmonXml(18, { EventType: 'ConnectPipe', Image: VBOX_USER, PipeName: '\\VBoxTrayIPC-j.doe' }),
  ],
  [
    'Remote Thread Started From a Temp Binary',
    sysmonXml(8, {
      SourceImage: 'C:\\Temp\\inj.exe',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      StartAddress: '0x00007FF6A1B21000',
    }),
    sysmonXml(8, {
      SourceImage: 'C:\\Windows\\System32\\csrss.exe',
      TargetImage: 'C:\\Windows\\System32\\lsass.exe',
      StartAddress: '0x00007FF6A1B21000',
    }),
  ],
  [
    'Hyper-V VM Created in a PowerShell Pipeline',
    eventXml({
      provider: 'Microsoft-Windows-PowerShell',
      channel: 'Microsoft-Windows-PowerShell/Operational',
      eventId: 4103,
      data: { ContextInfo: 'Command Name = New-VM', UserData: '', Payload: 'CommandInvocation(New-VM): "New-VM"' },
    }),
    eventXml({
      provider: 'Microsoft-Windows-PowerShell',
      channel: 'Microsoft-Windows-PowerShell/Operational',
      eventId: 4103,
      data: {
        ContextInfo: 'Command Name = New-VMSwitch',
        UserData: '',
        Payload: 'CommandInvocation(New-VMSwitch): "New-VMSwitch"',
      },
    }),
  ],
  [
    'Remote Interactive Logon From a Documentation Network',
    security(4624, { TargetUserName: 'j.doe', LogonType: '10', IpAddress: '198.51.100.7' }),
    security(4624, { TargetUserName: 'j.doe', LogonType: '10', IpAddress: '192.0.2.7' }),
  ],
  [
    'An Event Log Was Cleared (System 104)',
    eventXml({
      provider: 'Microsoft-Windows-Eventlog',
      channel: 'System',
      eventId: 104,
      userData:
        '<LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>j.doe</SubjectUserName><SubjectDomainName>CORP</SubjectDomainName><Channel>Security</Channel><BackupPath></BackupPath></LogFileCleared>',
    }),
    eventXml({
      provider: 'Microsoft-Windows-Eventlog',
      channel: 'Application',
      eventId: 104,
      userData:
        '<LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>j.doe</SubjectUserName><Channel>Security</Channel></LogFileCleared>',
    }),
  ],
];

describe('SigmaHQ-convention rules per category, end to end on Sysmon and Windows Event XML', () => {
  it('loads every rule (one per category and service) without an error', () => {
    expect(directory.errors).toEqual([]);
    expect(directory.rules.map((rule) => rule.metadata.title).sort()).toEqual(CASES.map(([title]) => title).sort());
  });

  it.each(CASES)('%s: fires on its positive event, and only that rule', (title, positive) => {
    expect(firing(positive)).toEqual([title]);
  });

  it.each(CASES)('%s: stays silent on its near miss', (_title, _positive, nearMiss) => {
    expect(firing(nearMiss)).toEqual([]);
  });

  it('routes by Sigma family and category: a registry_event rule sees a Sysmon 14 rename too; a file event is never a registry_set', () => {
    const key = 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDrv';
    const renamed = sysmonXml(14, {
      EventType: 'RenameKey',
      Image: 'C:\\x.exe',
      TargetObject: key,
      NewName: `${key}2`,
    });
    expect(firing(renamed)).toEqual(['VirtualBox Driver Service Key Touched']);
    // The same ImagePath value in a file path (file_event) is not a registry_set.
    const file = sysmonXml(11, {
      Image: 'C:\\Windows\\System32\\sc.exe',
      TargetFilename: 'C:\\Users\\Public\\vbox\\ImagePath',
    });
    expect(firing(file)).toEqual([]);
  });

  it('drops, before matching, events whose category and channel no rule here uses', () => {
    expect(ruleSet.couldSee(parsed(sysmonXml(5, { Image: VBOX_USER })))).toBe(false);
    expect(ruleSet.couldSee(parsed(security(4634, { TargetUserName: 'j.doe' })))).toBe(true);
    const setup = eventXml({
      provider: 'Microsoft-Windows-Servicing',
      channel: 'Setup',
      eventId: 9,
      userData: '<CbsUpdateChangeState><UpdateName>VirtualMachinePlatform</UpdateName></CbsUpdateChangeState>',
    });
    expect(ruleSet.couldSee(parsed(setup))).toBe(false);
  });
});
