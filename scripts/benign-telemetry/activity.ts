/**
 * Typical administrator and developer activity on a corporate fleet, as tables: what runs, who starts it, what it
 * says about itself. Nothing here starts a VM or a container, so the T1564.006 pack must stay silent on all of it.
 */

export interface WindowsHost {
  readonly name: string;
  readonly domain: string;
  readonly user: string;
}

/** A host's own spelling of a path or command line: `{user}` becomes its user name. */
export function personal(text: string, host: WindowsHost): string {
  return text.replaceAll('{user}', host.user);
}

export const WINDOWS_HOSTS: readonly WindowsHost[] = [
  { name: 'WKS-DEV-014.corp.example', domain: 'CORP', user: 'a.nakamura' },
  { name: 'WKS-FIN-022.corp.example', domain: 'CORP', user: 'm.okafor' },
  { name: 'SRV-APP-03.corp.example', domain: 'CORP', user: 'svc-deploy' },
  { name: 'DC02.corp.example', domain: 'CORP', user: 'adm-lindqvist' },
];

export type Who = 'user' | 'system' | 'network' | 'local';

export interface WindowsProcess {
  readonly image: string;
  /** `{user}` is replaced by the host's user name. */
  readonly commandLine: string;
  readonly description: string;
  readonly product: string;
  readonly company: string;
  readonly originalFileName: string;
  readonly fileVersion: string;
  readonly parentImage: string;
  readonly parentCommandLine: string;
  readonly currentDirectory: string;
  readonly who: Who;
  readonly integrity: 'Medium' | 'High' | 'System';
}

const WINDOWS_PRODUCT = 'Microsoft® Windows® Operating System';
const MICROSOFT = 'Microsoft Corporation';
const OS_VERSION = '10.0.20348.2849 (WinBuild.160101.0800)';
const SYSTEM32 = 'C:\\Windows\\System32';

function system(
  exe: string,
  commandLine: string,
  description: string,
  parentImage: string,
  parentCommandLine: string,
  who: Who = 'system',
): WindowsProcess {
  return {
    image: `${SYSTEM32}\\${exe}`,
    commandLine,
    description,
    product: WINDOWS_PRODUCT,
    company: MICROSOFT,
    originalFileName: exe.toUpperCase() === exe ? exe : exe,
    fileVersion: OS_VERSION,
    parentImage,
    parentCommandLine,
    currentDirectory: `${SYSTEM32}\\`,
    who,
    integrity: who === 'user' ? 'Medium' : 'System',
  };
}

const SERVICES = `${SYSTEM32}\\services.exe`;
const SVCHOST = `${SYSTEM32}\\svchost.exe`;
const EXPLORER = 'C:\\Windows\\explorer.exe';
const PWSH = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe';
const CMD = `${SYSTEM32}\\cmd.exe`;
const CODE = 'C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe';

