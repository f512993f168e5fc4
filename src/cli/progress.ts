/**
 * Progress bars for long command-line jobs (`sync`, `reconcile`), drawn by cli-progress on stderr
 * only when stderr is a terminal: in a pipe, a file or CI nothing is drawn, so stdout and logs stay clean.
 * @module
 */
import cliProgress from 'cli-progress';

interface Progress {
  /** Sets the total (it may grow as the job learns more) and the current count. */
  update(done: number, total: number, step: string): void;
  stop(): void;
}

/** A bar on `stream` when it is a terminal, else a no-op. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: '{bar} {percentage}% | {value}/{total} | {step}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, step) {
      if (!started) {
        bar.start(total, done, { step });
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(done, { step });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
