import type { EventCategory, FieldName, FormatName } from '../../model';
import type { RecordInput } from '../parser';
import { assemble, type Built, fail, type LooseFields, type ProcessStart } from './process-event';

/**
 * What an EDR parser extracted from one non-process record (network, DNS, file, registry, module or driver load):
 * the Sigma category it maps to, the acting process's context and the object acted on, under Sigma field names.
 */
export interface EdrActivity extends ProcessStart {
  readonly category: EventCategory;
}

interface Subject {
  /** At least one of these must be present: without it no rule of the category has anything to match. */
  readonly fields: readonly FieldName[];
  readonly reason: string;
}

const FILE: Subject = { fields: ['TargetFilename'], reason: 'file event without a file path' };
const REGISTRY: Subject = { fields: ['TargetObject'], reason: 'registry event without a key path' };
const LOAD: Subject = { fields: ['ImageLoaded'], reason: 'load event without the loaded image path' };

/** The object each category is about; categories not listed here are never built by the EDR parsers. */
const SUBJECTS: Readonly<Partial<Record<EventCategory, Subject>>> = {
  network_connection: {
    fields: ['DestinationIp', 'DestinationHostname', 'DestinationPort'],
    reason: 'network event without a destination address or port',
  },
  dns_query: { fields: ['QueryName'], reason: 'DNS event without a query name' },
  image_load: LOAD,
  driver_load: LOAD,
  file_event: FILE,
  file_change: FILE,
  file_delete: FILE,
  file_rename: FILE,
  registry_add: REGISTRY,
  registry_set: REGISTRY,
  registry_delete: REGISTRY,
  registry_rename: REGISTRY,
};

/**
 * The event for one EDR activity record, or a typed failure when the record lacks the object its category is about
 * (a connection without a destination, a file event without a path) or a usable time.
 */
export function buildActivity(input: RecordInput, format: FormatName, activity: EdrActivity): Built {
  const subject = SUBJECTS[activity.category];
  if (subject === undefined) {
    return fail(input, format, 'invalid-record', `category ${activity.category} is not built from EDR activity`);
  }
  if (!subject.fields.some((name) => activity.fields[name] !== undefined)) {
    return fail(input, format, 'missing-field', subject.reason);
  }
  return assemble(input, format, activity.category, activity, activity.category);
}

/** Version-info fields that describe a loaded module in Sigma's image_load (Sysmon 7), not the loading process. */
const MODULE_INFO: readonly FieldName[] = ['OriginalFileName', 'Product', 'Company', 'Description', 'FileVersion'];

/**
 * The acting process's fields as an activity event carries them. Hashes always describe the object acted on (the
 * written file, the loaded image), never the process; for loads, Sysmon 7 also uses OriginalFileName, Product,
 * Company, Description and FileVersion for the loaded image, so the process's own version info must not stand in.
 */
export function actingFields(fields: LooseFields, category: EventCategory): LooseFields {
  const copy: Record<string, unknown> = { ...fields };
  delete copy.Hashes;
  if (category === 'image_load' || category === 'driver_load') for (const name of MODULE_INFO) delete copy[name];
  return copy as LooseFields;
}
