/**
 * `credits-bot` (or `start`): the long-running service, with a console on an interactive terminal
 * when no chat token is set, and a graceful stop on SIGTERM/SIGINT.
 * @module
 */
import { startService } from '../main.js';
import { config } from './common.js';

export async function runService(): Promise<void> {
  const cfg = config();
  const chat = Boolean(cfg.slack.botToken || cfg.discord.token);
  const interactive = !chat && process.stdin.isTTY;
  const service = await startService(
    cfg,
    interactive
      ? {
          console: { input: process.stdin, output: process.stdout, banner: 'credits-bot console. Type help, or exit.' },
        }
      : {},
  );
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
