import type { NormalizedEvent } from '../../lib/model';
import { collapseFloods, FLOOD_SAMPLE_HOSTS } from '../../lib/pipeline/flood';
import { detection, processEvent, rule } from '../allowlist/fixtures';

/** One detection of the test rule for `hostname`, delivered through `provenance`. */
function from(hostname: string, provenance: Partial<NormalizedEvent['provenance']> = {}) {
  const event = processEvent({ host: { hostname } });
  return detection({ ...event, provenance: { ...event.provenance, ...provenance } });
}

const many = (n: number, provenance: Partial<NormalizedEvent['provenance']> = {}, prefix = 'h') =>
  Array.from({ length: n }, (_, i) => from(`${prefix}-${i}`, provenance));

describe('collapseFloods', () => {
  it('keeps every detection while a rule names no more hosts from one source than the threshold', () => {
    const detections = many(5);
    expect(collapseFloods(detections, 5)).toEqual({ detections, floods: [] });
  });

  it('names the source, the counts and at most 20 sample hosts, each cut to 64 characters', () => {
    const long = `${'x'.repeat(500)}.example`;
    const { detections, floods } = collapseFloods([from(long), ...many(40)], 10);
    expect(detections).toHaveLength(1);
    expect(floods).toEqual([
      expect.objectContaining({
        detections: 41,
        hosts: 41,
        source: 'log group /windows/sysmon, stream i-0123456789abcdef0',
      }),
    ]);
    expect(floods[0]?.sample).toHaveLength(FLOOD_SAMPLE_HOSTS);
    expect(floods[0]?.sample[0]).toBe(`${'x'.repeat(64)}…`);
  });

  it('gives the flood alert the identity the delivery proves: the stream, and its instance id when it is one', () => {
    const [flood] = collapseFloods(many(3), 2).detections;
    expect(flood?.event.host).toEqual({ logStream: 'i-0123456789abcdef0', instanceId: 'i-0123456789abcdef0' });
    expect(flood?.rule.title).toBe(`Alert flood: ${rule().title}`);
    expect(flood?.rule.id).toBe(rule().id);
  });

  it('leaves EDR feed objects and messages alone: they carry many hosts by design, each with its own allowlist', () => {
    const edr = (envelope: 's3' | 'sqs') =>
      Array.from({ length: 3 }, (_, i) => {
        const event = processEvent({ host: { hostname: `h-${i}` } });
        const provenance = {
          envelope,
          index: i,
          bucket: 'edr',
          key: 'a.json',
          messageId: 'm-1',
          format: 'ecs' as const,
        };
        return detection({ ...event, provenance });
      });
    for (const envelope of ['s3', 'sqs'] as const) {
      const detections = edr(envelope);
      expect(collapseFloods(detections, 2)).toEqual({ detections, floods: [] });
    }
  });

  it('names a local file as the host of a flood from it', () => {
    const fromFile = Array.from({ length: 3 }, (_, i) => {
      const event = processEvent({ host: { hostname: `h-${i}` } });
      const provenance = { envelope: 'file' as const, index: i, file: 'events.jsonl', format: 'ecs' as const };
      return detection({ ...event, provenance });
    });
    const [flood] = collapseFloods(fromFile, 2).detections;
    expect(flood?.event.host).toEqual({ hostname: 'file events.jsonl' });
  });

  it('counts each source on its own: many sources of a few hosts each are no flood', () => {
    const detections = Array.from({ length: 10 }, (_, i) => many(2, { logStream: `stream-${i}` }, `s${i}`)).flat();
    expect(collapseFloods(detections, 2).floods).toEqual([]);
  });

  it('keeps the other sources in place beside a flood, order kept', () => {
    const real = from('real', { logStream: 'real-stream' });
    const { detections } = collapseFloods([...many(3), real], 2);
    expect(detections).toHaveLength(2);
    expect(detections[1]).toBe(real);
  });
});
