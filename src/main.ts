/**
 * The composition root: config → logger → metrics → OpenRouter → store → bot → HTTP → adapters →
 * scheduler → graceful stop. The only place that builds things.
 * @module
 */

import { askOnce, createConsoleAdapter, exitCodeOf } from './adapters/console/console-adapter.js';
import { autocomplete } from './commands/autocomplete.js';
import { type Bot, createBot } from './commands/dispatch.js';
import { buttons, commands } from './commands/index.js';
import { keyActionButtons } from './commands/keys/buttons.js';
import { type Config, configSecrets } from './config.js';
import type { ChatAdapter } from './core/chat-adapter.js';
import type { Platform, Services } from './core/services.js';
import type { DbHandle } from './db/client.js';
import { createManagedStore, type ManagedStore } from './db/managed-store.js';
import { markProcessed } from './db/queries/processed-events.js';
import { listSyncState } from './db/queries/sync-state.js';
import { createShardLease, fingerprint } from './db/shard-lease.js';
import { registerHealthRoutes } from './http/health.js';
import { registerIngestRoutes } from './http/ingest.js';
import { serveLocalAsk } from './http/local-ask.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { createScheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './logger.js';
import { registerMoneyMetrics } from './metrics/money.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOpenRouterClient } from './openrouter/client.js';
import type { OpenRouterClient } from './openrouter/types.js';
import { createEnrichWorker, type EnrichWorker } from './reconcile/enrich.js';

export interface Core {
  config: Config;
  log: Logger;
  metrics: Metrics;
  openrouter: OpenRouterClient;
  store: ManagedStore;
  services: Services;
  bot: Bot;
}

/** Builds the platform-free part: what `ask`, `sync`, `digest run` and the service share. */
export interface CoreOptions {
  log?: Logger;
  memoryStore?: boolean;
  now?: () => Date;
  /** Store reconnect and health-ping intervals (tests shorten them); `open` replaces the config's store (tests). */
  store?: { retryMs?: number; pingMs?: number; open?: () => Promise<DbHandle> };
  /** Epoch ms by which OpenRouter calls end, whatever their budget (`credits-bot ask`). */
  answerBy?: () => number;
  /** Epoch ms after which a command no longer waits for a store that is still connecting. */
  storeBy?: number;
}

export function buildCore(config: Config, opts: CoreOptions = {}): Core {
  const log = opts.log ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const metrics = createMetrics();
  const openrouter = createOpenRouterClient({
    baseUrl: config.openrouter.baseUrl,
    ...(config.openrouter.apiKey ? { apiKey: config.openrouter.apiKey.reveal() } : {}),
    ...(config.openrouter.managementKey ? { managementKey: config.openrouter.managementKey.reveal() } : {}),
    logger: log.child({ component: 'openrouter' }),
    ...(opts.answerBy !== undefined ? { notAfter: opts.answerBy } : {}),
    onCall: (endpoint: string, status: number | 'error', ms: number) => {
      metrics.openrouterCalls.inc({ endpoint, status: String(status) });
      metrics.openrouterSeconds.observe({ endpoint }, ms / 1000);
    },
  });
  const store = createManagedStore({
    config,
    log: log.child({ component: 'store' }),
    ...(opts.memoryStore ? { memory: true } : {}),
    ...opts.store,
    ...(opts.storeBy !== undefined ? { waitUntil: opts.storeBy } : {}),
  });
  const services: Services = { config, openrouter, store, log, metrics, now: opts.now ?? (() => new Date()) };
  const bot = createBot(services, commands, buttons);
  return { config, log, metrics, openrouter, store, services, bot };
}

/**
 * The chat adapters whose token is set, wired the same way for the service and every CLI path that
 * posts (`digest run`): processed-event dedupe for Slack, autocomplete for Discord. The Slack adapter
 * registers its routes on `http`; the caller decides whether that server ever listens.
 */
export async function buildAdapters(
  core: Core,
  http: HttpServer,
  opts: {
    /** Replicas on one Postgres: the Discord adapter connects only the gateway shards it leases. */
    shardLease?: boolean;
    /** One-shot commands: the Discord adapter posts through REST and never opens a gateway session. */
    postOnly?: boolean;
  } = {},
): Promise<Map<Platform, ChatAdapter>> {
  const { config, log, metrics, store, services, bot } = core;
  const adapters = new Map<Platform, ChatAdapter>();
  // Each platform's SDK (Bolt, discord.js: seconds of start-up and tens of MB) loads only when its token is set.
  if (config.slack.botToken) {
    const { createSlackAdapter } = await import('./adapters/slack/slack-adapter.js');
    adapters.set(
      'slack',
      createSlackAdapter(config, {
        bot,
        log: log.child({ adapter: 'slack' }),
        metrics,
        http,
        markProcessed: async (eventId: string) =>
          store.available() ? markProcessed(store.get().db, { platform: 'slack', eventId }) : true,
      }),
    );
  }
  if (config.discord.token) {
    const { createDiscordAdapter } = await import('./adapters/discord/discord-adapter.js');
    // Replicas on one Postgres take turns per gateway shard; the embedded store is one process anyway.
    const databaseUrl = opts.shardLease ? config.databaseUrl?.reveal() : undefined;
    const lease = databaseUrl
      ? createShardLease({
          databaseUrl,
          scope: `discord:${fingerprint(config.discord.token.reveal())}`,
          log: log.child({ component: 'shard-lease' }),
        })
      : undefined;
    adapters.set(
      'discord',
      createDiscordAdapter(config, {
        bot,
        log: log.child({ adapter: 'discord' }),
        metrics,
        autocomplete: (source, partial) => autocomplete(services, source, partial),
        ...(lease ? { lease } : {}),
        ...(opts.postOnly ? { postOnly: true } : {}),
      }),
    );
  }
  return adapters;
}

