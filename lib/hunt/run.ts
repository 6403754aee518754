import type { HuntLogEvent, HuntPage, HuntPageReader } from './pages';
import { type HuntState, progressOf, withProgress } from './state';

export interface HuntDeps {
  readonly reader: HuntPageReader;
  /** Detection over one page's events (parse, rules, correlation, output). */
  readonly process: (logGroup: string, events: readonly HuntLogEvent[]) => Promise<void>;
  /** Called after every page with the new state: persist it so an interrupted hunt resumes here. */
  readonly save: (state: HuntState) => Promise<void>;
  readonly onPage?: (logGroup: string, page: number, events: number) => void;
  /** Stop after this many pages in this run (tests; operators bounding one run). */
  readonly maxPages?: number;
  /**
   * True for the reader's "this nextToken is no longer valid" error (FilterLogEvents tokens expire). The group then
   * continues from the time of its last processed event instead of failing; events of that same millisecond may be
   * read twice.
   */
  readonly isStaleToken?: (error: unknown) => boolean;
  readonly onStaleToken?: (logGroup: string, resumeFromMs: number) => void;
}

export interface HuntSummary {
  readonly state: HuntState;
  readonly pages: number;
  readonly events: number;
  /** True when every group is done. */
  readonly complete: boolean;
}

/**
 * Page through each log group from where the state says it stopped. The state is saved after each page has been
 * processed, so a crash repeats at most one page. Groups already done are skipped.
 */
export async function runHunt(logGroups: readonly string[], initial: HuntState, deps: HuntDeps): Promise<HuntSummary> {
  let state = initial;
  let pages = 0;
  let events = 0;
  const { startMs, endMs } = state.range;
  for (const logGroup of logGroups) {
    let progress = progressOf(state, logGroup);
    while (!progress.done) {
      if (deps.maxPages !== undefined && pages >= deps.maxPages) {
        return { state, pages, events, complete: false };
      }
      let page: HuntPage;
      try {
        page = await deps.reader.readPage({
          logGroup,
          startMs: progress.resumeFromMs ?? startMs,
          endMs,
          ...(progress.nextToken ? { nextToken: progress.nextToken } : {}),
        });
      } catch (error) {
        if (!progress.nextToken || !deps.isStaleToken?.(error)) throw error;
        const { nextToken: _stale, ...rest } = progress;
        const resumeFromMs = progress.lastTimestampMs ?? progress.resumeFromMs ?? startMs;
        progress = { ...rest, resumeFromMs };
        state = withProgress(state, logGroup, progress);
        deps.onStaleToken?.(logGroup, resumeFromMs);
        continue;
      }
      await deps.process(logGroup, page.events);
      pages += 1;
      events += page.events.length;
      const last = page.events.reduce((max, event) => Math.max(max, event.timestampMs), progress.lastTimestampMs ?? 0);
      progress = {
        done: page.nextToken === undefined,
        events: progress.events + page.events.length,
        pages: progress.pages + 1,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        ...(last > 0 ? { lastTimestampMs: last } : {}),
        ...(progress.resumeFromMs !== undefined ? { resumeFromMs: progress.resumeFromMs } : {}),
      };
      state = withProgress(state, logGroup, progress);
      await deps.save(state);
      deps.onPage?.(logGroup, progress.pages, page.events.length);
    }
  }
  return { state, pages, events, complete: logGroups.every((group) => progressOf(state, group).done) };
}
