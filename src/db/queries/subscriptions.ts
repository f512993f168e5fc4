import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type DigestSubscriptionRow, digestSubscriptions, type Platform } from '../schema.js';

export interface Channel {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

export interface SubscriptionInput extends Channel {
  weekday: number;
  time: string;
  timezone: string;
  createdBy: string;
  /** When the (re)subscription happens; the first digest is the first due after it. */
  now: Date;
}

export type Subscription = DigestSubscriptionRow;

const columns = {
  id: digestSubscriptions.id,
  platform: digestSubscriptions.platform,
  workspaceId: digestSubscriptions.workspaceId,
  channelId: digestSubscriptions.channelId,
  weekday: digestSubscriptions.weekday,
  time: digestSubscriptions.time,
  timezone: digestSubscriptions.timezone,
  createdBy: digestSubscriptions.createdBy,
  createdAt: digestSubscriptions.createdAt,
  subscribedAt: digestSubscriptions.subscribedAt,
  active: digestSubscriptions.active,
};

/** Subscribes the channel, or changes its schedule and reactivates it. */
export async function upsertSubscription(db: Db, input: SubscriptionInput): Promise<Subscription> {
  const schedule = {
    weekday: input.weekday,
    time: input.time,
    timezone: input.timezone,
    createdBy: input.createdBy,
    subscribedAt: input.now,
    active: true,
  };
  const [row] = await db
    .insert(digestSubscriptions)
    .values({
      platform: input.platform,
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      createdAt: input.now,
      ...schedule,
    })
    .onConflictDoUpdate({
      target: [digestSubscriptions.platform, digestSubscriptions.workspaceId, digestSubscriptions.channelId],
      set: schedule,
    })
    .returning(columns);
  if (!row) throw new Error('upsertSubscription returned no row');
  return row;
}

const channelIs = (c: Channel) =>
  and(
    eq(digestSubscriptions.platform, c.platform),
    eq(digestSubscriptions.workspaceId, c.workspaceId),
    eq(digestSubscriptions.channelId, c.channelId),
  );

/** Stops the channel's digest; false when it had none active. */
export async function deactivateSubscription(db: Db, channel: Channel): Promise<boolean> {
  const changed = await db
    .update(digestSubscriptions)
    .set({ active: false })
    .where(and(channelIs(channel), eq(digestSubscriptions.active, true)))
    .returning({ id: digestSubscriptions.id });
  return changed.length > 0;
}

/** A workspace's active subscriptions. */
export async function listSubscriptions(
  db: Db,
  params: { platform: Platform; workspaceId: string },
): Promise<Subscription[]> {
  return db
    .select(columns)
    .from(digestSubscriptions)
    .where(
      and(
        eq(digestSubscriptions.platform, params.platform),
        eq(digestSubscriptions.workspaceId, params.workspaceId),
        eq(digestSubscriptions.active, true),
      ),
    )
    .orderBy(asc(digestSubscriptions.channelId));
}

export async function activeSubscriptions(db: Db): Promise<Subscription[]> {
  return db
    .select(columns)
    .from(digestSubscriptions)
    .where(eq(digestSubscriptions.active, true))
    .orderBy(asc(digestSubscriptions.id));
}
