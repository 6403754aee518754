import type { Alert, EventCategory } from '../model';

/**
 * What the analyst does next. A rule's own `response` wins; otherwise the generic detection-strategy steps
 * (verify the source, analyze context, contain, investigate, report), written for the kind of virtual instance the
 * event is about. Values are raw event text: renderers escape them.
 */
export function responseSteps(alert: Alert): string[] {
  if (alert.response && alert.response.trim() !== '') {
    return alert.response
      .split(/\r?\n/)
      .map((line) => line.replace(/^\s*(?:[-*]|\d+[.)])\s+/, '').trim())
      .filter((line) => line !== '');
  }
  return isContainer(alert.event.category) ? containerSteps(alert) : virtualMachineSteps(alert);
}

function isContainer(category: EventCategory): boolean {
  return category === 'container_launch' || category === 'container_exec' || category === 'cloud_api';
}

function virtualMachineSteps(alert: Alert): string[] {
  const fields = alert.event.fields;
  const what = fields.Image ?? fields.ImagePath ?? fields.ServiceName ?? 'the hypervisor process';
  const who = fields.User ?? fields.LoginUser ?? 'the user';
  return [
    `Verify the source: on ${alert.host}, confirm ${what} is a sanctioned hypervisor install (path, signer, hash) and that ${who} is expected to run VMs there.`,
    'Analyze context: check the parent process, whether the VM runs headless or hidden, which disk image/ISO, shared folders and network mode (bridged/NAT) it uses, and what else the user ran around that time.',
    'Contain: if it is not sanctioned, isolate the host (EDR network containment or a quarantine security group), stop the VM (VBoxManage controlvm <vm> poweroff, Stop-VM, kill the qemu/vmx process) and keep its disk image.',
    'Investigate: collect the VM disk and configuration (.vdi/.vmdk/.vhdx/.qcow2/.vbox/.vmx) for forensics, look for persistence (services, drivers, scheduled tasks) and for the same image hash on other hosts.',
    'Report: record the findings in the incident ticket; only for sanctioned use add a host-scoped allowlist entry with an owner and an expiry.',
  ];
}

function containerSteps(alert: Alert): string[] {
  const fields = alert.event.fields;
  const workload =
    [fields.Namespace, fields.PodName ?? fields.ContainerName ?? fields.ContainerId].filter(Boolean).join('/') ||
    'the workload';
  const image = fields.ContainerImage ?? 'its image';
  const actor = fields.Actor ?? fields.User ?? 'the requesting identity';
  return [
    `Verify the source: confirm ${workload} (${image}) on ${alert.host} comes from a trusted registry and that privileged mode, host namespaces or host mounts are expected for it.`,
    `Analyze context: check who requested it (${actor}), from which source IP and user agent, which host paths and capabilities it got, and any exec/attach sessions into it.`,
    'Contain: if it is not expected, delete the pod or stop the container (kubectl delete pod -n <ns> <pod>, docker stop <id>), cordon the node, and disable or rotate the credentials of the requester.',
    "Investigate: inspect the node for escape traces (new host processes, files written under mounted host paths, changed kubelet/containerd config) and review the requester's other API calls in the audit log and CloudTrail.",
    'Report: record the findings in the incident ticket; only for sanctioned workloads add a host-scoped allowlist entry with an owner and an expiry.',
  ];
}
