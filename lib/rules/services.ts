import type { EventCategory, FormatName } from '../model';

/**
 * Sigma `service:` names and what carries them. Windows services name event-log channels, following SigmaHQ's
 * Windows service mapping (the channel a collector must ship for the rule to see anything); other products name a
 * format. A table, not code: adding a service is adding a row.
 */
export interface ServiceSource {
  readonly products: readonly string[];
  /** Windows channels, as Windows spells them (matched case-insensitively). */
  readonly channels?: readonly string[];
  /** Formats that carry the service when the channel is not in the record (collectors that drop it). */
  readonly formats?: readonly FormatName[];
  /** Categories the service's events can have; absent = any. */
  readonly categories?: readonly EventCategory[];
}

const CONTAINER_CATEGORIES: readonly EventCategory[] = ['container_launch', 'container_exec', 'cloud_api'];

export const SERVICES: Readonly<Record<string, ServiceSource>> = {
  // Windows built-in channels
  security: { products: ['windows'], channels: ['Security'], formats: ['windows-security-4688'] },
  system: { products: ['windows'], channels: ['System'], formats: ['windows-system-7045'] },
  application: { products: ['windows'], channels: ['Application'] },
  setup: { products: ['windows'], channels: ['Setup'] },
  sysmon: {
    products: ['windows', 'linux'],
    channels: ['Microsoft-Windows-Sysmon/Operational'],
    formats: ['sysmon-windows', 'sysmon-linux'],
  },
  powershell: {
    products: ['windows'],
    channels: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
    formats: ['powershell-4104'],
  },
  'powershell-classic': { products: ['windows'], channels: ['Windows PowerShell'] },
  taskscheduler: { products: ['windows'], channels: ['Microsoft-Windows-TaskScheduler/Operational'] },
  wmi: { products: ['windows'], channels: ['Microsoft-Windows-WMI-Activity/Operational'] },
  applocker: {
    products: ['windows'],
    channels: [
      'Microsoft-Windows-AppLocker/MSI and Script',
      'Microsoft-Windows-AppLocker/EXE and DLL',
      'Microsoft-Windows-AppLocker/Packaged app-Deployment',
      'Microsoft-Windows-AppLocker/Packaged app-Execution',
    ],
  },
  windefend: { products: ['windows'], channels: ['Microsoft-Windows-Windows Defender/Operational'] },
  'dns-server': { products: ['windows'], channels: ['DNS Server'] },
  'dns-server-analytic': { products: ['windows'], channels: ['Microsoft-Windows-DNS-Server/Analytical'] },
  'dns-server-audit': { products: ['windows'], channels: ['Microsoft-Windows-DNS-Server/Audit'] },
  'dns-client': { products: ['windows'], channels: ['Microsoft-Windows-DNS Client Events/Operational'] },
  'driver-framework': { products: ['windows'], channels: ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'] },
  ntlm: { products: ['windows'], channels: ['Microsoft-Windows-NTLM/Operational'] },
  dhcp: { products: ['windows'], channels: ['Microsoft-Windows-DHCP-Server/Operational'] },
  'msexchange-management': { products: ['windows'], channels: ['MSExchange Management'] },
  'printservice-admin': { products: ['windows'], channels: ['Microsoft-Windows-PrintService/Admin'] },
  'printservice-operational': { products: ['windows'], channels: ['Microsoft-Windows-PrintService/Operational'] },
  'terminalservices-localsessionmanager': {
    products: ['windows'],
    channels: ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  },
  'smbclient-security': { products: ['windows'], channels: ['Microsoft-Windows-SmbClient/Security'] },
  'smbclient-connectivity': { products: ['windows'], channels: ['Microsoft-Windows-SmbClient/Connectivity'] },
  'codeintegrity-operational': { products: ['windows'], channels: ['Microsoft-Windows-CodeIntegrity/Operational'] },
  'firewall-as': {
    products: ['windows'],
    channels: ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  },
  'bits-client': { products: ['windows'], channels: ['Microsoft-Windows-Bits-Client/Operational'] },
  'security-mitigations': {
    products: ['windows'],
    channels: [
      'Microsoft-Windows-Security-Mitigations/Kernel Mode',
      'Microsoft-Windows-Security-Mitigations/User Mode',
    ],
  },
  'diagnosis-scripted': { products: ['windows'], channels: ['Microsoft-Windows-Diagnosis-Scripted/Operational'] },
  'shell-core': { products: ['windows'], channels: ['Microsoft-Windows-Shell-Core/Operational'] },
  openssh: { products: ['windows'], channels: ['OpenSSH/Operational'] },
  // pySigma spells it ldap_debug; other tools ldap or ldap-debug.
  ldap_debug: { products: ['windows'], channels: ['Microsoft-Windows-LDAP-Client/Debug'] },
  'ldap-debug': { products: ['windows'], channels: ['Microsoft-Windows-LDAP-Client/Debug'] },
  ldap: { products: ['windows'], channels: ['Microsoft-Windows-LDAP-Client/Debug'] },
  'microsoft-servicebus-client': { products: ['windows'], channels: ['Microsoft-ServiceBus-Client'] },
  bitlocker: { products: ['windows'], channels: ['Microsoft-Windows-BitLocker/BitLocker Management'] },
  'iis-configuration': { products: ['windows'], channels: ['Microsoft-IIS-Configuration/Operational'] },
  'kernel-event-tracing': {
    products: ['windows'],
    channels: ['Microsoft-Windows-Kernel-EventTracing/Admin', 'Microsoft-Windows-Kernel-EventTracing'],
  },
  ntfs: { products: ['windows'], channels: ['Microsoft-Windows-Ntfs/Operational'] },
  'smbserver-security': { products: ['windows'], channels: ['Microsoft-Windows-SMBServer/Security'] },
  'smbserver-connectivity': { products: ['windows'], channels: ['Microsoft-Windows-SMBServer/Connectivity'] },
  'terminalservices-remoteconnectionmanager': {
    products: ['windows'],
    channels: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational'],
  },
  winrm: { products: ['windows'], channels: ['Microsoft-Windows-WinRM/Operational'] },
  capi2: { products: ['windows'], channels: ['Microsoft-Windows-CAPI2/Operational'] },
  'certificateservicesclient-lifecycle-system': {
    products: ['windows'],
    channels: ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  },
  'lsa-server': { products: ['windows'], channels: ['Microsoft-Windows-LSA/Operational'] },
  'appxdeployment-server': { products: ['windows'], channels: ['Microsoft-Windows-AppXDeploymentServer/Operational'] },
  'appxpackaging-om': { products: ['windows'], channels: ['Microsoft-Windows-AppxPackaging/Operational'] },
  'appmodel-runtime': { products: ['windows'], channels: ['Microsoft-Windows-AppModel-Runtime/Admin'] },
  vhdmp: { products: ['windows'], channels: ['Microsoft-Windows-VHDMP/Operational'] },
  'kernel-shimengine': {
    products: ['windows'],
    channels: ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  },
  'hyper-v-vmms': {
    products: ['windows'],
    channels: ['Microsoft-Windows-Hyper-V-VMMS-Admin', 'Microsoft-Windows-Hyper-V-VMMS-Operational'],
  },
  'hyper-v-worker': {
    products: ['windows'],
    channels: [
      'Microsoft-Windows-Hyper-V-Worker-Admin',
      'Microsoft-Windows-Hyper-V-Worker-Operational',
      'Microsoft-Windows-Hyper-V-Worker',
    ],
  },
  // Other products: the service is a format
  auditd: { products: ['linux'], formats: ['auditd'] },
  audit: { products: ['kubernetes'], formats: ['k8s-audit'], categories: CONTAINER_CATEGORIES },
  cloudtrail: { products: ['aws'], formats: ['cloudtrail'], categories: CONTAINER_CATEGORIES },
};

export function serviceSource(name: string): ServiceSource | undefined {
  return Object.hasOwn(SERVICES, name) ? SERVICES[name] : undefined;
}
