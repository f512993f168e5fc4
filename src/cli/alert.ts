/**
 * `credits-bot alert check [--at <ISO time>]`: one credits check now, exactly as the service's
 * scheduler runs it (./../jobs/credits-check.ts under the same advisory lock): a `/credits` reading
 * and every key's counters into the store, every alert rule evaluated and delivered through the
 * adapters whose token is set. Prints a JSON summary; exit 1 when a part failed.
 * @module
 */
import { keyActionButtons } from '../commands/keys/buttons.js';
import type { Config } from '../config.js';
import { createHttpServer } from '../http/server.js';
import { runCreditsCheck } from '../jobs/credits-check.js';
import { buildAdapters, buildCore } from '../main.js';

/** The scheduler's lock name for the credits job (src/jobs/scheduler.ts). */
const CREDITS_LOCK = 'credits-bot:job:credits';

export async function runAlertCheckCli(config: Config, at: Date | undefined): Promise<number> {
  const core = buildCore(config, at ? { now: () => at } : {});
  if (!core.openrouter.hasManagementKey) {
    process.stderr.write(
      'alert check needs a management key: set OPENROUTER_MANAGEMENT_KEY in the environment (or .env).\n',
    );
    await core.store.close();
    return 1;
  }
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000).unref());
  if (!(await Promise.race([core.store.connected().then(() => true), timeout]))) {
    process.stderr.write(`The store is unavailable: ${core.store.problem() ?? 'unknown'}\n`);
    return 1;
  }
  // The Slack adapter registers its routes on this server, which never listens: the CLI only posts.
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log: core.log });
  const adapters = await buildAdapters(core, http);
  try {
    for (const adapter of adapters.values()) {
      await adapter
        .start()
        .catch((error: unknown) => core.log.error({ err: error, adapter: adapter.name }, 'adapter failed to start'));
    }
    const locked = await core.store.get().withAdvisoryLock(CREDITS_LOCK, () =>
      runCreditsCheck({
        services: core.services,
        adapters,
        log: core.log,
        runawayButtons: (key) => keyActionButtons(key),
      }),
    );
    if (!locked.ran || !locked.value) {
      process.stdout.write(
        `${JSON.stringify({ ran: false, reason: 'another process is running the credits check' }, null, 2)}\n`,
      );
      return 0;
    }
    const result = locked.value;
    process.stdout.write(`${JSON.stringify({ ran: true, ...result }, null, 2)}\n`);
    return result.snapshot.errors.length > 0 || !result.alerts || result.alerts.failed > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([...adapters.values()].map((a) => a.stop()));
    await core.store.close();
  }
}
