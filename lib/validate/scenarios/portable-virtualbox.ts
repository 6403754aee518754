import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';
import { sysmonProcessXml, windowsEventXml } from '../windows-xml';

const SCM = { provider: 'Service Control Manager', guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}' };

/**
 * A copied (portable) VirtualBox made usable without its installer: the VBoxDrv kernel driver installed from a
 * user-writable folder (System 7045) and its COM classes registered with regsvr32 (Sysmon Event ID 1).
 */
export const portableVirtualbox: Scenario = {
  id: 'portable-virtualbox',
  title: 'Portable VirtualBox registration (System 7045 + regsvr32)',
  commands: [
    'sc create VBoxDRV binpath= C:\\Users\\Public\\<marker>\\drivers\\VBoxDrv.sys type= kernel start= auto',
    'regsvr32 /s C:\\Users\\Public\\<marker>\\VBoxC.dll',
  ],
  expectedRules: [
    '788109ca-eb9d-4ab8-8dd2-5a1d6d7e7e84', // virtualbox_driver_service_nonstandard_path
    'daa195c8-9f5f-4a91-9bdc-6876de41637e', // virtualbox_portable_registration
  ],
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const folder = `C:\\Users\\Public\\${marker}`;
    const service = windowsEventXml({
      provider: SCM.provider,
      providerGuid: SCM.guid,
      eventId: 7045,
      version: 0,
      channel: 'System',
      computer: host,
      timeMs: nowMs,
      recordId: nowMs % 1_000_000_000,
      data: {
        ServiceName: 'VBoxDRV',
        ImagePath: `"${folder}\\drivers\\VBoxDrv.sys"`,
        ServiceType: 'kernel mode driver',
        StartType: 'auto start',
        AccountName: '',
      },
    });
    const regsvr32 = sysmonProcessXml({
      computer: host,
      timeMs: nowMs + 20,
      pid: 7200,
      image: 'C:\\Windows\\System32\\regsvr32.exe',
      commandLine: `regsvr32.exe /s "${folder}\\VBoxC.dll"`,
      parentImage: 'C:\\Windows\\System32\\cmd.exe',
      parentCommandLine: `cmd.exe /c ${folder}\\register.cmd`,
      user: 'CORP\\vmsentry-validate',
    });
    return [
      { format: 'windows-system-7045', message: service, timestampMs: nowMs },
      { format: 'sysmon-windows', message: regsvr32, timestampMs: nowMs + 20 },
    ];
  },
};
