/**
 * The discord.js Client the adapter runs: REST base from `DISCORD_API_URL` (the gateway URL then
 * comes from `GET /gateway/bot`), the three intents, no mention parsing anywhere, and caches cut
 * to what the bot reads so memory stays flat however many guilds it is in.
 * @module
 */
import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { Config } from '../../config.js';

export interface ClientSettings {
  /** The privileged intent; false after Discord refused it (close code 4014). */
  messageContent: boolean;
  /** The gateway shards this client connects (the ones this replica leases) out of `count`. */
  shards?: { ids: number[]; count: number };
}

/** The bot keeps guilds, channels and roles (needed to route messages and check permissions) and little else. */
const cacheLimits = Options.cacheWithLimits({
  ...Options.DefaultMakeCacheSettings,
  MessageManager: 0,
  DMMessageManager: 0,
  GuildMessageManager: 0,
  // Its own member is needed for permission checks in channels; nobody else's.
  GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
  UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  GuildEmojiManager: 0,
  BaseGuildEmojiManager: 0,
  GuildStickerManager: 0,
  GuildScheduledEventManager: 0,
  GuildBanManager: 0,
  GuildInviteManager: 0,
  StageInstanceManager: 0,
  VoiceStateManager: 0,
  ThreadMemberManager: 0,
  AutoModerationRuleManager: 0,
  ApplicationCommandManager: 0,
  EntitlementManager: 0,
});

export function createClient(config: Config, settings: ClientSettings): Client {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  if (settings.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    ...(settings.shards ? { shards: settings.shards.ids, shardCount: settings.shards.count } : {}),
    // Messages in threads the bot has not seen yet arrive with an uncached channel.
    partials: [Partials.Channel],
    rest: {
      api: config.discord.apiUrl,
      version: '10',
      // @discordjs/rest builds uploads (charts, CSVs) as Node's global FormData and sends them with its own
      // undici 6 `request` through the process-wide dispatcher: the undici 7 Agent our `undici` import installs.
      // undici 7 does not recognise another copy's FormData and fails with "action is not a function".
      // Node's fetch encodes its own FormData before any dispatcher sees it. RESTOptions.makeRequest
      // (@discordjs/rest index.d.ts): "to use global fetch, simply provide `makeRequest: fetch`".
      makeRequest: fetch,
    },
    // Sent as `allowed_mentions` on every message, reply and edit: echoed user text can never ping.
    allowedMentions: { parse: [], repliedUser: false },
    makeCache: cacheLimits,
    sweepers: {
      ...Options.DefaultSweeperSettings,
      threads: { interval: 3_600, lifetime: 3_600 },
      users: { interval: 3_600, filter: () => (user) => user.id !== user.client.user?.id },
    },
  });
}

/** A gateway socket as `ws` has it (0 = CONNECTING). */
interface GatewaySocket {
  readyState: number;
  on(event: 'error', listener: () => void): unknown;
  terminate(): void;
}

/**
 * `client.destroy()` that also ends a gateway handshake still in progress. @discordjs/ws (1.2.3, and
 * 2.0.4) `WebSocketShard.destroy` closes only an OPEN socket and then sets `onerror = null`: a socket
 * still CONNECTING is left behind without an error listener, and when its handshake then fails (the
 * gateway went away) `ws` emits 'error' to nobody and the process dies with an uncaught exception
 * ("connect ECONNRESET"). Such sockets get a listener first and are terminated once the shard is idle.
 */
export async function destroyClient(client: Client): Promise<void> {
  const manager = (client.ws as unknown as { _ws?: { strategy?: { shards?: Map<number, { connection?: unknown }> } } })
    ._ws;
  const handshaking = [...(manager?.strategy?.shards?.values() ?? [])]
    .map((shard) => shard.connection as GatewaySocket | null | undefined)
    .filter((socket): socket is GatewaySocket => socket?.readyState === 0);
  for (const socket of handshaking) socket.on('error', () => undefined);
  await client.destroy();
  for (const socket of handshaking) if (socket.readyState === 0) socket.terminate();
}
