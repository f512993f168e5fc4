import { afterEach, expect, it } from 'vitest';
import { createDb, type Db, type DbHandle } from '../../src/db/client.js';
import {
  acknowledge,
  allRules,
  deleteRules,
  listRules,
  recordAlertEvent,
  setSnooze,
  transitionRule,
  upsertRule,
} from '../../src/db/queries/alerts.js';
import {
  claimDelivery,
  lastDelivery,
  markFailed,
  markSent,
  markSkipped,
} from '../../src/db/queries/digest-deliveries.js';
import { markProcessed } from '../../src/db/queries/processed-events.js';
import {
  activeSubscriptions,
  deactivateSubscription,
  listSubscriptions,
  upsertSubscription,
} from '../../src/db/queries/subscriptions.js';
import { type BackendSuite, describeEachBackend } from '../support/db.js';

const NOW = new Date('2026-03-16T09:00:00Z');
const LEASE = 60_000;
const channel = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' } as const;

const extra: DbHandle[] = [];
afterEach(async () => {
  for (const h of extra.splice(0)) await h.close();
});

/** On Postgres a second pool (another "replica"); on PGlite the same store. */
async function otherReplica(s: BackendSuite): Promise<Db> {
  if (!s.t.url) return s.db;
  const h = await createDb({ databaseUrl: s.t.url, max: 2 });
  extra.push(h);
  return h.db;
}

async function subscription(db: Db) {
  return upsertSubscription(db, { ...channel, weekday: 1, time: '09:00', timezone: 'UTC', createdBy: 'U1', now: NOW });
}

const window = (subscriptionId: number, owner: string, now = NOW) => ({
  subscriptionId,
  windowStart: '2026-03-09',
  windowEnd: '2026-03-16',
  dueAt: NOW,
  owner,
  leaseMs: LEASE,
  now,
});

describeEachBackend('digest deliveries', (s) => {
  it('lets exactly one of many concurrent claims win', async () => {
    const sub = await subscription(s.db);
    const other = await otherReplica(s);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimDelivery(i % 2 ? other : s.db, window(sub.id, `p${i}`))),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ status: 'claimed', attempts: 1, windowEnd: '2026-03-16' });
  });

  it('takes over an expired lease but not a live one, and never a sent delivery', async () => {
    const sub = await subscription(s.db);
    const first = await claimDelivery(s.db, window(sub.id, 'a'));
    expect(first?.claimedBy).toBe('a');
    expect(await claimDelivery(s.db, window(sub.id, 'b', new Date(NOW.getTime() + LEASE - 1)))).toBeNull();
    const later = new Date(NOW.getTime() + LEASE + 1);
    const [x, y] = await Promise.all([
      claimDelivery(s.db, window(sub.id, 'b', later)),
      claimDelivery(await otherReplica(s), window(sub.id, 'c', later)),
    ]);
    const taken = x ?? y;
    expect([x, y].filter(Boolean)).toHaveLength(1);
    expect(taken).toMatchObject({ attempts: 2, status: 'claimed' });
    await markSent(s.db, taken!.id, 'msg-1', later);
    expect(await claimDelivery(s.db, window(sub.id, 'd', new Date(later.getTime() + 10 * LEASE)))).toBeNull();
    expect(await lastDelivery(s.db, sub.id)).toMatchObject({ status: 'sent', messageId: 'msg-1', sentAt: later });
  });

  it('retries a failed delivery only after retryAt; a skipped one is final', async () => {
    const sub = await subscription(s.db);
    const d = await claimDelivery(s.db, window(sub.id, 'a'));
    const retryAt = new Date(NOW.getTime() + 5 * 60_000);
    await markFailed(s.db, d!.id, 'channel_not_found', retryAt);
    expect(await claimDelivery(s.db, window(sub.id, 'b', new Date(retryAt.getTime() - 1)))).toBeNull();
    const again = await claimDelivery(s.db, window(sub.id, 'b', new Date(retryAt.getTime() + 1)));
    expect(again).toMatchObject({ claimedBy: 'b', attempts: 2, error: 'channel_not_found' });
    await markSkipped(s.db, again!.id, 'archived');
    expect(await claimDelivery(s.db, window(sub.id, 'c', new Date(retryAt.getTime() + 10 * LEASE)))).toBeNull();
  });

  it('upserts, lists and deactivates subscriptions', async () => {
    const a = await subscription(s.db);
    const b = await upsertSubscription(s.db, {
      ...channel,
      weekday: 5,
      time: '17:30',
      timezone: 'Europe/Paris',
      createdBy: 'U2',
      now: new Date(NOW.getTime() + 1000),
    });
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({ weekday: 5, time: '17:30', timezone: 'Europe/Paris', createdAt: NOW, active: true });
    expect(await listSubscriptions(s.db, { platform: 'slack', workspaceId: 'T1' })).toHaveLength(1);
    expect(await deactivateSubscription(s.db, channel)).toBe(true);
    expect(await deactivateSubscription(s.db, channel)).toBe(false);
    expect(await activeSubscriptions(s.db)).toEqual([]);
    await expect(
      upsertSubscription(s.db, { ...channel, weekday: 7, time: '09:00', timezone: 'UTC', createdBy: 'U1', now: NOW }),
    ).rejects.toThrow();
  });
});

