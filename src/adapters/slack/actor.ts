/**
 * Slack users as core `Actor`s. One `users.info` answer, cached for a few minutes, gives the
 * workspace admin check (admin or owner) and what the access check needs: the person's own team
 * (`user.team_id`; in a Slack Connect channel it is their organisation's, not the workspace's) and
 * whether they are a guest (`is_restricted` / `is_ultra_restricted`), per
 * https://api.slack.com/methods/users.info and https://api.slack.com/types/user; and `joinChannel`
 * (`conversations.join`) for subscriptions.
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

interface UserFacts {
  admin: boolean;
  teamId?: string;
  guest: boolean;
}

export function createActors(
  client: App['client'],
  now: () => Date,
  adminCacheMs = 300_000,
  log?: Logger,
): SlackActors {
  const cache = new Map<string, { facts: Promise<UserFacts>; at: number }>();
  /** `users.info`, once per user per `adminCacheMs`; concurrent askers share one call, a failure is not kept. */
  function userFacts(userId: string): Promise<UserFacts> {
    const cached = cache.get(userId);
    const t = now().getTime();
    if (cached && t - cached.at < adminCacheMs) return cached.facts;
    const facts = client.users.info({ user: userId }).then((res) => {
      const u = res.user;
      return {
        admin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner),
        ...(u?.team_id ? { teamId: u.team_id } : {}),
        guest: Boolean(u?.is_restricted || u?.is_ultra_restricted),
      };
    });
    facts.catch(() => cache.delete(userId));
    if (cache.size > 5000) cache.clear();
    cache.set(userId, { facts, at: t });
    return facts;
  }

  function actorFor(p: { userId: string; userName?: string; teamId?: string; channelId?: string }): Actor {
    return {
      platform: 'slack',
      userId: p.userId,
      ...(p.userName ? { displayName: p.userName } : {}),
      ...(p.teamId ? { workspaceId: p.teamId } : {}),
      ...(p.channelId ? { channelId: p.channelId } : {}),
      isPlatformAdmin: async () => (await userFacts(p.userId)).admin,
      account: async () => {
        const { teamId, guest } = await userFacts(p.userId);
        return { ...(teamId ? { teamId } : {}), guest };
      },
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
