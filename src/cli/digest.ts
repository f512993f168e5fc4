/**
 * `credits-bot digest run [--at]`: send every digest due at that time, exactly once, through the
 * same adapters the service builds (`buildAdapters`).
 * @module
 */
import type { Config } from '../config.js';
import { createHttpServer } from '../http/server.js';
import { runDueDigests } from '../jobs/digest-run.js';
import { buildAdapters, buildCore } from '../main.js';

export async function runDigestCli(config: Config, at: Date): Promise<number> {
  const core = buildCore(config);
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000).unref());
  if (!(await Promise.race([core.store.connected().then(() => true), timeout]))) {
    process.stderr.write(`The store is unavailable: ${core.store.problem() ?? 'unknown'}\n`);
    return 1;
  }
  // The Slack adapter registers its routes on this server, which never listens: the CLI only posts.
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log: core.log });
  // Discord: REST only. A gateway session would receive every event too, and answer pasted ids a
  // second time next to the running service.
  const adapters = await buildAdapters(core, http, { postOnly: true });
  try {
    for (const adapter of adapters.values()) {
      await adapter
        .start()
        .catch((error: unknown) => core.log.error({ err: error, adapter: adapter.name }, 'adapter failed to start'));
    }
    const summary = await runDueDigests({ services: core.services, adapters, at, owner: `cli:${process.pid}` });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([...adapters.values()].map((a) => a.stop()));
    await core.store.close();
  }
}
