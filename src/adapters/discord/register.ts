/**
 * Registers the generated command JSON with Discord: in `DISCORD_GUILD_ID` when set (instant),
 * else globally. Reads what is registered first and PUTs only when it differs, so restarts do not
 * spend the daily command-create budget.
 * @module
 */
import { PermissionFlagsBits, REST, type RESTPostAPIApplicationCommandsJSONBody, Routes } from 'discord.js';
import type { AnyCommand } from '../../commands/command.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { buildCommandDefinitions } from './definitions.js';

export interface RegisterResult {
  applicationId: string;
  scope: 'guild' | 'global';
  /** False when the registered set already matched and nothing was sent. */
  changed: boolean;
  count: number;
}

/** What the bot needs in a channel: read it, answer in it, embed, attach charts. */
const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory;

/** The OAuth2 URL that adds the bot with the scopes and permissions it needs. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.toString(),
    integration_type: '0',
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

/** A REST client for the configured API base (`DISCORD_API_URL`, without `/v10`). */
export function createRest(config: Config): REST {
  const token = config.discord.token;
  if (!token) throw new Error('DISCORD_TOKEN is not set: copy it from the Discord developer portal → Bot.');
  return new REST({ api: config.discord.apiUrl, version: '10', retries: 2, timeout: 15_000 }).setToken(token.reveal());
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DEFAULT_FALSE = new Set(['required', 'autocomplete', 'nsfw']);
const IGNORED = new Set([
  'id',
  'application_id',
  'guild_id',
  'version',
  'default_permission',
  'dm_permission',
  'name_localized',
  'description_localized',
  'handler',
]);

/** Drops server-added fields and defaults so local and registered JSON compare equal. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return (value ?? null) as Json;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (IGNORED.has(key) || v === undefined || v === null) continue;
    if (DEFAULT_FALSE.has(key) && v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (key === 'description' && v === '') continue;
    if (key.endsWith('_localizations')) continue;
    out[key] = canonical(v);
  }
  return out;
}

/** True when the registered commands match the local definitions (order of commands ignored). */
export function sameDefinitions(local: readonly unknown[], remote: readonly unknown[]): boolean {
  const key = (c: unknown) => JSON.stringify(canonical(c));
  const a = local.map(key).sort();
  const b = remote.map(key).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Compare, then PUT only when different. */
export async function registerCommands(
  config: Config,
  commands: readonly AnyCommand[],
  log: Logger,
  opts: { rest?: REST; applicationId?: string } = {},
): Promise<RegisterResult> {
  const rest = opts.rest ?? createRest(config);
  const applicationId = opts.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const guildId = config.discord.guildId;
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const scope = guildId ? 'guild' : 'global';
  const body: RESTPostAPIApplicationCommandsJSONBody[] = buildCommandDefinitions(commands);
  const registered = (await rest.get(route)) as unknown[];
  if (sameDefinitions(body, registered)) {
    log.info({ scope, guildId, count: body.length }, 'discord commands already up to date');
    return { applicationId, scope, changed: false, count: body.length };
  }
  await rest.put(route, { body });
  log.info({ scope, guildId, count: body.length }, 'discord commands registered');
  return { applicationId, scope, changed: true, count: body.length };
}
