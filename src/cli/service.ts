/**
 * `credits-bot` (or `start`): the long-running service, with a console on an interactive terminal
 * when no chat token is set, and a graceful stop on SIGTERM/SIGINT.
 * @module
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { configSecrets } from '../config.js';
import type { DbHandle } from '../db/client.js';
import { openDb } from '../db/managed-store.js';
import { createLogger } from '../logger.js';
import { config } from './common.js';

export async function runService(): Promise<void> {
  const cfg = config();
  const chat = Boolean(cfg.slack.botToken || cfg.discord.token);
  const interactive = !chat && process.stdin.isTTY;
  // While the console REPL owns the terminal, log lines go to a file (JSON lines) so they never
  // interleave with the prompt or an answer; the banner says where.
  const logFile = join(cfg.dataDir, 'console.log');
  const log = interactive
    ? createLogger({
        level: cfg.logLevel,
        secrets: configSecrets(cfg),
        destination: pino.destination({ dest: logFile, mkdir: true, sync: false }),
      })
    : createLogger({ level: cfg.logLevel, secrets: configSecrets(cfg), to: 'stdout' });
  // The store starts opening now, while the rest of the service (Bolt, discord.js, the commands:
  // about a second of module loading) loads; PGlite's own start runs in its thread meanwhile. The
  // managed store takes this first attempt, and opens again by itself should it fail.
  let first: Promise<DbHandle> | undefined = openDb(cfg, log.child({ component: 'store' }));
  first.catch(() => {}); // handled by the managed store when it takes it
  const open = () => {
    const attempt = first ?? openDb(cfg, log.child({ component: 'store' }));
    first = undefined;
    return attempt;
  };
  const { startService } = await import('../main.js');
  const service = await startService(cfg, {
    log,
    store: { open },
    ...(interactive
      ? {
          console: {
            input: process.stdin,
            output: process.stdout,
            banner: `credits-bot console (logs: ${logFile}). Type help, or exit.`,
          },
        }
      : {}),
  });
  const shutdown = (signal: string) => {
    service.core.log.info({ signal }, 'signal received');
    const timer = setTimeout(() => process.exit(1), 25_000);
    timer.unref();
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  const consoleAdapter = service.adapters.get('console') as { closed?: Promise<void> } | undefined;
  if (consoleAdapter?.closed) consoleAdapter.closed.then(() => shutdown('console closed'));
}
