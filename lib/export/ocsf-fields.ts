import type { EventFields, FieldName } from '../model';

/**
 * Reads an event's fields while remembering which ones a mapping used, so everything left over lands in OCSF's
 * `unmapped` object instead of being lost.
 */
export interface FieldReader {
  take<K extends FieldName>(name: K): EventFields[K] | undefined;
  /** Reads without claiming: the field still goes to `unmapped` unless someone takes it. */
  peek<K extends FieldName>(name: K): EventFields[K] | undefined;
  /** The fields nobody took, or undefined when every field was mapped. */
  rest(): Record<string, unknown> | undefined;
}

export function readerOf(fields: EventFields): FieldReader {
  const taken = new Set<string>();
  return {
    take(name) {
      taken.add(name);
      return fields[name];
    },
    peek(name) {
      return fields[name];
    },
    rest() {
      const left: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(fields)) {
        if (!taken.has(name) && value !== undefined) left[name] = value;
      }
      return Object.keys(left).length > 0 ? left : undefined;
    },
  };
}

/** An object without its undefined members, or undefined when nothing is left: OCSF omits unknown attributes. */
export function compact(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = member;
  return Object.keys(out).length > 0 ? out : undefined;
}
