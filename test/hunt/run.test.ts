import {
  emptyState,
  type HuntLogEvent,
  type HuntPage,
  type HuntPageReader,
  type HuntPageRequest,
  type HuntState,
  runHunt,
} from '../../lib/hunt';

/** Pages served from arrays; tokens are "<group>#<page index>". */
class ArrayPages implements HuntPageReader {
  readonly requests: HuntPageRequest[] = [];
  constructor(private readonly pages: Record<string, HuntLogEvent[][]>) {}
  async readPage(request: HuntPageRequest): Promise<HuntPage> {
    this.requests.push(request);
    const pages = this.pages[request.logGroup] ?? [[]];
    const index = request.nextToken ? Number(request.nextToken.split('#')[1]) : 0;
    const events = pages[index] ?? [];
    return index + 1 < pages.length ? { events, nextToken: `${request.logGroup}#${index + 1}` } : { events };
  }
}

const ev = (timestampMs: number): HuntLogEvent => ({ message: `m${timestampMs}`, timestampMs, logStream: 's' });
const range = { startMs: 0, endMs: 10_000 };

describe('runHunt', () => {
  it('reads every page of every group in order and saves the state after each page', async () => {
    const reader = new ArrayPages({ '/a': [[ev(1), ev(2)], [ev(3)]], '/b': [[ev(4)]] });
    const processed: string[] = [];
    const saved: HuntState[] = [];
    const summary = await runHunt(['/a', '/b'], emptyState(range), {
      reader,
      process: async (group, events) => {
        processed.push(`${group}:${events.map((event) => event.message).join(',')}`);
      },
      save: async (state) => {
        saved.push(state);
      },
    });
    expect(processed).toEqual(['/a:m1,m2', '/a:m3', '/b:m4']);
    expect(summary).toMatchObject({ pages: 3, events: 4, complete: true });
    expect(saved).toHaveLength(3);
    expect(saved[0]?.groups['/a']).toEqual({ done: false, nextToken: '/a#1', lastTimestampMs: 2, events: 2, pages: 1 });
    expect(summary.state.groups['/b']).toMatchObject({ done: true, events: 1 });
    expect(reader.requests.every((request) => request.startMs === 0 && request.endMs === 10_000)).toBe(true);
  });

  it('resumes from the saved token and skips groups already done', async () => {
    const reader = new ArrayPages({ '/a': [[ev(1)], [ev(2)], [ev(3)]], '/b': [[ev(4)]] });
    const first = await runHunt(['/a', '/b'], emptyState(range), {
      reader,
      process: async () => {},
      save: async () => {},
      maxPages: 2,
    });
    expect(first.complete).toBe(false);
    const processed: string[] = [];
    const second = await runHunt(['/a', '/b'], first.state, {
      reader,
      process: async (_group, events) => {
        processed.push(...events.map((event) => event.message));
      },
      save: async () => {},
    });
    expect(processed).toEqual(['m3', 'm4']);
    expect(second.complete).toBe(true);
    expect(reader.requests[2]?.nextToken).toBe('/a#2');
    const third = await runHunt(['/a', '/b'], second.state, {
      reader,
      process: async () => {
        throw new Error('nothing left to read');
      },
      save: async () => {},
    });
    expect(third.pages).toBe(0);
  });

  it('does not save a page whose processing failed, so a re-run repeats it', async () => {
    const reader = new ArrayPages({ '/a': [[ev(1)], [ev(2)]] });
    let saved: HuntState | undefined;
    const run = runHunt(['/a'], emptyState(range), {
      reader,
      process: async (_group, events) => {
        if (events[0]?.message === 'm2') throw new Error('SNS down');
      },
      save: async (state) => {
        saved = state;
      },
    });
    await expect(run).rejects.toThrow('SNS down');
    expect(saved?.groups['/a']).toMatchObject({ nextToken: '/a#1', pages: 1 });
  });

  it('continues from the last processed event time when the saved token has expired, instead of failing', async () => {
    const reader = new ArrayPages({ '/a': [[ev(100), ev(200)], [ev(300)]] });
    const first = await runHunt(['/a'], emptyState(range), {
      reader,
      process: async () => {},
      save: async () => {},
      maxPages: 1,
    });
    const stale = Object.assign(new Error('The specified nextToken is expired'), { name: 'InvalidParameterException' });
    const requests: HuntPageRequest[] = [];
    const expiring: HuntPageReader = {
      async readPage(request) {
        requests.push(request);
        if (request.nextToken) throw stale;
        return { events: [ev(200), ev(300)] };
      },
    };
    const resumed: number[] = [];
    const second = await runHunt(['/a'], first.state, {
      reader: expiring,
      process: async () => {},
      save: async () => {},
      isStaleToken: (error) => error === stale,
      onStaleToken: (_group, fromMs) => resumed.push(fromMs),
    });
    expect(resumed).toEqual([200]);
    expect(requests.map((request) => [request.startMs, request.nextToken ?? null])).toEqual([
      [0, '/a#1'],
      [200, null],
    ]);
    expect(second.state.groups['/a']).toMatchObject({ done: true, resumeFromMs: 200, lastTimestampMs: 300 });
  });

  it('fails on a reader error that is not a stale token', async () => {
    const broken: HuntPageReader = {
      async readPage() {
        throw new Error('AccessDeniedException');
      },
    };
    await expect(
      runHunt(['/a'], emptyState(range), {
        reader: broken,
        process: async () => {},
        save: async () => {},
        isStaleToken: () => true,
      }),
    ).rejects.toThrow('AccessDeniedException');
  });
});
