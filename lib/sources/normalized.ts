import {
  EVENT_CATEGORIES,
  type EventCategory,
  type EventFields,
  type NormalizedEvent,
  PLATFORMS as PLATFORM_NAMES,
  type Platform,
} from '../model';
import { failure, hostOf, isRecord, provenanceOf, str, timeOf } from './common';
import { setOwn } from './linux/own-record';
import type { ParserFactory, RecordInput } from './parser';
import { ok } from './parser';

const CATEGORIES: ReadonlySet<string> = new Set<string>(EVENT_CATEGORIES);
const PLATFORMS: ReadonlySet<string> = new Set<string>(PLATFORM_NAMES);
const HOST_KEYS = ['hostname', 'instanceId', 'agentId', 'cluster', 'accountId', 'region', 'logStream'] as const;

/**
 * vmsentry's own event JSON (`{ category, platform, fields, host?, time? }`): rule samples, `scan` output fed back,
 * hand-written test events. Field values are kept as given when they are strings, numbers, booleans or string lists.
 */
export const normalizedParser: ParserFactory = {
  format: 'normalized',
  description: "vmsentry's normalized event JSON (rule samples, re-scans)",
  create: () => ({
    format: 'normalized',
    sniff: (input: RecordInput) =>
      input.json !== undefined &&
      typeof input.json['category'] === 'string' &&
      typeof input.json['platform'] === 'string' &&
      isRecord(input.json['fields']),
    parse(input: RecordInput) {
      const json = input.json ?? {};
      const category = json['category'];
      const platform = json['platform'];
      if (typeof category !== 'string' || !CATEGORIES.has(category)) {
        return failure(input, 'normalized', 'invalid-record', `unknown category ${String(category).slice(0, 40)}`);
      }
      if (typeof platform !== 'string' || !PLATFORMS.has(platform)) {
        return failure(input, 'normalized', 'invalid-record', `unknown platform ${String(platform).slice(0, 40)}`);
      }
      const fields = fieldsOf(json['fields']);
      const hostJson = isRecord(json['host']) ? json['host'] : {};
      const hostFields: Partial<Record<(typeof HOST_KEYS)[number], string | undefined>> = {};
      for (const key of HOST_KEYS) hostFields[key] = str(hostJson[key]);
      const time = timeOf(json['time'] ?? json['timeMs'], input) ?? timeOf(Date.now(), input);
      if (!time) return failure(input, 'normalized', 'missing-field', 'no event time');
      const raw = isRecord(json['raw']) ? json['raw'] : undefined;
      const event: NormalizedEvent = {
        category: category as EventCategory,
        platform: platform as Platform,
        ...time,
        host: hostOf(input, hostFields),
        provenance: provenanceOf(input, 'normalized'),
        fields,
        ...(raw ? { raw } : {}),
      };
      return ok([event]);
    },
  }),
};

function fieldsOf(value: unknown): EventFields {
  const fields: Record<string, unknown> = {};
  if (!isRecord(value)) return fields;
  for (const [key, field] of Object.entries(value)) {
    if (
      typeof field === 'string' ||
      typeof field === 'boolean' ||
      (typeof field === 'number' && Number.isFinite(field))
    ) {
      setOwn(fields, key, field);
    } else if (Array.isArray(field) && field.every((item) => typeof item === 'string')) {
      // setOwn: a "__proto__" key holding a list must stay a field, not become the object's prototype.
      setOwn(fields, key, field);
    }
  }
  return fields as EventFields;
}
