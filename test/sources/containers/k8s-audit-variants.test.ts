import { join } from 'node:path';
import fc from 'fast-check';
import { loadRuleDirectory, RuleSet } from '../../../lib/rules';
import { parseText } from '../../../lib/sources';
import { k8sAuditParser, MAX_AUDIT_LIST_ITEMS } from '../../../lib/sources/containers/k8s-audit';
import { errorOf, eventsOf, fixture, onlyEventOf, recordOf } from './support';

// Kubernetes audit events are recognised by what every audit event holds (auditID, stage, verb, requestURI/user),
// not by the optional envelope: the variants clusters and log shippers really write, each a fixture here.

const parser = () => k8sAuditParser.create();
const sniff = (value: unknown) => parser().sniff(recordOf(value));
const parse = (value: unknown) => parser().parse(recordOf(value));

const VARIANTS = [
  ['k8s-audit-v1beta1-privileged-pod.json', 'audit.k8s.io/v1beta1 (clusters before 1.24)', 'privileged'],
  ['k8s-audit-no-apiversion-hostnetwork-pod.json', 'kind Event without apiVersion', 'hostNetwork'],
  ['k8s-audit-bare-privileged-pod.json', 'neither kind nor apiVersion', 'privileged'],
  ['k8s-audit-fluentbit-log-wrapped.json', 'a whole event serialised under fluent-bit "log"', 'privileged'],
  ['k8s-audit-fluentbit-merged.json', "fluent-bit's json parser merged at top level, with its own keys", 'hostNetwork'],
  ['k8s-audit-webhook-eventlist.json', "the webhook backend's EventList batch", 'privileged'],
] as const;

describe('Kubernetes audit variants', () => {
  it.each(VARIANTS)('recognises %s (%s)', (file) => {
    expect(sniff(fixture(file))).toBe(true);
  });

  it.each(VARIANTS)('reads %s (%s) as one container_launch that shows the %s pod', (file, _what, setting) => {
    const event = onlyEventOf(parse(fixture(file)));
    expect(event.category).toBe('container_launch');
    expect(event.platform).toBe('kubernetes');
    expect(event.provenance.format).toBe('k8s-audit');
    if (setting === 'privileged') {
      expect(event.fields).toMatchObject({ Privileged: true, HostPathMounts: ['/dev/kvm'], ContainerName: 'vm' });
    } else {
      expect(event.fields).toMatchObject({ HostNetwork: true, Privileged: false, ContainerName: 'bridge' });
    }
    expect(event.fields).toMatchObject({ ApiOperation: 'create', ApiResource: 'pods', ApiResult: '201' });
  });

  it('keeps the inner audit event, not the shipper wrapper, as raw and as the record id', () => {
    const event = onlyEventOf(parse(fixture('k8s-audit-fluentbit-log-wrapped.json')));
    expect(event.provenance.recordId).toBe('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7004');
    expect(event.raw?.['verb']).toBe('create');
    expect(event.raw?.['log']).toBeUndefined();
    expect(event.fields.PodName).toBe('kvm-runner-3');
  });

  it('times a v1beta1 event by its deprecated timestamp when the stage timestamps are missing', () => {
    const audit = fixture('k8s-audit-v1beta1-privileged-pod.json');
    delete audit['requestReceivedTimestamp'];
    delete audit['stageTimestamp'];
    expect(onlyEventOf(parse(audit)).time).toBe('2026-11-21T08:01:02.000Z');
  });

  it('reads only the completed stage of an EventList and ignores the list call in it', () => {
    const list = fixture('k8s-audit-webhook-eventlist.json');
    const items = list['items'] as Record<string, unknown>[];
    expect(items.map((item) => [item['stage'], item['verb']])).toEqual([
      ['RequestReceived', 'create'],
      ['ResponseComplete', 'create'],
      ['ResponseComplete', 'list'],
    ]);
    expect(onlyEventOf(parse(list)).provenance.recordId).toBe('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a006');
  });

  it('shows every variant to the pack: each privileged or hostNetwork pod raises its launch rule', () => {
    const ruleSet = RuleSet.from(loadRuleDirectory(join(process.cwd(), 'rules')).rules);
    const text = VARIANTS.map(([file]) => JSON.stringify(fixture(file))).join('\n');
    const batch = parseText(text, { file: 'k8s-variants.jsonl' });
    expect(batch.errors).toEqual([]);
    expect(batch.eventsByFormat).toEqual({ 'k8s-audit': VARIANTS.length });
    const titles = batch.events.map((event) => ruleSet.match(event).map((detection) => detection.rule.title));
    VARIANTS.forEach(([, , setting], index) => {
      expect(titles[index]).toContain(
        setting === 'privileged'
          ? 'Privileged Container or Pod Launched'
          : 'Container or Pod Launched in Host Namespaces',
      );
    });
  });
});

