import { CONTENT_LEVELS } from '../alerts/bound';
import { buildAlert } from '../alerts/build';
import { type PublishedAlert, toPublishedAlert } from '../alerts/published-alert';
import { isoTime } from '../alerts/time';
import { dedupKeyOf } from '../dedup/key';
import type { Detection } from '../model';

/**
 * One alert as `vmsentry scan` prints it: the published `vmsentry.alert.v1` (the JSON SNS subscribers read), so a
 * scan's output feeds the same consumers. A scan prints every detection; `dedup` says where each falls in its
 * key's window (count = how many so far), and repeats of a window share its `id`, as the pipeline's would.
 */
export type ScanRecord = PublishedAlert;

/** The pipeline's default dedup window (lib/settings.ts `dedupWindowSeconds`; a test keeps them equal). */
export const SCAN_DEDUP_WINDOW_SECONDS = 3600;

interface Window {
  startMs: number;
  count: number;
  lastMs: number;
}

/**
 * Detections to alerts with the pipeline's dedup identity, windows kept in memory by dedup key (one entry per key
 * seen: bounded by the alerts, not the events). Window boundaries follow event time, as the dedup table's do.
 */
export class ScanAlertBuilder {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: {
      readonly nowMs: number;
      readonly windowSeconds?: number;
      readonly allowlistTable?: string;
    },
  ) {}

  alertOf(detection: Detection): ScanRecord {
    const key = dedupKeyOf(detection, this.options.windowSeconds ?? SCAN_DEDUP_WINDOW_SECONDS);
    const at = detection.event.timeMs;
    let window = this.windows.get(key.hash);
    if (!window || at >= window.startMs + key.windowSeconds * 1000 || at < window.startMs) {
      window = { startMs: at, count: 0, lastMs: at };
      this.windows.set(key.hash, window);
    }
    window.count++;
    window.lastMs = Math.max(window.lastMs, at);
    const alert = buildAlert({
      detection,
      dedup: {
        key: key.hash,
        count: window.count,
        firstSeen: isoTime(window.startMs),
        lastSeen: isoTime(window.lastMs),
        windowSeconds: key.windowSeconds,
      },
      allowlist: 'checked',
      windowStartMs: window.startMs,
    });
    const fullest = CONTENT_LEVELS[0];
    if (!fullest) throw new Error('no content level');
    return toPublishedAlert(
      alert,
      this.options.allowlistTable ? { allowlistTable: this.options.allowlistTable } : {},
      fullest,
      this.options.nowMs,
    );
  }
}
