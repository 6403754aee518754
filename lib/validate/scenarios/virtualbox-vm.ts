import type { Scenario, ScenarioContext, TelemetryRecord } from '../telemetry';
import { security4688Xml, sysmonProcessXml } from '../windows-xml';

const IMAGE = 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe';
const PARENT = 'C:\\Windows\\System32\\cmd.exe';

/** VBoxManage createvm / modifyvm / startvm --type headless: Sysmon Event ID 1 for each, Security 4688 for the start. */
export const virtualboxVm: Scenario = {
  id: 'virtualbox-vm',
  title: 'VirtualBox VM create, modify and headless start (Sysmon 1 + Security 4688)',
  commands: [
    'VBoxManage createvm --name <marker> --ostype Ubuntu_64 --register',
    'VBoxManage modifyvm <marker> --memory 2048 --nic1 nat',
    'VBoxManage startvm <marker> --type headless',
  ],
  expectedRules: [
    'b00bdefb-960f-4e30-8c9a-2f483722a761', // virtualbox_vm_start
    '6962443e-4165-47bb-8351-4640ad820a39', // vboxmanage_vm_configuration
  ],
  build(context: ScenarioContext): TelemetryRecord[] {
    const { marker, nowMs, host } = context;
    const steps = [
      `"${IMAGE}" createvm --name ${marker} --ostype Ubuntu_64 --register`,
      `"${IMAGE}" modifyvm ${marker} --memory 2048 --nic1 nat`,
      `"${IMAGE}" startvm ${marker} --type headless`,
    ];
    const processes = steps.map((commandLine, index) => ({
      computer: host,
      timeMs: nowMs + index * 10,
      pid: 7100 + index,
      image: IMAGE,
      commandLine,
      parentImage: PARENT,
      parentCommandLine: `cmd.exe /c ${marker}.cmd`,
      user: 'CORP\\vmsentry-validate',
    }));
    const out: TelemetryRecord[] = processes.map((process) => ({
      format: 'sysmon-windows',
      message: sysmonProcessXml(process),
      timestampMs: process.timeMs,
    }));
    const start = processes[2];
    if (start)
      out.push({ format: 'windows-security-4688', message: security4688Xml(start), timestampMs: start.timeMs });
    return out;
  },
};
