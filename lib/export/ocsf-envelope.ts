import type { NormalizedEvent } from '../model';
import { compact, type FieldReader } from './ocsf-fields';
import { cloudOf, deviceOf, metadataOf } from './ocsf-objects';

/** An OCSF event class: its ids and captions. */
export interface OcsfClass {
  readonly uid: number;
  readonly name: string;
  readonly categoryUid: number;
  readonly categoryName: string;
}

export interface Activity {
  readonly id: number;
  readonly name: string;
}

/** An OCSF severity_id; for Other (99) the caption is the source's own label. */
export interface Severity {
  readonly id: number;
  readonly caption?: string;
}

export const INFORMATIONAL: Severity = { id: 1 };

/** OCSF severity_id captions. */
export const SEVERITIES = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical', 'Fatal'] as const;

/** The attributes every class shares: classification, time, severity, metadata, device, cloud, unmapped. */
export function envelope(
  event: NormalizedEvent,
  fields: FieldReader,
  cls: OcsfClass,
  activity: Activity,
  severity: Severity,
  body: Record<string, unknown>,
  metadataExtras: Record<string, unknown> = {},
): Record<string, unknown> {
  const container = body.container;
  const device = deviceOf(event.host, event.platform);
  const cloud = cloudOf(event.host);
  const profiles = [device && 'host', cloud && 'cloud', container && 'container'].filter(Boolean);
  const metadata = metadataOf(event, fields, {
    ...metadataExtras,
    profiles: profiles.length > 0 ? profiles : undefined,
  });
  const hostExtras = compact({ cluster: event.host.cluster, log_stream: event.host.logStream });
  const unmapped = compact({
    ...fields.rest(),
    host: hostExtras,
    vmsentry: { category: event.category, platform: event.platform, provenance: event.provenance },
  });
  return compact({
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: cls.uid * 100 + activity.id,
    type_name: `${cls.name}: ${activity.name}`,
    time: event.timeMs,
    severity_id: severity.id,
    severity: severity.caption ?? SEVERITIES[severity.id] ?? 'Other',
    metadata,
    device,
    cloud,
    ...body,
    unmapped,
  }) as Record<string, unknown>;
}
