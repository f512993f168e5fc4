#!/usr/bin/env node
/**
 * The `credits-bot` command line (contract §4). Each subcommand builds what it needs through
 * main.ts and exits with 0 (done), 1 (could not do it) or 2 (did not understand the input).
 * @module
 */
import { parseArgs } from 'node:util';
import { askOnce } from './adapters/console/console-adapter.js';
import { type Config, ConfigError, configSecrets, loadConfig } from './config.js';
import { DataDirLockedError, exitBecauseLocked } from './db/data-dir-lock.js';
import { migrate } from './db/migrate.js';
import { MissingKeyError } from './errors.js';
import { syncOnce } from './jobs/sync.js';
import { createLogger } from './logger.js';
import { buildCore, type Core, startService } from './main.js';
import { openDb, waitForStore } from './store.js';

const HELP = `credits-bot: OpenRouter credits in Slack, Discord and the terminal

Usage:
  credits-bot                         run the service (adapters whose token is set, HTTP, sync, scheduler)
  credits-bot ask "<text>"            answer one command, e.g. ask "usage 30d by key"
  credits-bot migrate                 apply database migrations
  credits-bot sync                    fetch credits, keys and activity into the store once
  credits-bot digest run [--at <ISO>] send every digest due at that time, exactly once
  credits-bot reconcile <file> [--all] [--out file.csv]
                                      reconcile local request logs (JSON lines or CSV) with OpenRouter
  credits-bot demo                    the bot against the bundled OpenRouter simulator with sample data
  credits-bot discord register        register the /credits slash command
  credits-bot discord invite          print the invite URL for the Discord bot
`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function withStore(core: Core, ms = 15_000): Promise<boolean> {
  return waitForStore(core.store, ms);
}

async function ask(text: string | undefined): Promise<number> {
  if (text === undefined) fail('Usage: credits-bot ask "<text>", e.g. credits-bot ask "balance"', 2);
  const cfg = config();
  const quiet = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, secrets: configSecrets(cfg) });
  const core = buildCore(cfg, { log: quiet });
  await withStore(core, 5_000);
  try {
    const { result, output } = await askOnce(core.bot, text);
    process.stdout.write(`${output}\n`);
    if (result.invalidInput) return 2;
    return result.outcome === 'ok' ? 0 : 1;
  } finally {
    await core.store.close();
  }
}

async function runMigrate(): Promise<number> {
  const cfg = config();
  // Not buildCore: its store would open DATA_DIR too, and PGlite must be opened once per directory.
  const handle = await openDb(cfg, createLogger({ level: cfg.logLevel, secrets: configSecrets(cfg) }));
  await migrate(handle);
  await handle.close();
  process.stdout.write(`Migrations applied (${handle.kind}).\n`);
  return 0;
}

async function runSync(): Promise<number> {
  const core = buildCore(config());
  if (!(await withStore(core))) fail(`The store is unavailable: ${core.store.problem() ?? 'unknown'}`);
  try {
    const summary = await syncOnce({
      db: core.store.get().db,
      openrouter: core.openrouter,
      now: () => new Date(),
      logger: core.log,
    });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.errors.length === 0 ? 0 : 1;
  } finally {
    await core.store.close();
  }
}

async function runService(): Promise<void> {
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

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'start':
      await runService();
      return undefined;
    case 'ask':
      return ask(rest.join(' ').trim() === '' && rest.length === 0 ? undefined : rest.join(' '));
    case 'migrate':
      return runMigrate();
    case 'sync':
      return runSync();
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return runDemo();
    }
    case 'digest': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { at: { type: 'string' } },
        allowPositionals: true,
      });
      if (positionals[0] !== 'run') fail('Usage: credits-bot digest run [--at <ISO time>]', 2);
      const at = values.at ? new Date(values.at) : new Date();
      if (Number.isNaN(at.getTime()))
        fail(`--at must be an ISO time such as 2026-11-30T09:00:00Z, not "${values.at}"`, 2);
      const { runDigestCli } = await import('./jobs/digest-run.js');
      return runDigestCli(config(), at);
    }
    case 'reconcile': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { all: { type: 'boolean' }, out: { type: 'string' } },
        allowPositionals: true,
      });
      const file = positionals[0];
      if (!file) fail('Usage: credits-bot reconcile <file.jsonl|file.csv> [--all] [--out file.csv]', 2);
      const { runReconcileCli } = await import('./reconcile/run-reconcile.js');
      return runReconcileCli(config(), file, { all: values.all ?? false, ...(values.out ? { out: values.out } : {}) });
    }
    case 'discord': {
      const { runDiscordCli } = await import('./adapters/discord/register.js');
      return runDiscordCli(config(), rest[0]);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command.slice(0, 40)}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof DataDirLockedError) exitBecauseLocked(error);
    if (error instanceof MissingKeyError) fail(error.message);
    process.stderr.write(`credits-bot: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
