/**
 * The collection configuration shipped in config/collection/ as a specification: it parses, and it collects what the
 * rule pack reads. Every Windows channel a pack rule routes on is shipped by the CloudWatch agent, with every event id
 * the rule's positive samples carry; every Sysmon event type a pack rule reads is in the Sysmon configuration, and the
 * Sysmon configuration's filters log every positive Windows sample of those rules that Sysmon itself would describe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventCategory } from '../../lib/model';
import { type CompiledRule, loadRuleDirectory } from '../../lib/rules';
import { loadCorrelationSamples, loadRuleSamples, type SampleEvent } from '../rules-pack/samples';
import { parseXml, sysmonFilters } from '../support/sysmon-config';

const ROOT = join(__dirname, '..', '..');
const AGENT_FILE = join(ROOT, 'config', 'collection', 'cloudwatch-agent-windows.json');
const SYSMON_FILE = join(ROOT, 'config', 'collection', 'sysmon-vmsentry.xml');

const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

/** Sysmon's event types (configuration element names) by the Sigma category their events get. */
const SYSMON_EVENT_TYPE: Partial<Record<EventCategory, string>> = {
  process_creation: 'ProcessCreate',
  network_connection: 'NetworkConnect',
  dns_query: 'DnsQuery',
  driver_load: 'DriverLoad',
  image_load: 'ImageLoad',
  file_event: 'FileCreate',
  registry_add: 'RegistryEvent',
  registry_delete: 'RegistryEvent',
  registry_set: 'RegistryEvent',
  registry_rename: 'RegistryEvent',
};

/** Windows channels that carry each category vmsentry reads on Windows (any one of them is enough). */
const WINDOWS_CHANNELS: Partial<Record<EventCategory, readonly string[]>> = {
  process_creation: [SYSMON_CHANNEL, 'Security'],
  ps_script: ['Microsoft-Windows-PowerShell/Operational'],
  ps_module: ['Microsoft-Windows-PowerShell/Operational'],
  service_install: ['System', 'Security'],
  network_connection: [SYSMON_CHANNEL],
  dns_query: [SYSMON_CHANNEL],
  driver_load: [SYSMON_CHANNEL],
  image_load: [SYSMON_CHANNEL],
  file_event: [SYSMON_CHANNEL],
  registry_add: [SYSMON_CHANNEL],
  registry_delete: [SYSMON_CHANNEL],
  registry_set: [SYSMON_CHANNEL],
  registry_rename: [SYSMON_CHANNEL],
};

interface CollectEntry {
  event_name: string;
  event_format?: string;
  event_levels?: string[];
  event_ids?: number[];
  log_group_name?: string;
}

function collectList(): CollectEntry[] {
  const doc = JSON.parse(readFileSync(AGENT_FILE, 'utf8')) as {
    logs?: { logs_collected?: { windows_events?: { collect_list?: CollectEntry[] } } };
  };
  return doc.logs?.logs_collected?.windows_events?.collect_list ?? [];
}

const entries = collectList();
const entryOf = (channel: string): CollectEntry | undefined =>
  entries.find((entry) => entry.event_name.toLowerCase() === channel.toLowerCase());
const pack = loadRuleDirectory(join(ROOT, 'rules'));
const sysmon = sysmonFilters(parseXml(readFileSync(SYSMON_FILE, 'utf8')));

/** Rules that can see Windows events, with the categories they read there. */
function windowsCategories(rule: CompiledRule): EventCategory[] {
  const { platforms, categories } = rule.route;
  if (platforms !== undefined && !platforms.includes('windows')) return [];
  return categories.filter((category) => WINDOWS_CHANNELS[category] !== undefined);
}

/** Every positive sample event of a rule (single events, or the steps of correlation sequences that name it). */
function positiveEvents(rule: CompiledRule): SampleEvent[] {
  const file = join(ROOT, (rule.metadata.source ?? '').replace(/\.ya?ml$/i, '.samples.yml'));
  const loaded = loadRuleSamples(file);
  return loaded.ok ? loaded.samples.positive.map((sample) => sample.event) : [];
}

