import type { ParseError } from '../../lib/model';
import { MAX_QUARANTINED_RECORDS, QuarantineCollector, type QuarantineEntry } from '../../lib/quarantine';

const error = (line: number): ParseError => ({
  code: 'unknown-format',
  format: 'unknown',
  reason: 'no parser recognised the record',
  position: { envelope: 's3', index: line - 1, line, bucket: 'b', key: 'k.gz' },
  excerpt: `garbage ${line}`,
});

describe('QuarantineCollector', () => {
  it('keeps at most 50 samples per invocation, with reason and position, and counts the rest', async () => {
    const written: QuarantineEntry[][] = [];
    const collector = new QuarantineCollector({ put: async (entries) => void written.push([...entries]) });
    collector.add(Array.from({ length: 120 }, (_, i) => error(i + 1)));
    expect(await collector.flush()).toEqual({ written: MAX_QUARANTINED_RECORDS, omitted: 70 });
    expect(MAX_QUARANTINED_RECORDS).toBe(50);
    expect(written).toHaveLength(1);
    expect(written[0]?.[0]).toEqual({
      kind: 'record',
      code: 'unknown-format',
      format: 'unknown',
      reason: 'no parser recognised the record',
      where: 's3://b/k.gz:1',
      position: { envelope: 's3', index: 0, line: 1, bucket: 'b', key: 'k.gz' },
      excerpt: 'garbage 1',
    });
  });

  it('writes nothing when nothing failed to parse (no S3 call for a clean invocation)', async () => {
    const put = jest.fn(async () => {});
    const collector = new QuarantineCollector({ put });
    collector.add([]);
    expect(await collector.flush()).toEqual({ written: 0, omitted: 0 });
    expect(put).not.toHaveBeenCalled();
  });
});
