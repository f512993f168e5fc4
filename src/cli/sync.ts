/**
 * `credits-bot sync`: fetch credits, keys and activity into the store once; prints the summary.
 * @module
 */
import { waitForStore } from '../db/managed-store.js';
import { syncOnce } from '../jobs/sync.js';
import { buildCore } from '../main.js';
import { config, fail } from './common.js';
import { progressBar } from './progress.js';

export async function runSync(): Promise<number> {
  const core = buildCore(config());
  if (!(await waitForStore(core.store, 15_000))) fail(`The store is unavailable: ${core.store.problem() ?? 'unknown'}`);
  const progress = progressBar();
  try {
    const summary = await syncOnce({
      db: core.store.get().db,
      openrouter: core.openrouter,
      now: () => new Date(),
      logger: core.log,
      onProgress: (done, total, step) => progress.update(done, total, step),
    });
    progress.stop();
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.errors.length === 0 ? 0 : 1;
  } finally {
    progress.stop();
    await core.store.close();
  }
}
