import { createHash } from 'node:crypto';

/**
 * A seeded generator (mulberry32): the same seed gives the same telemetry on every machine, so the committed
 * samples can be checked against a fresh run.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  /** A GUID in Sysmon's braces-and-lower-case spelling. */
  guid(): string {
    return `{${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}}`;
  }

  uuid(): string {
    return this.guid().slice(1, -1);
  }
}

/** Stable made-up file hashes per image, in Sysmon's Hashes spelling. */
export function hashesOf(image: string): string {
  const digest = (algorithm: string) => createHash(algorithm).update(`vmsentry-benign:${image}`).digest('hex');
  return `SHA1=${digest('sha1').toUpperCase()},MD5=${digest('md5').toUpperCase()},SHA256=${digest('sha256').toUpperCase()}`;
}
