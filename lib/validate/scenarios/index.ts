import type { Scenario } from '../telemetry';
import { hypervVm } from './hyperv-vm';
import { portableVirtualbox } from './portable-virtualbox';
import { privilegedContainer } from './privileged-container';
import { privilegedPod } from './privileged-pod';
import { qemuHeadless } from './qemu-headless';
import { virtualboxDriverChain } from './virtualbox-driver-chain';
import { virtualboxVm } from './virtualbox-vm';
import { virtualizationFeatureThenHypervVm } from './virtualization-feature-then-hyperv-vm';

/** Every validation scenario, in the order the detection strategy's validation section lists them. */
export const SCENARIOS: readonly Scenario[] = [
  virtualboxVm,
  portableVirtualbox,
  hypervVm,
  qemuHeadless,
  privilegedContainer,
  privilegedPod,
  virtualboxDriverChain,
  virtualizationFeatureThenHypervVm,
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}

export {
  hypervVm,
  portableVirtualbox,
  privilegedContainer,
  privilegedPod,
  qemuHeadless,
  virtualboxDriverChain,
  virtualboxVm,
  virtualizationFeatureThenHypervVm,
};