describeEachBackend('alert rules', (s) => {
  const rule = (kind: 'below' | 'spike', threshold: number) =>
    upsertRule(s.db, { ...channel, kind, threshold, createdBy: 'U1', now: NOW });

  it('fires once per crossing across replicas and re-arms', async () => {
    const r = await rule('below', 10);
    const other = await otherReplica(s);
    const fired = await Promise.all([
      transitionRule(s.db, r.id, 'armed', 'fired', { firedAt: NOW, lastValue: 9 }),
      transitionRule(other, r.id, 'armed', 'fired', { firedAt: NOW, lastValue: 9 }),
    ]);
    expect(fired.filter(Boolean)).toHaveLength(1);
    expect(await transitionRule(s.db, r.id, 'armed', 'fired')).toBe(false);

    const events = await Promise.all([
      recordAlertEvent(s.db, { ruleId: r.id, firedAt: NOW, value: 9 }),
      recordAlertEvent(other, { ruleId: r.id, firedAt: NOW, value: 9 }),
    ]);
    expect(events.filter(Boolean)).toMatchObject([{ crossingNo: 1, status: 'pending' }]);

    expect(await transitionRule(s.db, r.id, 'fired', 'armed', { lastValue: 20 })).toBe(true);
    expect(await transitionRule(s.db, r.id, 'armed', 'fired', { lastValue: 8 })).toBe(true);
    expect(await recordAlertEvent(s.db, { ruleId: r.id, firedAt: NOW, value: 8 })).toMatchObject({ crossingNo: 2 });
    const [stored] = await listRules(s.db, channel);
    expect(stored).toMatchObject({ state: 'fired', crossingNo: 2, lastValue: 8, firedAt: NOW });
  });

  it('replaces a rule in place, snoozes, acknowledges and deletes', async () => {
    const r = await rule('below', 10);
    await transitionRule(s.db, r.id, 'armed', 'fired');
    const replaced = await rule('below', 25);
    expect(replaced).toMatchObject({ id: r.id, threshold: 25, state: 'armed' });
    await rule('spike', 3);
    await upsertRule(s.db, { ...channel, channelId: 'C2', kind: 'below', threshold: 1, createdBy: 'U1', now: NOW });
    expect(await listRules(s.db, channel)).toHaveLength(2);
    expect(await listRules(s.db, { platform: 'slack', workspaceId: 'T1' })).toHaveLength(3);

    const until = new Date(NOW.getTime() + 3_600_000);
    expect(await setSnooze(s.db, r.id, until)).toBe(true);
    expect(await acknowledge(s.db, r.id, 'U9', NOW)).toBe(true);
    expect((await allRules(s.db)).find((x) => x.id === r.id)).toMatchObject({
      snoozedUntil: until,
      acknowledgedBy: 'U9',
      acknowledgedAt: NOW,
    });

    expect(await deleteRules(s.db, channel, 'spike')).toBe(1);
    expect(await deleteRules(s.db, channel)).toBe(1);
    expect((await allRules(s.db)).map((x) => x.channelId)).toEqual(['C2']);
  });
});

describeEachBackend('processed events', (s) => {
  it('is true the first time only, even when raced', async () => {
    const other = await otherReplica(s);
    const results = await Promise.all([
      markProcessed(s.db, { platform: 'slack', eventId: 'Ev1' }),
      markProcessed(other, { platform: 'slack', eventId: 'Ev1' }),
      markProcessed(s.db, { platform: 'slack', eventId: 'Ev1' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await markProcessed(s.db, { platform: 'discord', eventId: 'Ev1' })).toBe(true);
  });
});
