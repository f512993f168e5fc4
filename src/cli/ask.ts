/**
 * `credits-bot ask "<text>"`: one command through the console adapter, printed to stdout. On the
 * embedded store while the service runs, the question goes to that service (http/local-ask.ts),
 * which owns DATA_DIR; otherwise this process opens the store itself.
 * @module
 */
import { askLocalService, findLocalService } from '../http/local-ask.js';
import { config, fail } from './common.js';

export async function ask(text: string | undefined): Promise<number> {
  if (text === undefined) fail('Usage: credits-bot ask "<text>", e.g. credits-bot ask "balance"', 2);
  const cfg = config();
  if (!cfg.databaseUrl) {
    const service = findLocalService(cfg.dataDir);
    const answer = service ? await askLocalService(service, text) : undefined;
    if (answer) {
      process.stdout.write(`${answer.output}\n`);
      return answer.code;
    }
  }
  // Loaded only on this path: the running-service path above needs none of it.
  const [{ askOnce, exitCodeOf }, { configSecrets }, { waitForStore }, { createLogger }, { buildCore }] =
    await Promise.all([
      import('../adapters/console/console-adapter.js'),
      import('../config.js'),
      import('../db/managed-store.js'),
      import('../logger.js'),
      import('../main.js'),
    ]);
  const quiet = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, secrets: configSecrets(cfg) });
  const core = buildCore(cfg, { log: quiet });
  await waitForStore(core.store, 5_000);
  try {
    const { result, output } = await askOnce(core.bot, text);
    process.stdout.write(`${output}\n`);
    return exitCodeOf(result);
  } finally {
    await core.store.close();
  }
}
