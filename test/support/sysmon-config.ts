/**
 * Just enough of Sysmon's configuration language to answer "would this configuration log that event?" in tests:
 * a well-formedness-checking reader for the configuration XML and Sysmon's include/exclude filter semantics for the
 * conditions our shipped configuration uses. An unknown condition throws, so a configuration this reader does not
 * understand fails the test instead of passing it.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Parse an XML document into its root element; throws on anything not well formed. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, name, attributeText, selfClosing, text, stray] = match;
    if (stray !== undefined) throw new Error(`stray '<' at ${match.index}`);
    if (text !== undefined) {
      const top = stack[stack.length - 1];
      if (top) top.text += decode(text);
      else if (text.trim() !== '') throw new Error(`text outside the root element at ${match.index}`);
      continue;
    }
    if (name === undefined) continue; // comment or declaration
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at ${match.index}`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const attribute of (attributeText ?? '').matchAll(ATTRIBUTE)) {
      attributes[attribute[1] as string] = decode(attribute[2] ?? attribute[3] ?? '');
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error(`second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

type Condition = (value: string, operand: string) => boolean;

/** Sysmon's conditions, case-insensitive as Sysmon compares; only the ones our configuration uses. */
const CONDITIONS: Readonly<Record<string, Condition>> = {
  is: (value, operand) => value === operand,
  contains: (value, operand) => value.includes(operand),
  'begin with': (value, operand) => value.startsWith(operand),
  'end with': (value, operand) => value.endsWith(operand),
};

/** One filter: a field condition, or an AND/OR `Rule` of them. */
type Filter = (fields: Readonly<Record<string, unknown>>) => boolean;

function fieldFilter(element: XmlElement): Filter {
  const conditionName = element.attributes['condition'] ?? 'is';
  const condition = CONDITIONS[conditionName];
  if (!condition) throw new Error(`condition '${conditionName}' on <${element.name}> is not understood by this reader`);
  const operand = element.text.toLowerCase();
  return (fields) => {
    const value = fields[element.name];
    return typeof value === 'string' && condition(value.toLowerCase(), operand);
  };
}

function filterOf(element: XmlElement): Filter {
  if (element.name !== 'Rule') return fieldFilter(element);
  const parts = element.children.map(fieldFilter);
  const and = (element.attributes['groupRelation'] ?? 'or') === 'and';
  return (fields) => (and ? parts.every((part) => part(fields)) : parts.some((part) => part(fields)));
}

export interface SysmonFilters {
  /** Whether the configuration logs an event of this type (ProcessCreate, NetworkConnect, ...) with these fields. */
  logs(eventType: string, fields: Readonly<Record<string, unknown>>): boolean;
  /** Event types the configuration mentions at all. */
  readonly eventTypes: ReadonlySet<string>;
}

/**
 * Sysmon's semantics for one event type: with include filters, an event is logged when one of them matches; with
 * only an exclude element, every event is logged; an exclude match always wins; an event type the configuration
 * never mentions is not logged.
 */
export function sysmonFilters(root: XmlElement): SysmonFilters {
  if (root.name !== 'Sysmon') throw new Error(`root element is <${root.name}>, not <Sysmon>`);
  const filtering = root.children.find((child) => child.name === 'EventFiltering');
  if (!filtering) throw new Error('no <EventFiltering>');
  const includes = new Map<string, Filter[]>();
  const excludes = new Map<string, Filter[]>();
  const eventTypes = new Set<string>();
  const groups = filtering.children.flatMap((child) => (child.name === 'RuleGroup' ? child.children : [child]));
  for (const element of groups) {
    const onmatch = element.attributes['onmatch'];
    if (onmatch !== 'include' && onmatch !== 'exclude') throw new Error(`<${element.name}> lacks onmatch`);
    eventTypes.add(element.name);
    const table = onmatch === 'include' ? includes : excludes;
    const list = table.get(element.name) ?? [];
    list.push(...element.children.map(filterOf));
    table.set(element.name, list);
  }
  return {
    eventTypes,
    logs(eventType, fields) {
      if ((excludes.get(eventType) ?? []).some((filter) => filter(fields))) return false;
      const include = includes.get(eventType);
      if (include && include.length > 0) return include.some((filter) => filter(fields));
      return excludes.has(eventType);
    },
  };
}