export const WINDOWS_PROCESSES: readonly WindowsProcess[] = [
  system(
    'svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    'Host Process for Windows Services',
    SERVICES,
    'C:\\Windows\\system32\\services.exe',
  ),
  system(
    'svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k LocalService -p -s W32Time',
    'Host Process for Windows Services',
    SERVICES,
    'C:\\Windows\\system32\\services.exe',
    'local',
  ),
  system(
    'taskhostw.exe',
    'taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly',
    'Host Process for Windows Tasks',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
  ),
  system(
    'wbem\\WmiPrvSE.exe',
    'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',
    'WMI Provider Host',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
    'network',
  ),
  system(
    'RuntimeBroker.exe',
    'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding',
    'Runtime Broker',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
    'user',
  ),
  system(
    'backgroundTaskHost.exe',
    '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider',
    'Background Task Host',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
    'user',
  ),
  system(
    'SearchProtocolHost.exe',
    '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\\Microsoft\\Windows Search"',
    'Microsoft Windows Search Protocol Host',
    `${SYSTEM32}\\SearchIndexer.exe`,
    'C:\\Windows\\system32\\SearchIndexer.exe /Embedding',
  ),
  system(
    'CompatTelRunner.exe',
    'C:\\Windows\\system32\\CompatTelRunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun',
    'Microsoft Compatibility Telemetry',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
  ),
  system(
    'sppsvc.exe',
    'C:\\Windows\\system32\\sppsvc.exe',
    'Microsoft Software Protection Platform Service',
    SERVICES,
    'C:\\Windows\\system32\\services.exe',
    'network',
  ),
  system(
    'wuauclt.exe',
    '"C:\\Windows\\system32\\wuauclt.exe" /UpdateDeploymentProvider UpdateDeploymentProvider.dll /ClassId 2b2a7f2e-0000-0000-0000-000000000000 /RunHandlerComServer',
    'Windows Update',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv',
  ),
  system(
    'conhost.exe',
    '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    'Console Window Host',
    CMD,
    'C:\\Windows\\system32\\cmd.exe /c "C:\\Scripts\\rotate-logs.cmd"',
  ),
  system('ipconfig.exe', 'ipconfig /all', 'IP Configuration Utility', CMD, '"C:\\Windows\\system32\\cmd.exe"', 'user'),
  system(
    'gpupdate.exe',
    'gpupdate /force',
    'Microsoft® Windows Group Policy Update Utility',
    CMD,
    '"C:\\Windows\\system32\\cmd.exe"',
    'user',
  ),
  system(
    'sc.exe',
    '"C:\\Windows\\system32\\sc.exe" query wuauserv',
    'Service Control Manager Configuration Tool',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'user',
  ),
  system(
    'notepad.exe',
    '"C:\\Windows\\system32\\notepad.exe" C:\\Users\\{user}\\Documents\\meeting-notes.txt',
    'Notepad',
    EXPLORER,
    'C:\\Windows\\Explorer.EXE',
    'user',
  ),
  system(
    'mmc.exe',
    '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\compmgmt.msc" /s',
    'Microsoft Management Console',
    EXPLORER,
    'C:\\Windows\\Explorer.EXE',
    'user',
  ),
  system(
    'cmd.exe',
    'C:\\Windows\\system32\\cmd.exe /c "C:\\Scripts\\rotate-logs.cmd"',
    'Windows Command Processor',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
  ),
  system(
    'TiWorker.exe',
    'C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.20348.2845_none_f2b1e0a8c7d8a3c1\\TiWorker.exe -Embedding',
    'Windows Modules Installer Worker',
    SVCHOST,
    'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
  ),
  {
    image: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe',
    commandLine:
      '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe" -SignatureUpdate -ScheduleJob -RestrictPrivileges',
    description: 'Microsoft Malware Protection Command Line Utility',
    product: WINDOWS_PRODUCT,
    company: MICROSOFT,
    originalFileName: 'MpCmdRun.exe',
    fileVersion: '4.18.24090.11 (WinBuild.160101.0800)',
    parentImage: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe',
    parentCommandLine: '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe"',
    currentDirectory: 'C:\\Windows\\system32\\',
    who: 'system',
    integrity: 'System',
  },
  app(
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --type=renderer --lang=en-US --field-trial-handle=2204',
    'Microsoft Edge',
    'Microsoft Edge',
    'msedge.exe',
    '131.0.2903.70',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --profile-directory=Default',
  ),
  app(
    CODE,
    '"C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe" C:\\src\\billing-api',
    'Visual Studio Code',
    'Visual Studio Code',
    'electron.exe',
    '1.95.3',
    EXPLORER,
    'C:\\Windows\\Explorer.EXE',
  ),
  app(
    'C:\\Program Files\\Git\\cmd\\git.exe',
    'git status --porcelain',
    'Git for Windows',
    'Git',
    'git.exe',
    '2.47.1.windows.1',
    CODE,
    '"C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe" C:\\src\\billing-api',
    'C:\\src\\billing-api\\',
  ),
  app(
    'C:\\Program Files\\Git\\cmd\\git.exe',
    'git fetch --prune origin',
    'Git for Windows',
    'Git',
    'git.exe',
    '2.47.1.windows.1',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'C:\\src\\billing-api\\',
  ),
  app(
    'C:\\Program Files\\dotnet\\dotnet.exe',
    'dotnet build --configuration Release',
    '.NET Host',
    'Microsoft® .NET',
    'dotnet.dll',
    '8.0.1124.51707',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'C:\\src\\billing-api\\',
  ),
  app(
    'C:\\Program Files\\dotnet\\dotnet.exe',
    'dotnet test tests\\Billing.Tests.csproj --no-build',
    '.NET Host',
    'Microsoft® .NET',
    'dotnet.dll',
    '8.0.1124.51707',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'C:\\src\\billing-api\\',
  ),
  app(
    'C:\\Program Files\\nodejs\\node.exe',
    '"C:\\Program Files\\nodejs\\node.exe" "C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js" test',
    'Node.js JavaScript Runtime',
    'Node.js',
    'node.exe',
    '20.18.1',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'C:\\src\\web-portal\\',
  ),
  app(
    'C:\\Users\\{user}\\AppData\\Local\\Programs\\Python\\Python312\\python.exe',
    'python -m pytest -q tests',
    'Python',
    'Python',
    'python.exe',
    '3.12.7',
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'C:\\src\\reports\\',
  ),
  app(
    PWSH,
    '"C:\\Program Files\\PowerShell\\7\\pwsh.exe"',
    'pwsh',
    'PowerShell',
    'pwsh.dll',
    '7.4.6.500',
    'C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.21.3231.0_x64__8wekyb3d8bbwe\\WindowsTerminal.exe',
    '"C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.21.3231.0_x64__8wekyb3d8bbwe\\WindowsTerminal.exe"',
    'C:\\Users\\{user}\\',
  ),
  app(
    'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe',
    '"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background',
    'Microsoft OneDrive',
    'Microsoft OneDrive',
    'OneDrive.exe',
    '24.226.1110.0004',
    EXPLORER,
    'C:\\Windows\\Explorer.EXE',
  ),
  app(
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "C:\\Users\\{user}\\Documents\\Q4-forecast.xlsx"',
    'Microsoft Excel',
    'Microsoft Office',
    'Excel.exe',
    '16.0.18129.20158',
    EXPLORER,
    'C:\\Windows\\Explorer.EXE',
  ),
  app(
    'C:\\Windows\\System32\\OpenSSH\\ssh.exe',
    '"C:\\Windows\\System32\\OpenSSH\\ssh.exe" git@git.corp.example "git-upload-pack \'platform/billing-api.git\'"',
    'OpenSSH SSH client',
    'OpenSSH for Windows',
    'ssh.exe',
    '9.5.4.1',
    'C:\\Program Files\\Git\\cmd\\git.exe',
    'git fetch --prune origin',
    'C:\\src\\billing-api\\',
  ),
];

