/**
 * `credits-bot ask "<text>"`: one command through the console adapter, printed to stdout. On the
 * embedded store while the service runs, the question goes to that service (http/local-ask.ts),
 * which owns DATA_DIR; otherwise this process opens the store itself.
 * @module
 */
import { fail } from './fail.js';

/**
 * `ask` answers within 5 s of its start when OpenRouter hangs (then with the stored figures, "as of"
 * when they were taken), like the service: OpenRouter calls end by ANSWER_WITHIN_MS after the start,
 * leaving time to render and exit. Stale figures need the store, so a store that is slow to open
 * (PGlite reopening a data dir on a busy machine) is waited for, up to STORE_WITHIN_MS, and OpenRouter
 * then still gets OPENROUTER_AT_LEAST_MS: a slow store must not turn a slow OpenRouter into a failure.
 * The start is when `ask` begins to run; node's own boot before it is the machine's.
 */
const STORE_WITHIN_MS = 10_000;
const ANSWER_WITHIN_MS = 3_800;
const OPENROUTER_AT_LEAST_MS = 2_500;

export async function ask(text: string | undefined): Promise<number> {
  if (text === undefined) fail('Usage: credits-bot ask "<text>", e.g. credits-bot ask "balance"', 2);
  const started = Date.now();
  const fromCatalog = await answerFromCatalog(text);
  if (fromCatalog !== undefined) {
    process.stdout.write(`${fromCatalog}\n`);
    return 0;
  }
  const [{ config }, { askLocalService, findLocalService }] = await Promise.all([
    import('./common.js'),
    import('../http/local-ask.js'),
  ]);
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
  const [{ askOnce, exitCodeOf }, { configSecrets }, { createLogger }, { buildCore }] = await Promise.all([
    import('../adapters/console/console-adapter.js'),
    import('../config.js'),
    import('../logger.js'),
    import('../main.js'),
  ]);
  const quiet = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, secrets: configSecrets(cfg) });
  let answerBy = started + ANSWER_WITHIN_MS;
  const core = buildCore(cfg, { log: quiet, answerBy: () => answerBy, storeBy: started + STORE_WITHIN_MS });
  // Resolves early when the store is there, or when its first attempt failed (Postgres down).
  await core.store.whenStarted(STORE_WITHIN_MS);
  const storeReadyAt = Date.now();
  answerBy = Math.max(answerBy, storeReadyAt + OPENROUTER_AT_LEAST_MS);
  try {
    const { result, output } = await askOnce(core.bot, text);
    process.stdout.write(`${output}\n`);
    // For LOG_LEVEL=debug (and the e2e test), on this process's clock: the start, when the store was
    // there, the deadline OpenRouter got, and the answer.
    quiet.debug({ startedAt: started, storeReadyAt, answerBy, answeredAt: Date.now() }, 'ask answered');
    return exitCodeOf(result);
  } finally {
    await core.bot.settle();
    await core.store.close();
  }
}

/**
 * `help` and `help <command>` need neither the store, OpenRouter nor the settings: they are rendered
 * from the built command catalog (commands/catalog.ts) with the same `helpReply` and text renderer
 * the bot uses, so the answer is the same and node starts no store. Undefined for anything else, or
 * when there is no built catalog (running from source).
 */
async function answerFromCatalog(text: string): Promise<string | undefined> {
  const [{ help, helpReply }, { parseCommandText }, { readCatalog }] = await Promise.all([
    import('../commands/help.js'),
    import('../commands/grammar.js'),
    import('../commands/catalog.js'),
  ]);
  const parsed = parseCommandText(text, [help]);
  if (!parsed.ok || parsed.command !== help) return undefined;
  const catalog = readCatalog();
  if (!catalog) return undefined;
  const { renderText } = await import('../adapters/render-text.js');
  const topic = parsed.args.topic;
  return renderText(helpReply(typeof topic === 'string' ? topic : undefined, catalog));
}