function correlationSteps(): SampleEvent[] {
  return pack.correlations.flatMap((correlation) => {
    const file = join(ROOT, (correlation.metadata.source ?? '').replace(/\.ya?ml$/i, '.samples.yml'));
    const loaded = loadCorrelationSamples(file);
    return loaded.ok ? loaded.samples.positive.flatMap((sample) => sample.sequence.map((step) => step.event)) : [];
  });
}

/** A sample Sysmon would describe: a Windows event of a Sysmon category with no EDR's own format. */
function isSysmonShaped(event: SampleEvent): boolean {
  return (
    event.platform === 'windows' &&
    SYSMON_EVENT_TYPE[event.category] !== undefined &&
    (event.format === undefined || event.format === 'sysmon-windows')
  );
}

describe('CloudWatch agent configuration for Windows (config/collection/cloudwatch-agent-windows.json)', () => {
  it('parses and ships every channel as Event XML into a /vmsentry/ log group', () => {
    expect(entries.length).toBeGreaterThanOrEqual(7);
    for (const entry of entries) {
      expect(entry.event_format).toBe('xml');
      expect(entry.log_group_name).toMatch(/^\/vmsentry\/windows\//);
      for (const id of entry.event_ids ?? []) expect(Number.isInteger(id) && id >= 0 && id <= 65535).toBe(true);
    }
  });

  it('ships only into log groups the example deployment subscribes, quiet logs without a heartbeat alarm', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'config', 'example.json'), 'utf8')) as {
      logGroups: { name: string; heartbeat?: boolean }[];
    };
    const subscribed = new Map(example.logGroups.map((group) => [group.name, group]));
    for (const entry of entries) expect(subscribed.has(entry.log_group_name ?? '')).toBe(true);
    for (const channel of ['Setup', 'Microsoft-Windows-Hyper-V-VMMS-Admin', 'Microsoft-Windows-Hyper-V-Worker-Admin']) {
      expect(subscribed.get(entryOf(channel)?.log_group_name ?? '')?.heartbeat).toBe(false);
    }
  });

  it('collects the channels the issue names: Setup, Hyper-V VMMS and Worker admin logs, Sysmon, Security, System, PowerShell', () => {
    for (const channel of [
      'Setup',
      'Microsoft-Windows-Hyper-V-VMMS-Admin',
      'Microsoft-Windows-Hyper-V-Worker-Admin',
      SYSMON_CHANNEL,
      'Security',
      'System',
      'Microsoft-Windows-PowerShell/Operational',
    ]) {
      expect(entryOf(channel)?.event_name).toBe(channel);
    }
  });

  it('collects a channel for every category and every channel a pack rule routes on', () => {
    const missing: string[] = [];
    for (const rule of pack.rules) {
      const { channels } = rule.route;
      if (channels !== undefined) {
        if (!channels.some((channel) => entryOf(channel))) missing.push(`${rule.metadata.title}: ${channels}`);
        continue;
      }
      for (const category of windowsCategories(rule)) {
        if (!(WINDOWS_CHANNELS[category] ?? []).some((channel) => entryOf(channel))) {
          missing.push(`${rule.metadata.title}: ${category}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps every event id that a positive sample of a channel-routed rule carries', () => {
    const dropped: string[] = [];
    const routed = pack.rules.filter((rule) => rule.route.channels !== undefined);
    expect(routed.length).toBeGreaterThanOrEqual(3);
    for (const event of [...routed.flatMap(positiveEvents), ...correlationSteps()]) {
      const channel = event.fields['Channel'];
      const id = event.fields['EventID'];
      if (typeof channel !== 'string' || typeof id !== 'number') continue;
      const entry = entryOf(channel);
      if (!entry || (entry.event_ids !== undefined && !entry.event_ids.includes(id))) dropped.push(`${channel} ${id}`);
    }
    expect(dropped).toEqual([]);
  });
});

describe('Sysmon configuration (config/collection/sysmon-vmsentry.xml)', () => {
  it('is well-formed Sysmon configuration with a schema version', () => {
    const root = parseXml(readFileSync(SYSMON_FILE, 'utf8'));
    expect(root.attributes['schemaversion']).toMatch(/^4\.\d+$/);
  });

  it('mentions every Sysmon event type a pack rule reads', () => {
    const needed = new Set(
      pack.rules.flatMap((rule) => windowsCategories(rule).flatMap((category) => SYSMON_EVENT_TYPE[category] ?? [])),
    );
    expect([...needed].filter((type) => !sysmon.eventTypes.has(type))).toEqual([]);
    expect(needed.size).toBeGreaterThanOrEqual(7);
  });

  it('logs every positive Windows sample of the pack that Sysmon would describe (rules and correlation steps)', () => {
    const events = [...pack.rules.flatMap(positiveEvents), ...correlationSteps()].filter(isSysmonShaped);
    expect(events.length).toBeGreaterThanOrEqual(20);
    const unlogged = events
      .filter((event) => !sysmon.logs(SYSMON_EVENT_TYPE[event.category] as string, event.fields))
      .map((event) => `${event.category}: ${JSON.stringify(event.fields)}`);
    expect(unlogged).toEqual([]);
  });

  it('stays targeted: routine network, library and file events are not logged', () => {
    expect(sysmon.logs('NetworkConnect', { Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' })).toBe(
      false,
    );
    expect(
      sysmon.logs('ImageLoad', { Image: 'C:\\Windows\\explorer.exe', ImageLoaded: 'C:\\Windows\\System32\\ntdll.dll' }),
    ).toBe(false);
    expect(sysmon.logs('FileCreate', { TargetFilename: 'C:\\Users\\bob\\Downloads\\ubuntu.iso' })).toBe(false);
    expect(
      sysmon.logs('RegistryEvent', { TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\VBoxDRV\\Start' }),
    ).toBe(false);
    expect(sysmon.logs('ProcessAccess', { SourceImage: 'C:\\Windows\\System32\\lsass.exe' })).toBe(false);
  });
});

describe('the Sysmon configuration reader used above', () => {
  it('refuses XML that is not well formed and conditions it does not understand', () => {
    expect(() => parseXml('<Sysmon><EventFiltering></Sysmon>')).toThrow(/closes/);
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
    const odd = parseXml(
      '<Sysmon><EventFiltering><NetworkConnect onmatch="include"><Image condition="less than">5</Image></NetworkConnect></EventFiltering></Sysmon>',
    );
    expect(() => sysmonFilters(odd)).toThrow(/less than/);
  });

  it('applies include, exclude-only and exclude-wins semantics', () => {
    const filters = sysmonFilters(
      parseXml(
        '<Sysmon><EventFiltering>' +
          '<RuleGroup groupRelation="or"><DriverLoad onmatch="exclude"/></RuleGroup>' +
          '<RuleGroup groupRelation="or"><FileCreate onmatch="include"><TargetFilename condition="end with">.vdi</TargetFilename></FileCreate></RuleGroup>' +
          '<RuleGroup groupRelation="or"><FileCreate onmatch="exclude"><Image condition="is">C:\\ok.exe</Image></FileCreate></RuleGroup>' +
          '</EventFiltering></Sysmon>',
      ),
    );
    expect(filters.logs('DriverLoad', { ImageLoaded: 'C:\\x.sys' })).toBe(true);
    expect(filters.logs('FileCreate', { TargetFilename: 'C:\\A.VDI' })).toBe(true);
    expect(filters.logs('FileCreate', { TargetFilename: 'C:\\a.txt' })).toBe(false);
    expect(filters.logs('FileCreate', { TargetFilename: 'C:\\a.vdi', Image: 'C:\\ok.exe' })).toBe(false);
    expect(filters.logs('NetworkConnect', { Image: 'C:\\x.exe' })).toBe(false);
  });
});
