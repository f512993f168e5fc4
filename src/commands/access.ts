/**
 * Who may use the bot, and where: closed by default (contract §8, issue 14).
 *
 * - Discord: in the guilds of `DISCORD_ALLOWED_GUILDS`, else in `DISCORD_GUILD_ID`, else in no guild
 *   at all; direct messages only from `BOT_ADMINS`.
 * - Slack: when `SLACK_ALLOWED_TEAMS` is set, both the workspace the command came from and the
 *   person's own team (Slack Connect channels bring users of other organisations) must be listed;
 *   guests (restricted users) are refused unless `SLACK_ALLOW_GUESTS=true`.
 * - The console is the operator at the terminal: always allowed.
 *
 * A refusal is one line saying how to allow it; it never carries a figure.
 * @module
 */
import type { Config } from '../config.js';
import type { Actor } from '../core/services.js';

export type Access = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Access = { allowed: true };

/** The guilds the bot answers in: `DISCORD_ALLOWED_GUILDS`, else `DISCORD_GUILD_ID`, else none. */
export function discordGuilds(config: Config): readonly string[] {
  const { allowedGuilds, guildId } = config.discord;
  if (allowedGuilds.length > 0) return allowedGuilds;
  return guildId ? [guildId] : [];
}

function isListedAdmin(config: Config, actor: Actor): boolean {
  return config.admins.includes(`${actor.platform}:${actor.userId}`);
}

function checkDiscord(config: Config, actor: Actor): Access {
  if (actor.workspaceId === undefined) {
    return isListedAdmin(config, actor)
      ? ALLOWED
      : {
          allowed: false,
          reason:
            'I answer direct messages only from the admins listed in BOT_ADMINS. Use /credits in a server where the bot is enabled.',
        };
  }
  if (discordGuilds(config).includes(actor.workspaceId)) return ALLOWED;
  return {
    allowed: false,
    reason: `This bot is not enabled in this server. Its operator can allow it by adding the server id ${actor.workspaceId} to DISCORD_ALLOWED_GUILDS.`,
  };
}

async function checkSlack(config: Config, actor: Actor): Promise<Access> {
  const teams = config.slack.allowedTeams;
  if (teams.length > 0 && (actor.workspaceId === undefined || !teams.includes(actor.workspaceId))) {
    return {
      allowed: false,
      reason: `This bot is not enabled in this workspace. Its operator can allow it by adding ${actor.workspaceId ?? 'its team id'} to SLACK_ALLOWED_TEAMS.`,
    };
  }
  const needsAccount = teams.length > 0 || !config.slack.allowGuests;
  if (!needsAccount || !actor.account) return ALLOWED;
  let account: Awaited<ReturnType<NonNullable<Actor['account']>>>;
  try {
    account = await actor.account();
  } catch {
    return { allowed: false, reason: 'I could not check your Slack account just now. Try again in a minute.' };
  }
  if (teams.length > 0 && (account.teamId === undefined || !teams.includes(account.teamId))) {
    return {
      allowed: false,
      reason:
        'This bot answers only people of the organisations in SLACK_ALLOWED_TEAMS; your account belongs to another one.',
    };
  }
  if (account.guest && !config.slack.allowGuests) {
    return {
      allowed: false,
      reason: 'Guests cannot use this bot. Its operator can allow guests with SLACK_ALLOW_GUESTS=true.',
    };
  }
  return ALLOWED;
}

/** Whether `actor` may use the bot here; the reason is shown to them as one line. */
export async function checkAccess(config: Config, actor: Actor): Promise<Access> {
  if (actor.platform === 'discord') return checkDiscord(config, actor);
  if (actor.platform === 'slack') return checkSlack(config, actor);
  return ALLOWED;
}
