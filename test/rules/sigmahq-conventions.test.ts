/**
 * Rules written here in SigmaHQ's conventions (their metadata habits, their Windows service names, their `expand`
 * placeholders) load unchanged, and do what they say on events built to the Sysmon and Windows schemas.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fitsRoute, loadRuleDirectory, RuleSet, routeOf } from '../../lib/rules';
import { compileOne, loadErrorOf, makeEvent } from './helpers';

const HEAD = `title: Sample Rule In SigmaHQ Style
id: 5d0c2c8e-2f7b-4c1e-9a51-0b6f3e2d7a10
status: test
description: Written for this test in SigmaHQ's layout.
author: vmsentry tests
date: 2026-12-03
tags:
    - attack.defense-evasion
    - attack.t1562.001
`;

describe('SigmaHQ conventions', () => {
  it("loads a rule whose related type is outside Sigma's list, keeping it and warning", () => {
    const rule = compileOne(`${HEAD}related:
    - id: 0f0c2c8e-2f7b-4c1e-9a51-0b6f3e2d7a11
      type: obsoletes
logsource:
    category: file_event
    product: windows
detection:
    selection:
        TargetFilename|endswith: '.kirbi'
    condition: selection
level: high
`);
    expect(rule.related).toEqual([{ id: '0f0c2c8e-2f7b-4c1e-9a51-0b6f3e2d7a11', type: 'obsoletes' }]);
    expect(rule.warnings).toEqual([expect.stringContaining("related type 'obsoletes' is not a Sigma relation")]);
    const event = makeEvent({
      category: 'file_event',
      fields: { Image: 'C:\\Windows\\System32\\lsass.exe', TargetFilename: 'C:\\Users\\a\\ticket.kirbi' },
    });
    expect(RuleSet.from([rule]).match(event)).toHaveLength(1);
    // A related entry that is not even a map is still malformed.
    expect(
      loadErrorOf(`${HEAD}related: [obsoletes]
logsource: { category: file_event, product: windows }
detection: { selection: { TargetFilename: x }, condition: selection }
level: high
`),
    ).toMatch(/related entries need string id and type/);
  });

  it('loads a rule without level (optional in Sigma) at medium, with a warning', () => {
    const rule = compileOne(`${HEAD}logsource: { product: windows, service: system }
detection:
    selection:
        EventID: 7045
        ServiceName|contains: [vboxdrv, vboxnetadp]
    condition: selection
`);
    expect(rule.metadata.severity).toBe('medium');
    expect(rule.warnings).toEqual(['level is missing; its alerts are medium']);
    expect(
      loadErrorOf(`${HEAD}logsource: { product: windows, service: system }
detection: { selection: { EventID: 7045 }, condition: selection }
level: severe
`),
    ).toMatch(/level 'severe' is not a Sigma level/);
  });

  describe('expand placeholders', () => {
    const rule = compileOne(`${HEAD}logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 5145
        RelativeTargetName|contains: '\\winreg'
    filter_main_admins:
        IpAddress|expand: '%Admin_Workstations%'
    condition: selection and not 1 of filter_main_*
level: medium
`);
    const share = (ip: string) =>
      makeEvent({
        category: 'log_event',
        format: 'windows-security-4688',
        fields: { Channel: 'Security', EventID: 5145 },
        raw: { RelativeTargetName: '\\winreg', IpAddress: ip },
      });

    it('load with a warning naming the placeholder', () => {
      expect(rule.warnings).toEqual([expect.stringMatching(/expand placeholders %Admin_Workstations% have no values/)]);
    });

    it('match nothing, so a filter built on one never hides an event', () => {
      expect(RuleSet.from([rule]).match(share('10.0.0.5'))).toHaveLength(1);
    });

    it('in a selection keep the rule from firing through that selection', () => {
      const only = compileOne(`${HEAD}logsource: { product: windows, service: security }
detection:
    selection:
        TargetUserName|expand: '%Privileged_Accounts%'
    condition: selection
level: low
`);
      const event = makeEvent({
        category: 'log_event',
        format: 'windows-security-4688',
        fields: { Channel: 'Security' },
        raw: { TargetUserName: '%Privileged_Accounts%' },
      });
      expect(RuleSet.from([only]).match(event)).toHaveLength(0);
    });

    it('treat a value without a placeholder as a plain string, and refuse nonsense combinations', () => {
      const plain = compileOne(`${HEAD}logsource: { category: process_creation, product: windows }
detection:
    selection:
        User|expand|startswith: 'CORP\\svc_'
    condition: selection
level: low
`);
      expect(plain.warnings).toBeUndefined();
      const hit = makeEvent({ fields: { User: 'CORP\\svc_backup', Image: 'C:\\x.exe' } });
      const miss = makeEvent({ fields: { User: 'CORP\\alice', Image: 'C:\\x.exe' } });
      expect(RuleSet.from([plain]).match(hit)).toHaveLength(1);
      expect(RuleSet.from([plain]).match(miss)).toHaveLength(0);
      expect(
        loadErrorOf(`${HEAD}logsource: { category: process_creation, product: windows }
detection: { selection: { 'User|expand|re': '%x%' }, condition: selection }
level: low
`),
      ).toMatch(/cannot be combined/);
    });
  });

  it("routes every service of SigmaHQ's Windows service mapping to its channel", () => {
    // Service names and channels as pySigma's Windows pipelines map them (facts, written here as a table).
    const mapping: Record<string, string> = {
      security: 'Security',
      application: 'Application',
      system: 'System',
      sysmon: 'Microsoft-Windows-Sysmon/Operational',
      powershell: 'PowerShellCore/Operational',
      'powershell-classic': 'Windows PowerShell',
      taskscheduler: 'Microsoft-Windows-TaskScheduler/Operational',
      wmi: 'Microsoft-Windows-WMI-Activity/Operational',
      'dns-server': 'DNS Server',
      'dns-server-audit': 'Microsoft-Windows-DNS-Server/Audit',
      'dns-server-analytic': 'Microsoft-Windows-DNS-Server/Analytical',
      'driver-framework': 'Microsoft-Windows-DriverFrameworks-UserMode/Operational',
      ntlm: 'Microsoft-Windows-NTLM/Operational',
      dhcp: 'Microsoft-Windows-DHCP-Server/Operational',
      'msexchange-management': 'MSExchange Management',
      applocker: 'Microsoft-Windows-AppLocker/Packaged app-Execution',
      'printservice-admin': 'Microsoft-Windows-PrintService/Admin',
      'printservice-operational': 'Microsoft-Windows-PrintService/Operational',
      'codeintegrity-operational': 'Microsoft-Windows-CodeIntegrity/Operational',
      'smbclient-security': 'Microsoft-Windows-SmbClient/Security',
      'firewall-as': 'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
      'bits-client': 'Microsoft-Windows-Bits-Client/Operational',
      windefend: 'Microsoft-Windows-Windows Defender/Operational',
      'terminalservices-localsessionmanager': 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
      'microsoft-servicebus-client': 'Microsoft-ServiceBus-Client',
      ldap_debug: 'Microsoft-Windows-LDAP-Client/Debug',
      'security-mitigations': 'Microsoft-Windows-Security-Mitigations/User Mode',
      'diagnosis-scripted': 'Microsoft-Windows-Diagnosis-Scripted/Operational',
      'shell-core': 'Microsoft-Windows-Shell-Core/Operational',
      openssh: 'OpenSSH/Operational',
      bitlocker: 'Microsoft-Windows-BitLocker/BitLocker Management',
      vhdmp: 'Microsoft-Windows-VHDMP/Operational',
      'appxdeployment-server': 'Microsoft-Windows-AppXDeploymentServer/Operational',
      'lsa-server': 'Microsoft-Windows-LSA/Operational',
      'appxpackaging-om': 'Microsoft-Windows-AppxPackaging/Operational',
      'dns-client': 'Microsoft-Windows-DNS Client Events/Operational',
      'appmodel-runtime': 'Microsoft-Windows-AppModel-Runtime/Admin',
      capi2: 'Microsoft-Windows-CAPI2/Operational',
      'certificateservicesclient-lifecycle-system':
        'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
      // Used by SigmaHQ rules beyond pySigma's table.
      'iis-configuration': 'Microsoft-IIS-Configuration/Operational',
      'kernel-shimengine': 'Microsoft-Windows-Kernel-ShimEngine/Operational',
      'smbclient-connectivity': 'Microsoft-Windows-SmbClient/Connectivity',
      'hyper-v-worker': 'Microsoft-Windows-Hyper-V-Worker',
    };
    for (const [service, channel] of Object.entries(mapping)) {
      const result = routeOf({ product: 'windows', service });
      if (!result.ok) throw new Error(`${service}: ${result.reason}`);
      const event = makeEvent({ category: 'log_event', format: 'normalized', fields: { Channel: channel } });
      expect({ service, fits: fitsRoute(result.route, event) }).toEqual({ service, fits: true });
      const other = makeEvent({ category: 'log_event', format: 'normalized', fields: { Channel: 'Other/Log' } });
      expect({ service, fits: fitsRoute(result.route, other) }).toEqual({ service, fits: false });
    }
    const unknown = routeOf({ product: 'windows', service: 'no-such-service' });
    expect(unknown).toEqual({ ok: false, reason: expect.stringMatching(/service 'no-such-service' is not supported/) });
  });

  it('reports load warnings per rule from a directory, and loads the rule', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-sigmahq-'));
    try {
      writeFileSync(
        path.join(dir, 'rule.yml'),
        `${HEAD}related:\n    - id: 0f0c2c8e-2f7b-4c1e-9a51-0b6f3e2d7a11\n      type: obsoletes\nlogsource: { category: process_creation, product: windows }\ndetection: { selection: { Image|endswith: '\\\\x.exe' }, condition: selection }\nlevel: low\n`,
      );
      const loaded = loadRuleDirectory(dir);
      expect(loaded.errors).toEqual([]);
      expect(loaded.rules).toHaveLength(1);
      expect(loaded.warnings).toEqual([
        expect.objectContaining({ ruleId: '5d0c2c8e-2f7b-4c1e-9a51-0b6f3e2d7a10', reason: expect.any(String) }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
