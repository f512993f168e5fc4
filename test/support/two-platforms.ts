/**
 * A bot of chosen commands on the real Slack adapter (Bolt, HTTP mode, signed requests through a
 * driver) and the real Discord adapter (discord.js), against the loopback fakes and the OpenRouter
 * simulator, on a given store: the set-up the delivery, alert and key suites share. The caller owns
 * the fakes, the simulator and the store (and closes them); `stop()` stops what this started.
 * @module
 */
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import type { AnyCommand } from '../../src/commands/command.js';
import { type Bot, type ButtonHandlers, createBot } from '../../src/commands/dispatch.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { ChatAdapter } from '../../src/core/chat-adapter.js';
import type { Platform, Services } from '../../src/core/services.js';
import type { DbHandle } from '../../src/db/client.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import type { FakeDiscord } from './fake-discord.js';
import { createSlackDriver, type FakeSlack, type SlackDriver } from './fake-slack.js';
import type { TestOpenRouter } from './openrouter.js';
import { testServices } from './services.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface TwoPlatforms {
  config: Config;
  services: Services;
  bot: Bot;
  http: HttpServer;
  /** The bot's HTTP server (Slack events at `/slack/events`). */
  url: string;
  slack: SlackAdapter;
  discord: DiscordAdapter;
  adapters: Map<Platform, ChatAdapter>;
  /** Sends signed Slack commands, events and button presses to the bot. */
  driver: SlackDriver;
  stop(): Promise<void>;
  /** `stop()`, then the fakes, the simulator and the store (or `store`: a TestDb that also drops its database). */
  closeAll(store?: { close(): Promise<void> }): Promise<void>;
}

export async function startTwoPlatforms(opts: {
  store: DbHandle;
  openrouter: TestOpenRouter;
  fakeSlack: FakeSlack;
  fakeDiscord: FakeDiscord;
  commands: readonly AnyCommand[];
  buttons: ButtonHandlers;
  now: () => Date;
  /** More settings, or replacements (BOT_ADMINS, KEY_ACTIONS, OPENROUTER_MANAGEMENT_KEY …). */
  env?: Record<string, string>;
}): Promise<TwoPlatforms> {
  const { fakeSlack, fakeDiscord } = opts;
  const config = loadConfig({
    OPENROUTER_BASE_URL: opts.openrouter.sim.url,
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fakeSlack.apiUrl,
    DISCORD_TOKEN: 'fake.discord.token-abcd',
    DISCORD_API_URL: fakeDiscord.apiUrl,
    // Closed by default: the bot answers in the fake's own guild.
    DISCORD_GUILD_ID: fakeDiscord.guildId,
    BOT_ADMINS: `slack:UADMIN1,discord:${fakeDiscord.alice.id}`,
    COMMAND_RATE_LIMIT: '1000',
    ...opts.env,
  });
  const services = testServices({
    config,
    openrouter: opts.openrouter.client,
    store: { available: () => true, get: () => opts.store },
    now: opts.now,
  });
  const { log, metrics } = services;
  const bot = createBot(services, opts.commands, opts.buttons);
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log });
  const slack = createSlackAdapter(config, {
    bot,
    log,
    metrics,
    http,
    tuning: { webApiRetries: 0, perChannelIntervalMs: 10 },
  });
  const discord = createDiscordAdapter(config, { bot, log, metrics });
  const { url } = await http.start();
  await slack.start();
  await discord.start();
  const driver = createSlackDriver(fakeSlack, {
    mode: 'http',
    eventsUrl: `${url}/slack/events`,
    signingSecret: SIGNING_SECRET,
  });
  const adapters = new Map<Platform, ChatAdapter>([
    ['slack', slack],
    ['discord', discord],
  ]);
  async function stop() {
    await discord.stop();
    await slack.stop();
    await http.stop();
  }
  return {
    config,
    services,
    bot,
    http,
    url,
    slack,
    discord,
    adapters,
    driver,
    stop,
    async closeAll(store) {
      await stop();
      await fakeDiscord.close();
      await fakeSlack.close();
      await opts.openrouter.close();
      await (store ?? opts.store).close();
    },
  };
}