function app(
  image: string,
  commandLine: string,
  description: string,
  product: string,
  originalFileName: string,
  fileVersion: string,
  parentImage: string,
  parentCommandLine: string,
  currentDirectory = 'C:\\Users\\{user}\\',
): WindowsProcess {
  return {
    image,
    commandLine,
    description,
    product,
    company:
      product === 'Python'
        ? 'Python Software Foundation'
        : product === 'Git'
          ? 'The Git Development Community'
          : product === 'Node.js'
            ? 'Node.js'
            : MICROSOFT,
    originalFileName,
    fileVersion,
    parentImage,
    parentCommandLine,
    currentDirectory,
    who: 'user',
    integrity: 'Medium',
  };
}

/** Script blocks an administrator's and a developer's PowerShell sessions log (4104). */
export const SCRIPT_BLOCKS: readonly { readonly text: string; readonly path?: string }[] = [
  { text: 'prompt' },
  { text: 'Get-Service -Name wuauserv, BITS | Select-Object Name, Status, StartType' },
  { text: 'Import-Module PSReadLine; Set-PSReadLineOption -PredictionSource History' },
  {
    text: "Get-ChildItem -Path 'D:\\Logs\\billing' -Filter *.log | Where-Object LastWriteTime -lt (Get-Date).AddDays(-14) | Remove-Item -WhatIf",
  },
  { text: 'Test-NetConnection -ComputerName git.corp.example -Port 443' },
  { text: 'Get-WinEvent -LogName System -MaxEvents 20 | Format-Table TimeCreated, Id, ProviderName -AutoSize' },
  {
    text: "Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' | Select-Object DisplayName, DisplayVersion",
  },
  { text: 'Set-Location C:\\src\\billing-api; git status' },
  { text: '$env:PSModulePath -split [IO.Path]::PathSeparator' },
  { text: 'Get-Process | Sort-Object CPU -Descending | Select-Object -First 10 Name, Id, CPU' },
  { text: "Invoke-RestMethod -Uri 'https://status.corp.example/api/health' -TimeoutSec 10" },
  { text: 'Get-ADUser -Identity m.okafor -Properties LastLogonDate, Enabled' },
  {
    text: "param([string]$Share = '\\\\fs01.corp.example\\reports')\n$files = Get-ChildItem $Share -Filter *.csv\nforeach ($file in $files) {\n  Copy-Item $file.FullName -Destination 'D:\\Imports\\' -Force\n}\nWrite-Output \"Imported $($files.Count) report(s)\"",
    path: 'C:\\Scripts\\Import-Reports.ps1',
  },
  {
    text: '$disk = Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DeviceID=\'C:\'"\n[math]::Round($disk.FreeSpace / 1GB, 1)',
    path: 'C:\\Scripts\\Check-DiskSpace.ps1',
  },
  {
    text: 'Get-ScheduledTask -TaskPath \\Corp\\ | Get-ScheduledTaskInfo | Select-Object TaskName, LastRunTime, LastTaskResult',
  },
  { text: 'Update-Help -Module Microsoft.PowerShell.* -ErrorAction SilentlyContinue' },
];

