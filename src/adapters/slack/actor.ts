/**
 * Slack users as core `Actor`s, with the workspace admin check (`users.info`: admin or owner)
 * cached for a few minutes.
 * @module
 */
import type { App, BlockAction } from '@slack/bolt';
import type { Actor } from '../../core/services.js';

export interface SlackActors {
  actorFor(p: { userId: string; userName?: string; teamId?: string; channelId?: string }): Actor;
  /** The presser of a button. */
  actionActor(body: BlockAction): Actor;
}

export function createActors(client: App['client'], now: () => Date, adminCacheMs = 300_000): SlackActors {
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
