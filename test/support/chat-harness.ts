/**
 * The real core for the chat end-to-end suites: `buildCore` from src/main.ts (the registry's commands
 * and buttons), a migrated store from test/support/db.ts (PGlite, or the Postgres server of
 * TEST_DATABASE_URL), the seeded OpenRouter simulator synced into that store by the real sync job,
 * and the adapters `buildAdapters` wires for the service (Bolt against fake-slack, discord.js against
 * fake-discord), on the bot's own HTTP server.
 * @module
 */
import { loadConfig } from '../../src/config.js';
import type { ChatAdapter } from '../../src/core/chat-adapter.js';
import type { Platform } from '../../src/core/services.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/logger.js';
import { buildAdapters, buildCore, type Core } from '../../src/main.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { type Backend, type TestDb, testDb } from './db.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from './openrouter.js';

export interface ChatCore {
  backend: Backend;
  or: TestOpenRouter;
  db: TestDb;
  core: Core;
  now: Date;
  /** What the bot logged (JSON lines). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real core on a real store, synced from the seeded simulator. `env` adds or overrides settings
 * (chat tokens, BOT_ADMINS …); the OpenRouter keys are the simulator's demo keys.
 */
export async function startChatCore(
  opts: { backend?: Backend; env?: Record<string, string>; now?: Date; logLevel?: string } = {},
): Promise<ChatCore> {
  const now = opts.now ?? TEST_NOW;
  const level = opts.logLevel ?? 'warn';
  const or = await startTestOpenRouter({ now });
  const db = await testDb(opts.backend);
  const config = loadConfig({
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    COMMAND_RATE_LIMIT: '1000',
    LOG_LEVEL: level,
    ...opts.env,
  });
  const logs: string[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => logs.push(line) } });
  // The store's close belongs to the test database (it drops the Postgres database afterwards).
  const handle = { ...db.handle, close: async () => {} } as typeof db.handle;
  const core = buildCore(config, { log, now: () => now, store: { open: async () => handle } });
  await core.store.connected();
  const synced = await syncOnce({ db: db.db, openrouter: core.openrouter, now: () => now, logger: log });
  if (synced.errors.length > 0) throw new Error(`sync failed: ${JSON.stringify(synced.errors)}`);
  return {
    backend: db.backend,
    or,
    db,
    core,
    now,
    logs,
    async close() {
      await core.store.close();
      await db.close();
      await or.close();
    },
  };
}

export interface ChatService extends ChatCore {
  http: HttpServer;
  /** The bot's own server (`/slack/events` in HTTP mode). */
  url: string;
  adapters: Map<Platform, ChatAdapter>;
}

/** `startChatCore` plus the service's adapters, started on the bot's HTTP server. */
export async function startChatService(opts: Parameters<typeof startChatCore>[0] = {}): Promise<ChatService> {
  const base = await startChatCore(opts);
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log: base.core.log });
  const adapters = await buildAdapters(base.core, http);
  const { url } = await http.start();
  for (const adapter of adapters.values()) await adapter.start();
  return {
    ...base,
    http,
    url,
    adapters,
    async close() {
      for (const adapter of adapters.values()) await adapter.stop();
      await http.stop();
      await base.close();
    },
  };
}

/** Every string in a message body (Slack blocks, a Discord embed), one a line, as a person would read it. */
export function shownText(body: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(body);
  return out
    .join('\n')
    .replace(/\\([\\*_~`|[\]>#+-])/g, '$1') // Discord's markdown escapes
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&'); // Slack's
}
