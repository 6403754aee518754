import {
  CATEGORY_FAMILIES,
  EVENT_CATEGORIES,
  type EventCategory,
  isEventCategory,
  type NormalizedEvent,
  PLATFORMS,
  type Platform,
} from '../model';
import { serviceSource } from './services';
import type { LogSource, Route } from './types';

export const ALL_CATEGORIES: readonly EventCategory[] = EVENT_CATEGORIES;

const PRODUCTS: ReadonlySet<string> = new Set(PLATFORMS);

/** Categories a rule's `category:` reaches: itself, or the members of a Sigma family (registry_event). */
function categoriesOf(category: string): readonly EventCategory[] | undefined {
  if (Object.hasOwn(CATEGORY_FAMILIES, category)) return CATEGORY_FAMILIES[category];
  return isEventCategory(category) ? [category] : undefined;
}

/**
 * A Windows service name we have no row for still routes when it is spelled as a channel
 * (`Microsoft-Windows-Hyper-V-VMMS-Admin`, `Microsoft-Windows-Foo/Operational`): a rule may name any channel.
 */
function looksLikeChannel(service: string): boolean {
  return service.includes('/') || service.startsWith('microsoft-windows-');
}

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
  let categories: readonly EventCategory[] = ALL_CATEGORIES;
  if (c) {
    const reached = categoriesOf(c);
    if (!reached) return { ok: false, reason: `logsource category '${c}' is not produced by any vmsentry source` };
    categories = reached;
  }
  if (p && !PRODUCTS.has(p)) {
    return { ok: false, reason: `logsource product '${p}' is not supported (${[...PRODUCTS].join(', ')})` };
  }
  let platforms: readonly Platform[] | undefined = p ? [p as Platform] : undefined;
  let formats: Route['formats'];
  let channels: Route['channels'];
  if (s) {
    const known = serviceSource(s);
    if (known) {
      if (p && !known.products.includes(p))
        return { ok: false, reason: `logsource service '${s}' does not exist for product '${p}'` };
      if (known.categories) {
        const allowed = known.categories;
        categories = categories.filter((one) => allowed.includes(one));
        if (categories.length === 0) {
          return { ok: false, reason: `logsource category '${c}' never occurs in service '${s}'` };
        }
      }
      formats = known.formats;
      channels = known.channels?.map((one) => one.toLowerCase());
      platforms ??= known.products.filter((one): one is Platform => PRODUCTS.has(one));
    } else if ((p === undefined || p === 'windows') && looksLikeChannel(s)) {
      channels = [s];
      platforms ??= ['windows'];
    } else {
      return {
        ok: false,
        reason: `logsource service '${s}' is not supported (no row in lib/rules/services.ts, and not spelled as a Windows channel)`,
      };
    }
  }
  const logsource: LogSource = {
    ...(c ? { category: c } : {}),
    ...(p ? { product: p } : {}),
    ...(s ? { service: s } : {}),
  };
  const route: Route = {
    categories,
    ...(platforms ? { platforms } : {}),
    ...(formats ? { formats } : {}),
    ...(channels ? { channels } : {}),
  };
  return { ok: true, logsource, route };
}

/**
 * Whether an event fits a route (category included). A service-bound route accepts events of its channels, or of its
 * formats whatever their platform (collectors that drop the channel), and re-read `normalized` events that carry no
 * channel by platform.
 */
export function fitsRoute(route: Route, event: NormalizedEvent): boolean {
  if (!route.categories.includes(event.category)) return false;
  const platformFits = route.platforms === undefined || route.platforms.includes(event.platform);
  if (route.formats === undefined && route.channels === undefined) return platformFits;
  const format = event.provenance.format;
  if (route.formats?.includes(format)) return true;
  const channel = event.fields.Channel;
  if (route.channels !== undefined && channel !== undefined) {
    return platformFits && route.channels.includes(channel.toLowerCase());
  }
  return format === 'normalized' && platformFits && channel === undefined;
}
