import { fitsRoute, routeOf } from '../../lib/rules';
import { makeEvent } from './helpers';

function route(logsource: Record<string, unknown>) {
  const result = routeOf(logsource);
  if (!result.ok) throw new Error(result.reason);
  return result.route;
}

describe('logsource routing', () => {
  it('routes a category to events of that category on any platform when no product is given', () => {
    const r = route({ category: 'process_creation' });
    expect(fitsRoute(r, makeEvent({ platform: 'linux', format: 'auditd' }))).toBe(true);
    expect(fitsRoute(r, makeEvent({ category: 'ps_script' }))).toBe(false);
  });

  it('filters by platform when a product is given', () => {
    const r = route({ category: 'container_launch', product: 'linux' });
    expect(fitsRoute(r, makeEvent({ category: 'container_launch', platform: 'linux', format: 'falco' }))).toBe(true);
    expect(fitsRoute(r, makeEvent({ category: 'container_launch', platform: 'kubernetes', format: 'k8s-audit' }))).toBe(
      false,
    );
  });

  it('routes Windows services by channel, and by format when the collector dropped the channel', () => {
    const system = route({ product: 'windows', service: 'system' });
    expect(fitsRoute(system, makeEvent({ category: 'service_install', format: 'windows-system-7045' }))).toBe(true);
    expect(fitsRoute(system, makeEvent({ category: 'log_event', fields: { Channel: 'System' } }))).toBe(true);
    expect(fitsRoute(system, makeEvent({ category: 'log_event', fields: { Channel: 'SYSTEM' } }))).toBe(true);
    expect(fitsRoute(system, makeEvent({ category: 'log_event', fields: { Channel: 'Application' } }))).toBe(false);
    const security = route({ product: 'windows', service: 'security' });
    expect(fitsRoute(security, makeEvent({ format: 'windows-security-4688' }))).toBe(true);
    expect(fitsRoute(security, makeEvent({ format: 'sysmon-windows' }))).toBe(false);
    expect(
      fitsRoute(
        security,
        makeEvent({ format: 'sysmon-windows', fields: { Channel: 'Microsoft-Windows-Sysmon/Operational' } }),
      ),
    ).toBe(false);
  });

  it('routes a Windows service spelled as a channel to that channel, even without a row for it', () => {
    const vmms = route({ product: 'windows', service: 'Microsoft-Windows-Hyper-V-Compute-Admin' });
    expect(
      fitsRoute(
        vmms,
        makeEvent({ category: 'log_event', fields: { Channel: 'Microsoft-Windows-Hyper-V-Compute-Admin' } }),
      ),
    ).toBe(true);
    expect(fitsRoute(vmms, makeEvent({ category: 'log_event', fields: { Channel: 'System' } }))).toBe(false);
  });

  it('routes Sigma category families: registry_event sees every registry change', () => {
    const r = route({ product: 'windows', category: 'registry_event' });
    for (const category of ['registry_add', 'registry_delete', 'registry_set', 'registry_rename'] as const) {
      expect(fitsRoute(r, makeEvent({ category }))).toBe(true);
    }
    expect(fitsRoute(r, makeEvent({ category: 'file_event' }))).toBe(false);
    expect(fitsRoute(route({ category: 'registry_set' }), makeEvent({ category: 'registry_add' }))).toBe(false);
  });

  it('routes service powershell to ps_script events', () => {
    const r = route({ product: 'windows', service: 'powershell' });
    expect(fitsRoute(r, makeEvent({ category: 'ps_script', format: 'powershell-4104' }))).toBe(true);
    expect(fitsRoute(r, makeEvent({ category: 'process_creation' }))).toBe(false);
    expect(
      fitsRoute(
        route({ product: 'windows', service: 'powershell', category: 'ps_script' }),
        makeEvent({ category: 'ps_module', format: 'powershell-4104' }),
      ),
    ).toBe(false);
  });

  it('routes kubernetes audit and cloudtrail by format, and re-read normalized events by platform', () => {
    const k8s = route({ product: 'kubernetes', service: 'audit' });
    expect(fitsRoute(k8s, makeEvent({ category: 'container_exec', platform: 'kubernetes', format: 'k8s-audit' }))).toBe(
      true,
    );
    expect(
      fitsRoute(k8s, makeEvent({ category: 'container_exec', platform: 'kubernetes', format: 'normalized' })),
    ).toBe(true);
    expect(fitsRoute(k8s, makeEvent({ category: 'container_exec', platform: 'linux', format: 'falco' }))).toBe(false);
    const trail = route({ product: 'aws', service: 'cloudtrail' });
    expect(fitsRoute(trail, makeEvent({ category: 'cloud_api', platform: 'aws', format: 'cloudtrail' }))).toBe(true);
    expect(fitsRoute(trail, makeEvent({ category: 'cloud_api', platform: 'kubernetes', format: 'k8s-audit' }))).toBe(
      false,
    );
  });

  it('maps our own categories directly', () => {
    for (const category of ['container_launch', 'container_exec', 'cloud_api', 'alert', 'service_install'] as const) {
      expect(fitsRoute(route({ category }), makeEvent({ category }))).toBe(true);
      expect(fitsRoute(route({ category }), makeEvent({ category: 'process_creation' }))).toBe(false);
    }
  });

  it.each([
    [{ category: 'file_teleport' }, /not produced by any vmsentry source/],
    [{ product: 'solaris' }, /product 'solaris' is not supported/],
    [{ product: 'windows', service: 'sysmonx' }, /service 'sysmonx' is not supported/],
    [{ product: 'linux', service: 'system' }, /does not exist for product 'linux'/],
    [{ category: 'process_creation', product: 'kubernetes', service: 'audit' }, /never occurs in service/],
    [{ product: 'linux', service: 'Microsoft-Windows-Foo/Operational' }, /service .* is not supported/],
    [{}, /needs a category, product or service/],
    [{ category: 7 }, /must be a non-empty string/],
    [{ product: 'constructor' }, /product 'constructor' is not supported/],
    [{ product: 'windows', service: 'toString' }, /service 'tostring' is not supported/],
  ])('rejects %p', (logsource, reason) => {
    const result = routeOf(logsource);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
