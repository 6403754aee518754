/**
 * Records written by an intruder: prototype keys, decompression bombs, and vmsentry's own event JSON (which any
 * writer to a subscribed log group can emit, with any host it likes). The pipeline must keep such records as data,
 * refuse bombs with a typed error, and keep the envelope's identity next to whatever the record claims.
 */
import { gzipSync } from 'node:zlib';
import { hostKeys } from '../../lib/model';
import { decodeCloudWatchEvent, parseRecords } from '../../lib/sources';

const STREAM = 'i-0abc1234def567890';

function cloudWatchPayload(messages: readonly string[]): unknown {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/app/json',
    logStream: STREAM,
    subscriptionFilters: ['vmsentry'],
    logEvents: messages.map((message, index) => ({ id: String(index), timestamp: 1764244800000, message })),
  };
}

function parsePayload(payload: unknown, options: { acceptNormalized?: boolean } = {}) {
  const decoded = decodeCloudWatchEvent(payload);
  if (!decoded.ok) throw new Error(decoded.error.reason);
  return parseRecords(decoded.records, options);
}

const forged = (fields: string): string =>
  `{"category":"process_creation","platform":"linux","host":{"hostname":"ci-runner-01","instanceId":"i-0ffffffffffffffff"},"fields":${fields}}`;

describe('hostile records', () => {
  describe('a "__proto__" key in the fields of an event (local input, where normalized JSON is accepted)', () => {
    it('stays an own field and never becomes the prototype of the fields object', () => {
      const batch = parsePayload(cloudWatchPayload([forged('{"Image":"/usr/bin/docker","__proto__":["polluted"]}')]), {
        acceptNormalized: true,
      });
      const fields = batch.events[0]?.fields as Record<string, unknown>;
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
      expect(Object.hasOwn(fields, '__proto__')).toBe(true);
      expect(Array.isArray(fields)).toBe(false);
    });

    it('leaves Object.prototype untouched', () => {
      parsePayload(cloudWatchPayload([forged('{"Image":"/usr/bin/docker","__proto__":{"Image":"x"}}')]), {
        acceptNormalized: true,
      });
      expect(Object.hasOwn(Object.prototype, 'Image')).toBe(false);
    });
  });

  describe("vmsentry's own event JSON written into a subscribed log group", () => {
    it('is refused as an unknown format: only local, operator-supplied input may use that format', () => {
      const batch = parsePayload(cloudWatchPayload([forged('{"Image":"/usr/bin/VBoxManage"}')]));
      expect(batch.events).toEqual([]);
      expect(batch.unknown).toBe(1);
    });

    it('is refused even when the log group hint names it', () => {
      const decoded = decodeCloudWatchEvent(cloudWatchPayload([forged('{"Image":"/usr/bin/VBoxManage"}')]), {
        formatHints: [{ prefix: '/app/', format: 'normalized' }],
      });
      if (!decoded.ok) throw new Error(decoded.error.reason);
      expect(parseRecords(decoded.records).events).toEqual([]);
    });

    it('when accepted locally, still carries the instance id of the log stream it arrived in as a host key', () => {
      const batch = parsePayload(cloudWatchPayload([forged('{"Image":"/usr/bin/VBoxManage"}')]), {
        acceptNormalized: true,
      });
      const event = batch.events[0];
      expect(event?.host.hostname).toBe('ci-runner-01');
      expect(event && hostKeys(event.host)).toEqual(expect.arrayContaining([STREAM, 'ci-runner-01']));
      expect(event?.host.logStream).toBe(STREAM);
    });
  });

  describe('a gzip bomb in a CloudWatch subscription event', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));

    it('is refused with a typed envelope-too-large error, not decompressed', () => {
      const decoded = decodeCloudWatchEvent(
        { awslogs: { data: bomb.toString('base64') } },
        { limits: { maxDecompressedBytes: 1024 * 1024 } },
      );
      expect(decoded.ok).toBe(false);
      expect(!decoded.ok && decoded.error.code).toBe('envelope-too-large');
    });

    it('is decoded when it fits the bound (the refusal above is the bound, not the data)', () => {
      const small = gzipSync(Buffer.from(JSON.stringify(cloudWatchPayload(['x']))));
      const decoded = decodeCloudWatchEvent({ awslogs: { data: small.toString('base64') } });
      expect(decoded.ok).toBe(true);
    });
  });
});
