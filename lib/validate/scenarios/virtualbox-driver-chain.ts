import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';
import { sysmonEventXml, sysmonProcessGuid, sysmonUtcTime } from '../windows-xml';

const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const SERVICES = 'C:\\Windows\\system32\\services.exe';

/**
 * A portable VirtualBox's kernel driver brought to life without the installer, seen only through Sysmon's file,
 * registry and driver events (no command line is needed to detect it): PowerShell unpacks VBoxDrv.sys into a public
 * folder (Event ID 11), the service control manager writes the service's ImagePath (13), the driver loads (6).
 */
export const virtualboxDriverChain: Scenario = {
  id: 'virtualbox-driver-chain',
  title: 'Portable VirtualBox driver written, registered and loaded (Sysmon 11, 13, 6)',
  commands: [
    "Expand-Archive vbox.zip -DestinationPath 'C:\\Users\\Public\\<marker>'",
    'sc create VBoxDRV binpath= C:\\Users\\Public\\<marker>\\drivers\\VBoxDrv.sys type= kernel start= demand',
    'sc start VBoxDRV',
  ],
  expectedRules: [
    'eade2365-51ba-4232-84db-166c05c5be58', // hypervisor_driver_file_written_by_non_installer
    'a19af1bc-f144-4cf4-b146-d2d9748081c4', // hypervisor_driver_service_registry_nonstandard_path
    'fc00877a-68cb-4b4e-ae2a-697af6f8e4bb', // hypervisor_driver_loaded_nonstandard_path
  ],
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const driver = `C:\\Users\\Public\\${marker}\\drivers\\VBoxDrv.sys`;
    const fileWritten = sysmonEventXml({
      eventId: 11,
      version: 2,
      computer: host,
      timeMs: nowMs,
      recordId: nowMs % 1_000_000_000,
      data: {
        RuleName: '-',
        UtcTime: sysmonUtcTime(nowMs),
        ProcessGuid: sysmonProcessGuid(7300),
        ProcessId: '7300',
        Image: POWERSHELL,
        TargetFilename: driver,
        CreationUtcTime: sysmonUtcTime(nowMs),
        User: 'CORP\\vmsentry-validate',
      },
    });
    const serviceKey = sysmonEventXml({
      eventId: 13,
      version: 2,
      computer: host,
      timeMs: nowMs + 20,
      recordId: (nowMs % 1_000_000_000) + 1,
      data: {
        RuleName: '-',
        EventType: 'SetValue',
        UtcTime: sysmonUtcTime(nowMs + 20),
        ProcessGuid: sysmonProcessGuid(708),
        ProcessId: '708',
        Image: SERVICES,
        TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDRV\\ImagePath',
        Details: `\\??\\${driver}`,
        User: 'NT AUTHORITY\\SYSTEM',
      },
    });
    const driverLoaded = sysmonEventXml({
      eventId: 6,
      version: 4,
      computer: host,
      timeMs: nowMs + 40,
      recordId: (nowMs % 1_000_000_000) + 2,
      data: {
        RuleName: '-',
        UtcTime: sysmonUtcTime(nowMs + 40),
        ImageLoaded: driver,
        Hashes: 'SHA256=5C2D7A1E9B3F4C6D8E0A2B4C6D8E0F1A3B5C7D9E1F2A4B6C8D0E2F4A6B8C0D2E',
        Signed: 'true',
        Signature: 'Oracle Corporation',
        SignatureStatus: 'Valid',
      },
    });
    return [
      { format: 'sysmon-windows', message: fileWritten, timestampMs: nowMs },
      { format: 'sysmon-windows', message: serviceKey, timestampMs: nowMs + 20 },
      { format: 'sysmon-windows', message: driverLoaded, timestampMs: nowMs + 40 },
    ];
  },
};
