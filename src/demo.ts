/**
 * `credits-bot demo` (= `npm run demo`): the bot against the bundled OpenRouter simulator with its
 * seed data, an in-memory store filled by one sync, and a console session with suggestions.
 * With a non-interactive stdin it answers each line it reads and exits at the end of input.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { createConsoleAdapter } from './adapters/console/console-adapter.js';
import { withRunawayScene } from './cli/demo-runaway.js';
import { loadConfig } from './config.js';
import { syncOnce } from './jobs/sync.js';
import { createLogger } from './logger.js';
import { buildCore } from './main.js';
import {
  createDemoSeed,
  DEMO_GENERATION_IDS,
  DEMO_INFERENCE_KEY,
  DEMO_MANAGEMENT_KEY,
} from './openrouter/simulator/seed.js';
import { startSimulator } from './openrouter/simulator/server.js';

/** What a test fixes so the session is reproducible; the CLI passes nothing (the wall clock, stdin, stdout). */
export interface DemoOptions {
  /** The clock of the seed, the sync and the bot. */
  now?: () => Date;
  input?: Readable;
  output?: Writable;
}

export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const wallClock = opts.now ?? (() => new Date());
  // The runaway scene moves the demo's time forward between credits checks.
  let offsetMs = 0;
  const clock = () => new Date(wallClock().getTime() + offsetMs);
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const now = clock();
  const sim = await startSimulator({ seed: createDemoSeed(now), now: clock });
  const config = loadConfig({
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    LOG_LEVEL: 'warn',
    COMMAND_RATE_LIMIT: '1000',
  });
  const log = createLogger({ level: 'warn' });
  const core = buildCore(config, { log, memoryStore: true, now: clock });
  output.write('Starting the demo: an OpenRouter simulator with 30 days of sample spend, and an in-memory store…\n');
  const handle = await core.store.connected();
  await syncOnce({ db: handle.db, openrouter: core.openrouter, now: clock, logger: log });
  const sampleId = Object.values(DEMO_GENERATION_IDS)[0] ?? 'gen-…';
  const banner = [
    '',
    'credits-bot demo — type a command (the same text as after /credits in Slack), or exit.',
    'Try:',
    '  balance',
    '  usage 30d by key',
    '  usage last-week by provider',
    `  request ${sampleId}`,
    '  explain 402',
    '  estimate openai/gpt-4.1 12000 800',
    '  topup 30',
    '  demo runaway      (a key starts burning; the next credits check reports it)',
    '  help',
    '',
  ].join('\n');
  const bot = withRunawayScene(core.bot, {
    services: core.services,
    sim,
    log,
    advance: (ms) => {
      offsetMs += ms;
    },
  });
  const consoleAdapter = createConsoleAdapter({ input, output, banner }, { bot });
  await consoleAdapter.start();
  await consoleAdapter.closed;
  await bot.settle();
  await core.store.close();
  await sim.close();
  return 0;
}