export interface LinuxProcess {
  readonly image: string;
  readonly commandLine: string;
  readonly parentImage: string;
  readonly parentCommandLine: string;
  readonly user: string;
  readonly currentDirectory: string;
}

export const LINUX_HOSTS: readonly string[] = ['web-07', 'build-runner-2', 'db-replica-1'];

export const LINUX_PROCESSES: readonly LinuxProcess[] = [
  {
    image: '/usr/sbin/logrotate',
    commandLine: '/usr/sbin/logrotate /etc/logrotate.conf',
    parentImage: '/usr/lib/systemd/systemd',
    parentCommandLine: '/sbin/init',
    user: 'root',
    currentDirectory: '/',
  },
  {
    image: '/usr/bin/python3.10',
    commandLine: '/usr/bin/python3 /usr/bin/unattended-upgrade',
    parentImage: '/usr/lib/systemd/systemd',
    parentCommandLine: '/sbin/init',
    user: 'root',
    currentDirectory: '/',
  },
  {
    image: '/usr/bin/run-parts',
    commandLine: 'run-parts --report /etc/cron.hourly',
    parentImage: '/usr/bin/dash',
    parentCommandLine: '/bin/sh -c cd / && run-parts --report /etc/cron.hourly',
    user: 'root',
    currentDirectory: '/',
  },
  {
    image: '/usr/bin/git',
    commandLine: 'git pull --ff-only',
    parentImage: '/usr/bin/bash',
    parentCommandLine: '-bash',
    user: 'deploy',
    currentDirectory: '/srv/app',
  },
  {
    image: '/usr/bin/systemctl',
    commandLine: 'systemctl status nginx --no-pager',
    parentImage: '/usr/bin/bash',
    parentCommandLine: '-bash',
    user: 'deploy',
    currentDirectory: '/home/deploy',
  },
  {
    image: '/usr/bin/df',
    commandLine: 'df -h /var',
    parentImage: '/usr/bin/bash',
    parentCommandLine: '-bash',
    user: 'deploy',
    currentDirectory: '/home/deploy',
  },
  {
    image: '/usr/bin/curl',
    commandLine: 'curl -fsS https://status.corp.example/api/health',
    parentImage: '/usr/bin/dash',
    parentCommandLine: '/bin/sh /usr/local/bin/healthcheck.sh',
    user: 'www-data',
    currentDirectory: '/',
  },
  {
    image: '/usr/sbin/nginx',
    commandLine: 'nginx: worker process',
    parentImage: '/usr/sbin/nginx',
    parentCommandLine: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
    user: 'www-data',
    currentDirectory: '/',
  },
  {
    image: '/usr/bin/make',
    commandLine: 'make -j4 test',
    parentImage: '/usr/bin/bash',
    parentCommandLine: 'bash -e /home/runner/work/_temp/step.sh',
    user: 'runner',
    currentDirectory: '/home/runner/work/api',
  },
  {
    image: '/usr/bin/gcc-12',
    commandLine: 'gcc -O2 -c src/parser.c -o build/parser.o',
    parentImage: '/usr/bin/make',
    parentCommandLine: 'make -j4 test',
    user: 'runner',
    currentDirectory: '/home/runner/work/api',
  },
  {
    image: '/usr/bin/pg_dump',
    commandLine: 'pg_dump --format=custom --file=/backup/orders.dump orders',
    parentImage: '/usr/bin/dash',
    parentCommandLine: '/bin/sh -c /usr/local/bin/backup-orders.sh',
    user: 'postgres',
    currentDirectory: '/var/lib/postgresql',
  },
  {
    image: '/usr/bin/ssh',
    commandLine: 'ssh -o BatchMode=yes backup@vault.corp.example true',
    parentImage: '/usr/bin/dash',
    parentCommandLine: '/bin/sh -c /usr/local/bin/backup-orders.sh',
    user: 'postgres',
    currentDirectory: '/var/lib/postgresql',
  },
];
