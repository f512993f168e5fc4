/**
 * The Discord adapter: a discord.js gateway client that turns `/credits` interactions, the
 * "Look up request cost" context menu, buttons, autocomplete and pasted ids into core calls, and
 * Replies into embeds. If Discord refuses the privileged Message Content intent (close 4014), it
 * reconnects without it; lookups then still work for messages that mention the bot and through the
 * context menu.
 * @module
 */
import { createHash } from 'node:crypto';
import { type Client, Events, Routes, type SendableChannels, Status } from 'discord.js';
import { discordGuilds } from '../../commands/access.js';
import type { Bot } from '../../commands/dispatch.js';
import type { Config } from '../../config.js';
import type { ChatAdapter, PostResult } from '../../core/chat-adapter.js';
import type { ShardLease } from '../../db/shard-lease.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { createClient, destroyClient } from './client.js';
import { toCreate } from './deliver.js';
import { type AutocompleteSource, handleInteraction } from './interactions.js';
import { handleMessage } from './messages.js';
import { type RegisterResult, registerCommands } from './register.js';
import { renderReply } from './render.js';

const DISALLOWED_INTENTS = 4014;
const DISALLOWED_MESSAGE = /disallowed intents/i;

export interface DiscordAdapterDeps {
  bot: Bot;
  log: Logger;
  metrics: Metrics;
  now?: () => Date;
  autocomplete?: AutocompleteSource;
  /** Replicas on one Postgres: connect only the gateway shards this lease holds (none: connect all). */
  lease?: ShardLease;
  /** Post only, never open a gateway session (one-shot commands such as `digest run`): no events, no answers. */
  postOnly?: boolean;
}

export type DiscordAdapter = ChatAdapter & {
  /** The live client; a new one replaces it after the intent fallback. */
  client(): Client | undefined;
  /** False once Discord refused the Message Content intent. */
  messageContentIntent(): boolean;
  /** The result of the start-up registration, once it ran. */
  registration(): RegisterResult | undefined;
};

/** Discord nonces are at most 25 characters. */
function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

/**
 * A short reference to a dedupe key, shown in the embed footer (`ref …`). `enforce_nonce` only
 * de-duplicates "in the past few minutes" (https://discord.com/developers/docs/resources/message#create-message),
 * and fetched messages do not carry the nonce: this marker is how a post taken over later is found.
 */
function markerFor(key: string): string {
  return `ref ${nonceFor(key).slice(0, 10)}`;
}

