#!/usr/bin/env node
/**
 * The `credits-bot` command line (contract §4): a thin argument switch. Each subcommand lives in
 * `src/cli/`, loaded only when asked for (so `--help` or an `ask` answered by the running service
 * loads no SDK and no store), builds what it needs through main.ts and exits with 0 (done), 1 (could not do it) or 2 (did not understand the input).
 * @module
 */
import module, { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fail } from './cli/fail.js';
import type { Config } from './config.js';

// Node 22.1+ keeps V8's compiled code of the modules it loads (the bundle's chunks) on disk, so later
// starts skip most compiling (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir).
// Node 20 has no such cache: a no-op there. The modules loaded after this line are the heavy ones.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** The version in package.json: the nearest one above this file (dist/cli.js, dist/app/cli.js). */
function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version: string };
      if (pkg.name === 'credits-bot') return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

/** The settings, loaded only by the subcommands that need them (zod alone is ~100 ms of start-up). */
async function config(): Promise<Config> {
  return (await import('./cli/common.js')).config();
}

const HELP = `credits-bot: OpenRouter credits in Slack, Discord and the terminal

Usage:
  credits-bot                         run the service (adapters whose token is set, HTTP, sync, scheduler)
  credits-bot ask "<text>"            answer one command, e.g. ask "usage 30d by key"
  credits-bot migrate                 apply database migrations
  credits-bot sync                    fetch credits, keys and activity into the store once
  credits-bot digest run [--at <ISO>] send every digest due at that time, exactly once
  credits-bot alert check [--at <ISO>]
                                      one credits check: snapshot credits and keys, evaluate and deliver every alert
  credits-bot reconcile <file> [--all] [--out file.csv]
                                      reconcile local request logs (JSON lines or CSV) with OpenRouter
  credits-bot demo                    the bot against the bundled OpenRouter simulator with sample data
  credits-bot discord register        register the /credits slash command
  credits-bot discord invite          print the invite URL for the Discord bot
  credits-bot --version               print the version
  credits-bot --help                  print this help

Settings come from the environment (and a .env file); see .env.example and the README.
`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'start': {
      const { runService } = await import('./cli/service.js');
      await runService();
      return undefined;
    }
    case 'ask': {
      const { ask } = await import('./cli/ask.js');
      return ask(rest.join(' ').trim() === '' && rest.length === 0 ? undefined : rest.join(' '));
    }
    case 'migrate': {
      const { runMigrate } = await import('./cli/migrate.js');
      return runMigrate();
    }
    case 'sync': {
      const { runSync } = await import('./cli/sync.js');
      return runSync();
    }
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
      const { runDigestCli } = await import('./cli/digest.js');
      return runDigestCli(await config(), at);
    }
    case 'alert': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { at: { type: 'string' } },
        allowPositionals: true,
      });
      if (positionals[0] !== 'check') fail('Usage: credits-bot alert check [--at <ISO time>]', 2);
      const at = values.at ? new Date(values.at) : undefined;
      if (at && Number.isNaN(at.getTime()))
        fail(`--at must be an ISO time such as 2026-11-30T09:00:00Z, not "${values.at?.slice(0, 40)}"`, 2);
      const { runAlertCheckCli } = await import('./cli/alert.js');
      return runAlertCheckCli(await config(), at);
    }
    case 'reconcile': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { all: { type: 'boolean' }, out: { type: 'string' } },
        allowPositionals: true,
      });
      const file = positionals[0];
      if (!file) fail('Usage: credits-bot reconcile <file.jsonl|file.csv> [--all] [--out file.csv]', 2);
      const { runReconcileCli } = await import('./cli/reconcile.js');
      return runReconcileCli(await config(), file, {
        all: values.all ?? false,
        ...(values.out ? { out: values.out } : {}),
      });
    }
    case 'discord': {
      const { runDiscordCli } = await import('./cli/discord.js');
      return runDiscordCli(await config(), rest[0]);
    }
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`${version()}\n`);
      return 0;
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
  async (error: unknown) => {
    const [{ DataDirLockedError, exitBecauseLocked }, { MissingKeyError }] = await Promise.all([
      import('./db/data-dir-lock.js'),
      import('./errors.js'),
    ]);
    if (error instanceof DataDirLockedError) exitBecauseLocked(error);
    if (error instanceof MissingKeyError) fail(error.message);
    process.stderr.write(`credits-bot: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
