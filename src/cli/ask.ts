/**
 * `credits-bot ask "<text>"`: one command through the console adapter, printed to stdout.
 * @module
 */
import { askOnce } from '../adapters/console/console-adapter.js';
import { configSecrets } from '../config.js';
import { waitForStore } from '../db/managed-store.js';
import { createLogger } from '../logger.js';
import { buildCore } from '../main.js';
import { config, fail } from './common.js';

export async function ask(text: string | undefined): Promise<number> {
  if (text === undefined) fail('Usage: credits-bot ask "<text>", e.g. credits-bot ask "balance"', 2);
  const cfg = config();
  const quiet = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, secrets: configSecrets(cfg) });
  const core = buildCore(cfg, { log: quiet });
  await waitForStore(core.store, 5_000);
  try {
    const { result, output } = await askOnce(core.bot, text);
    process.stdout.write(`${output}\n`);
    if (result.invalidInput) return 2;
    return result.outcome === 'ok' ? 0 : 1;
  } finally {
    await core.store.close();
  }
}