describe('near misses: content that is not an audit event, and audit events that cannot be read', () => {
  it('does not claim a cluster event (core/v1 Event), whatever audit-like fields it carries', () => {
    const clusterEvent = { ...fixture('k8s-audit-bare-privileged-pod.json'), kind: 'Event', apiVersion: 'v1' };
    expect(sniff(clusterEvent)).toBe(false);
  });

  it('does not claim an object of another kind, or an unknown stage, or one missing verb', () => {
    const base = fixture('k8s-audit-bare-privileged-pod.json');
    expect(sniff({ ...base, kind: 'Pod' })).toBe(false);
    expect(sniff({ ...base, stage: 'Done' })).toBe(false);
    const { verb: _verb, ...noVerb } = base;
    expect(sniff(noVerb)).toBe(false);
    const { requestURI: _uri, user: _user, ...noRequest } = base;
    expect(sniff(noRequest)).toBe(false);
  });

  it('does not claim a shipper line that holds no audit event', () => {
    expect(sniff({ log: '{"level":"info","msg":"GET /healthz 200"}', stream: 'stdout' })).toBe(false);
    expect(sniff({ message: 'auditID is mentioned but this is text' })).toBe(false);
  });

  it('refuses a wrapped event cut by the shipper with a reason saying so', () => {
    const wrapped = fixture('k8s-audit-fluentbit-log-wrapped.json');
    wrapped['log'] = (wrapped['log'] as string).slice(0, 400);
    expect(errorOf(parse(wrapped))).toMatchObject({
      code: 'invalid-record',
      reason: 'the wrapped audit event is not complete JSON (cut by the shipper?)',
    });
  });

  it('refuses wrapped JSON that mentions auditID but is no audit event', () => {
    expect(errorOf(parse({ log: '{"auditID":"x","note":"not an event"}' })).reason).toBe(
      'the wrapped JSON is not a Kubernetes audit event',
    );
  });

  it('refuses an EventList past its cap without reading it, and one that holds no audit event', () => {
    const huge = {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: new Array(MAX_AUDIT_LIST_ITEMS + 1).fill(0),
    };
    expect(errorOf(parse(huge)).reason).toBe(
      `EventList holds ${MAX_AUDIT_LIST_ITEMS + 1} items (max ${MAX_AUDIT_LIST_ITEMS})`,
    );
    expect(errorOf(parse({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [{ a: 1 }] })).reason).toBe(
      'EventList holds no audit event',
    );
    expect(eventsOf(parse({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] }))).toEqual([]);
  });

  it('keeps the good items of an EventList when one item is broken', () => {
    const list = fixture('k8s-audit-webhook-eventlist.json');
    const items = list['items'] as Record<string, unknown>[];
    const broken = { ...items[1], requestReceivedTimestamp: 'never', stageTimestamp: 'never', auditID: 'broken' };
    list['items'] = [broken, ...items];
    expect(eventsOf(parse(list)).map((event) => event.provenance.recordId)).toEqual([
      '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a006',
    ]);
  });
});

describe('hostile wrapped lines', () => {
  it('never throws on a wrapped audit line cut, or with characters replaced, anywhere', () => {
    const wrapped = fixture('k8s-audit-fluentbit-log-wrapped.json');
    const line = wrapped['log'] as string;
    fc.assert(
      fc.property(fc.nat(line.length - 1), fc.string({ maxLength: 3 }), fc.boolean(), (at, insert, cut) => {
        const log = cut ? line.slice(0, at) : line.slice(0, at) + insert + line.slice(at + 1);
        const outcome = parse({ ...wrapped, log });
        if (!outcome.ok) expect(['invalid-record', 'missing-field']).toContain(outcome.error.code);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a wrapped line of deeply nested JSON without failing the batch', () => {
    const log = `{"auditID":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const outcome = parse({ log });
    expect(outcome.ok ? 'ok' : outcome.error.code).toBe('invalid-record');
  });
});
