/**
 * `credits-bot reconcile <file> [--all] [--out file.csv]`: builds the core, reconciles, prints to
 * stdout, returns the exit code.
 * @module
 */
import type { Config } from '../config.js';
import { waitForStore } from '../db/managed-store.js';
import { buildCore } from '../main.js';
import { reconcileFile } from '../reconcile/run-reconcile.js';
import { progressBar } from './progress.js';

export async function runReconcileCli(
  config: Config,
  file: string,
  opts: { all: boolean; out?: string },
): Promise<number> {
  const core = buildCore(config);
  if (!core.openrouter.hasInferenceKey) {
    process.stderr.write('Reconcile looks each request up on OpenRouter /generation: set OPENROUTER_API_KEY.\n');
    return 1;
  }
  const connected = await waitForStore(core.store, 15_000);
  if (!connected) {
    process.stderr.write(`The store is unavailable: ${core.store.problem() ?? 'unknown'}\n`);
    await core.store.close();
    return 1;
  }
  const progress = progressBar();
  try {
    const result = await reconcileFile(
      file,
      { db: core.store.get().db, openrouter: core.openrouter, log: core.log },
      {
        all: opts.all,
        ...(opts.out ? { out: opts.out } : {}),
        write: (text) => {
          progress.stop(); // the report replaces the bar
          process.stdout.write(text);
        },
        onProgress: (done, total, step) => progress.update(done, total, step),
      },
    );
    return result.exitCode;
  } finally {
    progress.stop();
    await core.store.close();
  }
}
