/**
 * Who is asking, and where, from a Discord interaction or message. The admin check is Manage
 * Server; `BOT_ADMINS` is checked by the core.
 * @module
 */
import { type BaseInteraction, type Message, PermissionFlagsBits } from 'discord.js';
import type { Actor } from '../../core/services.js';

export function actorFromInteraction(i: BaseInteraction): Actor {
  return {
    platform: 'discord',
    userId: i.user.id,
    displayName: i.user.globalName ?? i.user.username,
    ...(i.guildId ? { workspaceId: i.guildId } : {}),
    ...(i.channelId ? { channelId: i.channelId } : {}),
    isPlatformAdmin: async () => i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

export function actorFromMessage(message: Message): Actor {
  return {
    platform: 'discord',
    userId: message.author.id,
    displayName: message.author.globalName ?? message.author.username,
    ...(message.guildId ? { workspaceId: message.guildId } : {}),
    channelId: message.channelId,
    isPlatformAdmin: async () => message.member?.permissions.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}
