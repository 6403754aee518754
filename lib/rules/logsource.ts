import type { EventCategory, FormatName, NormalizedEvent, Platform } from '../model';
import type { LogSource, Route } from './types';

export const ALL_CATEGORIES: readonly EventCategory[] = [
  'process_creation',
  'ps_script',
  'service_install',
  'container_launch',
  'container_exec',
  'cloud_api',
  'alert',
];

const CATEGORIES: ReadonlySet<string> = new Set(ALL_CATEGORIES);

const PRODUCTS: Readonly<Record<string, Platform>> = {
  windows: 'windows',
  linux: 'linux',
  macos: 'macos',
  kubernetes: 'kubernetes',
  aws: 'aws',
};

/**
 * Sigma services we have a source for: the formats that carry them and the categories those events have.
 * A service that names one format routes by format rather than platform (k8s audit, CloudTrail).
 */
interface ServiceRoute {
  readonly products: readonly string[];
  readonly formats?: readonly FormatName[];
  readonly categories: readonly EventCategory[];
}

const SERVICES: Readonly<Record<string, ServiceRoute>> = {
  system: { products: ['windows'], formats: ['windows-system-7045'], categories: ['service_install'] },
  security: { products: ['windows'], formats: ['windows-security-4688'], categories: ['process_creation'] },
  powershell: { products: ['windows'], categories: ['ps_script'] },
  sysmon: {
    products: ['windows', 'linux'],
    formats: ['sysmon-windows', 'sysmon-linux'],
    categories: ['process_creation'],
  },
  auditd: { products: ['linux'], formats: ['auditd'], categories: ['process_creation'] },
  audit: {
    products: ['kubernetes'],
    formats: ['k8s-audit'],
    categories: ['container_launch', 'container_exec', 'cloud_api'],
  },
  cloudtrail: {
    products: ['aws'],
    formats: ['cloudtrail'],
    categories: ['container_launch', 'container_exec', 'cloud_api'],
  },
};

export type RouteResult = { ok: true; logsource: LogSource; route: Route } | { ok: false; reason: string };

function text(value: unknown, key: string): string | undefined | Error {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return new Error(`logsource ${key} must be a non-empty string`);
  return value.trim().toLowerCase();
}

/** Which events a logsource fits; a logsource no vmsentry source produces is a load error, not a silent no-op. */
export function routeOf(section: unknown): RouteResult {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    return { ok: false, reason: 'logsource must be a map' };
  }
  const record = section as Record<string, unknown>;
  const category = text(record['category'], 'category');
  const product = text(record['product'], 'product');
  const service = text(record['service'], 'service');
  for (const value of [category, product, service])
    if (value instanceof Error) return { ok: false, reason: value.message };
  const c = category as string | undefined;
  const p = product as string | undefined;
  const s = service as string | undefined;
  if (!c && !p && !s) return { ok: false, reason: 'logsource needs a category, product or service' };
  if (c && !CATEGORIES.has(c)) {
    return {
      ok: false,
      reason: `logsource category '${c}' is not produced by any vmsentry source (${ALL_CATEGORIES.join(', ')})`,
    };
  }
  if (p && !Object.hasOwn(PRODUCTS, p)) {
    return { ok: false, reason: `logsource product '${p}' is not supported (${Object.keys(PRODUCTS).join(', ')})` };
  }
  let categories: readonly EventCategory[] = c ? [c as EventCategory] : ALL_CATEGORIES;
  let formats: readonly FormatName[] | undefined;
  let platforms: readonly Platform[] | undefined = p ? [PRODUCTS[p] as Platform] : undefined;
  if (s) {
    const known = Object.hasOwn(SERVICES, s) ? SERVICES[s] : undefined;
    if (!known)
      return { ok: false, reason: `logsource service '${s}' is not supported (${Object.keys(SERVICES).join(', ')})` };
    if (p && !known.products.includes(p))
      return { ok: false, reason: `logsource service '${s}' does not exist for product '${p}'` };
    categories = categories.filter((one) => known.categories.includes(one));
    if (categories.length === 0) {
      return { ok: false, reason: `logsource category '${c}' never occurs in service '${s}'` };
    }
    formats = known.formats;
    platforms ??= known.products.map((one) => PRODUCTS[one] as Platform);
  }
  const logsource: LogSource = {
    ...(c ? { category: c } : {}),
    ...(p ? { product: p } : {}),
    ...(s ? { service: s } : {}),
  };
  const route: Route = { categories, ...(platforms ? { platforms } : {}), ...(formats ? { formats } : {}) };
  return { ok: true, logsource, route };
}

/**
 * Whether an event fits a route (category included). A service-bound route accepts events of its formats whatever
 * their platform, and re-read `normalized` events (which lost their source format) by platform.
 */
export function fitsRoute(route: Route, event: NormalizedEvent): boolean {
  if (!route.categories.includes(event.category)) return false;
  const platformFits = route.platforms === undefined || route.platforms.includes(event.platform);
  if (route.formats === undefined) return platformFits;
  return route.formats.includes(event.provenance.format) || (event.provenance.format === 'normalized' && platformFits);
}