export interface RunningService {
  core: Core;
  http: HttpServer;
  url: string;
  adapters: Map<Platform, ChatAdapter>;
  stop(): Promise<void>;
}

/** Starts the whole service; resolves once the HTTP server listens (the store may still be connecting). */
export async function startService(
  config: Config,
  opts: CoreOptions & {
    console?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; banner?: string };
  } = {},
): Promise<RunningService> {
  // The service logs to stdout (JSON, or pino-pretty on a terminal); the console REPL keeps stdout for itself.
  const log0 =
    opts.log ??
    createLogger({ level: config.logLevel, secrets: configSecrets(config), to: opts.console ? 'stderr' : 'stdout' });
  const core = buildCore(config, { ...opts, log: log0 });
  const { log, metrics, store, services, bot } = core;
  registerMoneyMetrics({
    registry: metrics.registry,
    db: () => (store.available() ? store.get().db : undefined),
    now: services.now,
    onError: (err) => log.warn({ err }, 'money metrics unavailable'),
  });
  const http = createHttpServer({ host: config.host, port: config.port, log: log.child({ component: 'http' }) });
  const adapters = await buildAdapters(core, http, { shardLease: true });
  registerHealthRoutes(http, {
    metrics,
    metricsToken: config.metricsToken,
    syncLag: async () => {
      if (!store.available()) return {};
      const now = services.now().getTime();
      const rows = await listSyncState(store.get().db);
      return Object.fromEntries(
        rows.filter((r) => r.lastOkAt).map((r) => [r.name, Math.max(0, (now - (r.lastOkAt?.getTime() ?? now)) / 1000)]),
      );
    },
    checks: () => [
      { name: 'store', ready: () => store.available(), problem: () => store.problem() },
      ...[...adapters.values()]
        .filter((a) => a.name !== 'console')
        .map((a) => ({ name: a.name, ready: () => a.ready() })),
    ],
  });
  registerIngestRoutes(http, { services, log: log.child({ component: 'ingest' }) });
  // On the embedded store, `credits-bot ask` talks to this process instead of opening DATA_DIR.
  const localAsk = config.databaseUrl
    ? undefined
    : serveLocalAsk(http, {
        dataDir: config.dataDir,
        log,
        ask: async (text) => {
          const { result, output } = await askOnce(bot, text);
          return { output, code: exitCodeOf(result) };
        },
      });
  const { url } = await http.start();
  // Published once the store is ours (the DATA_DIR lock is taken when it opens): a second service that
  // fails on the lock must not overwrite the holder's file.
  if (localAsk) {
    store
      .connected()
      .then(() => localAsk.publish(url))
      .catch(() => undefined);
  }
  log.info({ url }, 'http server listening');

  for (const adapter of adapters.values()) {
    adapter
      .start()
      .catch((error: unknown) => log.error({ err: error, adapter: adapter.name }, 'adapter failed to start'));
  }
  let consoleAdapter: ReturnType<typeof createConsoleAdapter> | undefined;
  if (opts.console) {
    consoleAdapter = createConsoleAdapter(
      {
        input: opts.console.input as never,
        output: opts.console.output as never,
        ...(opts.console.banner ? { banner: opts.console.banner } : {}),
      },
      { bot },
    );
    adapters.set('console', consoleAdapter);
    await consoleAdapter.start();
  }
  const scheduler = createScheduler({
    services,
    adapters,
    log: log.child({ component: 'scheduler' }),
    // A runaway key's message carries Disable key / Set limit… / Snooze (issue 13 item 4).
    runawayButtons: (key) => keyActionButtons(key),
  });
  scheduler.start();
  let enrich: EnrichWorker | undefined;
  if (core.openrouter.hasInferenceKey) {
    store
      .connected()
      .then((handle) => {
        enrich = createEnrichWorker(
          { db: handle.db, openrouter: core.openrouter, log: log.child({ component: 'enrich' }) },
          { concurrency: 4, ratePerSecond: 10 },
        );
        enrich.start();
      })
      .catch((error: unknown) => log.error({ err: error }, 'request-log enrichment did not start'));
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info('stopping: no new work, finishing what is in flight');
      localAsk?.remove();
      await scheduler.stop();
      await enrich?.stop();
      await Promise.allSettled([...adapters.values()].map((a) => a.stop()));
      await http.stop();
      await core.bot.settle(); // the audit rows of the last answers
      await store.close();
      log.info('stopped');
      log.flush?.();
    })();
    return stopping;
  };
  return { core, http, url, adapters, stop };
}
