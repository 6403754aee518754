import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';
import { windowsEventXml } from '../windows-xml';

const POWERSHELL = { provider: 'Microsoft-Windows-PowerShell', guid: '{a0c1853b-5c40-4b15-8766-3cf1c58f985a}' };

/** Hyper-V VM create / configure / start from PowerShell: one script block (4104) per command. */
export const hypervVm: Scenario = {
  id: 'hyperv-vm',
  title: 'Hyper-V VM create, configure and start (PowerShell 4104)',
  commands: [
    "New-VM -Name '<marker>' -MemoryStartupBytes 2GB -Generation 2 -NoVHD",
    "Set-VMProcessor -VMName '<marker>' -Count 2",
    "Start-VM -Name '<marker>'",
  ],
  expectedRules: ['b4e4391a-810c-4340-b1f5-fa2720c5d480'], // hyperv_vm_lifecycle_script_block
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const blocks = [
      `New-VM -Name '${marker}' -MemoryStartupBytes 2GB -Generation 2 -NoVHD -SwitchName 'Default Switch'`,
      `Set-VMProcessor -VMName '${marker}' -Count 2`,
      `Start-VM -Name '${marker}'`,
    ];
    return blocks.map((text, index) => {
      const timeMs = nowMs + index * 10;
      const suffix = String(index).padStart(12, '0');
      return {
        format: 'powershell-4104',
        timestampMs: timeMs,
        message: windowsEventXml({
          provider: POWERSHELL.provider,
          providerGuid: POWERSHELL.guid,
          eventId: 4104,
          version: 1,
          channel: 'Microsoft-Windows-PowerShell/Operational',
          computer: host,
          timeMs,
          recordId: (timeMs % 1_000_000_000) + index,
          userSid: 'S-1-5-21-1004336348-1177238915-682003330-500',
          data: {
            MessageNumber: '1',
            MessageTotal: '1',
            ScriptBlockText: text,
            ScriptBlockId: `${marker.slice(-36, -12)}${suffix}`,
            Path: '',
          },
        }),
      };
    });
  },
};
