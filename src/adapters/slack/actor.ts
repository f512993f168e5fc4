/**
 * Slack users as core `Actor`s, with the workspace admin check (`users.info`: admin or owner)
 * cached for a few minutes, and `joinChannel` (`conversations.join`) for subscriptions.
 * @module
 */
import type { App, BlockAction } from '@slack/bolt';
import type { Actor, ChannelAccess } from '../../core/services.js';
import type { Logger } from '../../logger.js';
import { platformError } from './app.js';

export interface SlackActors {
  actorFor(p: { userId: string; userName?: string; teamId?: string; channelId?: string }): Actor;
  /** The presser of a button. */
  actionActor(body: BlockAction): Actor;
}

/**
 * Joins a public channel (`conversations.join`, scope channels:join): without membership Slack answers
 * `conversations.history` and `files.completeUploadExternal` with `not_in_channel`, even though
 * chat:write.public lets the bot post (https://api.slack.com/methods/conversations.join). A private
 * channel needs an invitation. DMs need nothing.
 */
export async function joinSlackChannel(client: App['client'], channel: string, log?: Logger): Promise<ChannelAccess> {
  if (channel.startsWith('D')) return { ok: true };
  try {
    await client.conversations.join({ channel });
    return { ok: true };
  } catch (error) {
    const code = platformError(error) ?? 'error';
    log?.warn({ channel, error: code }, 'could not join the Slack channel');
    return {
      ok: false,
      advice: `I could not join this channel (${code}): invite me with /invite, so that I can check the channel history before a resend and upload charts.`,
    };
  }
}

export function createActors(
  client: App['client'],
  now: () => Date,
  adminCacheMs = 300_000,
  log?: Logger,
): SlackActors {
  const adminCache = new Map<string, { admin: boolean; at: number }>();
  async function isWorkspaceAdmin(userId: string): Promise<boolean> {
    const cached = adminCache.get(userId);
    const t = now().getTime();
    if (cached && t - cached.at < adminCacheMs) return cached.admin;
    const res = await client.users.info({ user: userId });
    const u = res.user;
    const admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
    adminCache.set(userId, { admin, at: t });
    if (adminCache.size > 5000) adminCache.clear();
    return admin;
  }

  function actorFor(p: { userId: string; userName?: string; teamId?: string; channelId?: string }): Actor {
    return {
      platform: 'slack',
      userId: p.userId,
      ...(p.userName ? { displayName: p.userName } : {}),
      ...(p.teamId ? { workspaceId: p.teamId } : {}),
      ...(p.channelId ? { channelId: p.channelId } : {}),
      isPlatformAdmin: () => isWorkspaceAdmin(p.userId),
      ...(p.channelId ? { joinChannel: () => joinSlackChannel(client, p.channelId ?? '', log) } : {}),
    };
  }

  function actionActor(body: BlockAction): Actor {
    return actorFor({
      userId: body.user.id,
      ...(body.user.username ? { userName: body.user.username } : {}),
      ...(body.team?.id ? { teamId: body.team.id } : {}),
      ...(body.channel?.id ? { channelId: body.channel.id } : {}),
    });
  }

  return { actorFor, actionActor };
}