export function createDiscordAdapter(config: Config, deps: DiscordAdapterDeps): DiscordAdapter {
  const log = deps.log;

  /** The bot's earlier message for `key` among the channel's recent ones (needs Read Message History). */
  async function earlierPost(
    channel: SendableChannels,
    key: string,
    /** Unknown on a REST-only client (never logged in): the marker alone then identifies the post. */
    botId: string | undefined,
  ): Promise<string | undefined | 'unreadable'> {
    if (!('messages' in channel)) return 'unreadable';
    try {
      const recent = await channel.messages.fetch({ limit: 50 });
      const marker = markerFor(key);
      const nonce = nonceFor(key);
      const mine = recent.find(
        (m) =>
          (botId === undefined || m.author.id === botId) &&
          (m.nonce === nonce || m.embeds.some((e) => e.footer?.text.includes(marker) === true)),
      );
      return mine?.id;
    } catch (error) {
      log.warn(
        { err: error, channel: channel.id },
        'cannot read the Discord channel history; the delivery ledger decides',
      );
      return 'unreadable';
    }
  }
  let client: Client | undefined;
  let messageContent = true;
  let stopped = false;
  let registered: RegisterResult | undefined;
  let fallback: Promise<void> | undefined;
  let shards: { ids: number[]; count: number } | undefined;
  let restOnly: Client | undefined;

  function token(): string {
    const t = config.discord.token;
    if (!t) throw new Error('DISCORD_TOKEN is not set: copy it from the Discord developer portal → Bot.');
    return t.reveal();
  }

  function dropIntent(): void {
    messageContent = false;
    log.warn(
      'Discord refused the privileged Message Content intent (close code 4014); reconnecting without it. ' +
        'Pasted ids are now looked up only in messages that mention the bot and through the "Look up request cost" ' +
        'message command. Turn on Bot → Privileged Gateway Intents → Message Content in the developer portal to restore it.',
    );
  }

  function wire(c: Client): void {
    c.on(Events.InteractionCreate, (i) => void handleInteraction(i, deps));
    c.on(Events.MessageCreate, (m) => void handleMessage(m, deps));
    c.on(Events.Debug, (message) => log.trace({ detail: message }, 'discord debug'));
    c.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
    c.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord client warning'));
    c.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
    c.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
    c.on(Events.ShardDisconnect, (event, shard) => {
      log.warn({ shard, code: event.code }, 'discord gateway closed for good');
      // During login the rejected login() handles it; this is a refusal on a later re-identify.
      if (event.code === DISALLOWED_INTENTS && messageContent && c.isReady() && !stopped) {
        dropIntent();
        fallback ??= reconnect().finally(() => {
          fallback = undefined;
        });
      }
    });
  }

  async function connect(): Promise<void> {
    const c = createClient(config, { messageContent, ...(shards ? { shards } : {}) });
    wire(c);
    client = c;
    const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
    try {
      await c.login(token());
    } catch (error) {
      await destroyClient(c);
      if (messageContent && error instanceof Error && DISALLOWED_MESSAGE.test(error.message)) {
        dropIntent();
        return connect();
      }
      throw error;
    }
    await ready;
    log.info({ guilds: c.guilds.cache.size, messageContent, user: c.user?.tag }, 'discord connected');
  }

  /** A client that never logs in to the gateway: REST only (a standby replica posting a digest). */
  function rest(): Client {
    if (!restOnly) {
      restOnly = createClient(config, { messageContent });
      restOnly.token = token();
      restOnly.rest.setToken(restOnly.token);
    }
    return restOnly;
  }

  /** The lease hook: serve exactly the shards held; none while standing by. */
  async function serve(held: number[], count: number): Promise<void> {
    const previous = client;
    client = undefined;
    if (previous) await destroyClient(previous);
    shards = held.length ? { ids: held, count } : undefined;
    if (!held.length || stopped) return;
    await connect();
    if (client) await register(client);
  }

  async function reconnect(): Promise<void> {
    if (client) await destroyClient(client);
    if (!stopped) await connect();
  }

  async function register(c: Client): Promise<void> {
    if (registered || !c.application) return;
    try {
      registered = await registerCommands(config, deps.bot.commands, log, {
        rest: c.rest,
        applicationId: c.application.id,
      });
    } catch (error) {
      log.error({ err: error }, 'could not register the Discord commands; run `credits-bot discord register`');
    }
  }

  return {
    name: 'discord',
    client: () => client,
    messageContentIntent: () => messageContent,
    registration: () => registered,
    async start() {
      stopped = false;
      if (discordGuilds(config).length === 0) {
        log.warn(
          'Neither DISCORD_ALLOWED_GUILDS nor DISCORD_GUILD_ID is set: the bot answers in no Discord server, only direct messages from BOT_ADMINS. Set DISCORD_ALLOWED_GUILDS to the server ids it may answer in.',
        );
      }
      if (deps.postOnly) {
        rest();
        return;
      }
      const lease = deps.lease;
      if (!lease) {
        await connect();
        if (client) await register(client);
        return;
      }
      // One gateway session per shard across replicas: Discord sends every event to each session.
      const gateway = (await rest().rest.get(Routes.gatewayBot())) as { shards?: number };
      const count = Math.max(1, gateway.shards ?? 1);
      await lease.start(count, (held) => serve(held, count));
    },
    async stop() {
      stopped = true;
      await fallback?.catch(() => undefined);
      if (client) await destroyClient(client);
      await deps.lease?.stop();
      await restOnly?.destroy();
    },
    ready: () =>
      deps.postOnly
        ? true
        : deps.lease && deps.lease.held().length === 0
          ? deps.lease.healthy()
          : client?.isReady() === true && client.ws.status === Status.Ready,
    async post(target, reply, opts): Promise<PostResult> {
      // A standby replica (no shard lease) still posts digests and alerts, through REST alone.
      const c = client?.isReady() ? client : deps.lease || deps.postOnly ? rest() : undefined;
      if (!c) throw new Error('Discord is not connected');
      const channel = await c.channels.fetch(target.channelId, { allowUnknownGuild: !c.isReady() });
      if (!channel?.isSendable()) {
        throw new Error(`Discord channel ${target.channelId} is not a text channel the bot can post in`);
      }
      const started = Date.now();
      const key = opts?.dedupeKey;
      if (key && opts?.mayHavePosted) {
        const found = await earlierPost(channel, key, c.user?.id);
        if (found === 'unreadable') {
          log.warn(
            { channel: target.channelId, key },
            'not posting again: an earlier attempt may have posted this and the channel history cannot be read',
          );
          return { messageId: '', deduplicated: true, unconfirmed: true };
        }
        if (found) return { messageId: found, deduplicated: true };
      }
      const footer = key ? [reply.footer, markerFor(key)].filter(Boolean).join(' · ') : reply.footer;
      const message = toCreate(
        renderReply({ ...reply, visibility: 'public', ...(footer ? { footer } : {}) }, { refresh: true }),
      );
      const sent = await channel.send({
        ...message,
        ...(opts?.dedupeKey ? { nonce: nonceFor(opts.dedupeKey), enforceNonce: true } : {}),
      });
      // With enforce_nonce Discord returns the earlier message instead of posting a second one.
      return { messageId: sent.id, deduplicated: Boolean(opts?.dedupeKey) && sent.createdTimestamp < started - 2_000 };
    },
  };
}
