import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';
import { windowsEventXml } from '../windows-xml';

const SERVICING = { provider: 'Microsoft-Windows-Servicing', guid: '{bd12f3b8-fc40-4a61-a307-b7a013a069c1}' };
const VMMS = { provider: 'Microsoft-Windows-Hyper-V-VMMS', guid: '{6066f867-7ca1-4418-85fd-36e3f9c0600c}' };
const WORKER = { provider: 'Microsoft-Windows-Hyper-V-Worker', guid: '{51ddfa29-d5c8-4803-be4b-2ecb715570fe}' };
const CBS_NAMESPACE = 'http://manifests.microsoft.com/CBS/Logging/2007/03';
const VML_NAMESPACE = 'http://www.microsoft.com/Windows/Virtualization/Events';

/** The features WSL 2 and third-party hypervisors need, in the order `wsl --install` turns them on. */
const FEATURES = [
  { update: 'Microsoft-Windows-Subsystem-Linux', pkg: 'Microsoft-Windows-Lxss-Optional-Package' },
  { update: 'VirtualMachinePlatform', pkg: 'Microsoft-Windows-Hyper-V-Package' },
  { update: 'HypervisorPlatform', pkg: 'Microsoft-Windows-Hyper-V-Package' },
];

/**
 * Virtualization turned on and a VM run, seen only in Windows' own logs: Servicing events in the Setup log turn on
 * WSL, the Virtual Machine Platform and the Hypervisor Platform (event 9, "selectable update ... was successfully
 * turned on", UserData CbsUpdateChangeState), then Hyper-V's management service logs a new VM (VMMS-Admin 13002)
 * and its worker a start (Worker-Admin 18500), both with VmName/VmId in UserData. The VM is named after the marker
 * and its id is the marker's UUID; the servicing client id carries the marker (the only free text those events have).
 */
export const virtualizationFeatureThenHypervVm: Scenario = {
  id: 'virtualization-feature-then-hyperv-vm',
  title:
    'WSL, VM Platform and Hypervisor Platform turned on, then a Hyper-V VM created and started (Setup, VMMS, Worker)',
  commands: [
    'dism /online /enable-feature /featurename:Microsoft-Windows-Subsystem-Linux /featurename:VirtualMachinePlatform /featurename:HypervisorPlatform /all /norestart',
    "New-VM -Name '<marker>' -MemoryStartupBytes 1GB -NoVHD",
    "Start-VM -Name '<marker>'",
  ],
  expectedRules: [
    '55667ef3-7b31-486b-8375-ceccbd0c0b88', // virtualization_feature_turned_on_servicing
    'da923dda-7508-4219-aa5a-2ffaaf4bcad5', // hyperv_vm_created_vmms_event
    '082ea8de-5be1-4550-9415-31005db91230', // hyperv_vm_started_worker_event
  ],
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const vmId = marker.slice(-36).toUpperCase();
    const base = nowMs % 1_000_000_000;
    const records: TelemetryRecord[] = FEATURES.map((feature, index) => {
      const timeMs = nowMs + index * 10;
      return {
        format: 'windows-event',
        timestampMs: timeMs,
        message: windowsEventXml({
          provider: SERVICING.provider,
          providerGuid: SERVICING.guid,
          eventId: 9,
          version: 0,
          channel: 'Setup',
          computer: host,
          timeMs,
          recordId: base + index,
          data: {
            UpdateName: feature.update,
            PackageIdentifier: feature.pkg,
            ErrorCode: '0x0',
            Client: `DISM Package Manager Provider (${marker})`,
          },
          userData: { element: 'CbsUpdateChangeState', namespace: CBS_NAMESPACE },
        }),
      };
    });
    const vm = { VmName: marker, VmId: vmId };
    const lifecycle = [
      { source: VMMS, eventId: 13002, channel: 'Microsoft-Windows-Hyper-V-VMMS-Admin' },
      { source: WORKER, eventId: 18500, channel: 'Microsoft-Windows-Hyper-V-Worker-Admin' },
    ];
    lifecycle.forEach((step, index) => {
      const timeMs = nowMs + 100 + index * 10;
      records.push({
        format: 'windows-event',
        timestampMs: timeMs,
        message: windowsEventXml({
          provider: step.source.provider,
          providerGuid: step.source.guid,
          eventId: step.eventId,
          version: 0,
          channel: step.channel,
          computer: host,
          timeMs,
          recordId: base + 10 + index,
          data: vm,
          userData: { element: 'VmlEventLog', namespace: VML_NAMESPACE },
        }),
      });
    });
    return records;
  },
};
