/** A byte-progress bar on stderr, only when stderr is a terminal (never in pipes, CI logs or tests). */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  advance(bytes: number): void;
  stop(): void;
}

const NONE: Progress = { advance() {}, stop() {} };

export function byteProgress(totalBytes: number, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  if (!stderr.isTTY || totalBytes <= 0) return NONE;
  const bar = new SingleBar(
    {
      stream: stderr,
      format: 'scanning [{bar}] {percentage}% | {value}/{total} MB | {eta_formatted} left',
      formatValue: (value, _options, type) =>
        type === 'value' || type === 'total' ? (value / (1024 * 1024)).toFixed(1) : String(value),
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(totalBytes, 0);
  let done = 0;
  return {
    advance(bytes) {
      done += bytes;
      bar.update(Math.min(done, totalBytes));
    },
    stop() {
      bar.stop();
    },
  };
}
