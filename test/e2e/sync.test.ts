import { getTableColumns } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { spendByDay, usageBreakdown } from '../../src/db/queries/activity.js';
import { latestCreditSnapshot } from '../../src/db/queries/credits.js';
import { keyNames, listKeys, workspaceNames } from '../../src/db/queries/keys.js';
import { getSyncState } from '../../src/db/queries/sync-state.js';
import { activityDays } from '../../src/db/schema.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { DEMO_KEYS, DEMO_RESEARCH_WORKSPACE_ID } from '../../src/openrouter/simulator/seed.js';
import { activityRows, addDays, sha256Hex, utcDate } from '../../src/openrouter/simulator/state.js';
import { describeEachBackend } from '../support/db.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';

const logger = pino({ level: 'silent' });
const now = () => TEST_NOW;
const today = utcDate(TEST_NOW);
const window = { from: addDays(today, -30), to: today };

let or: TestOpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter();
});
afterAll(async () => {
  await or.close();
});

/** Every row sync writes, without the sync times (aggregates would differ in the last float bits). */
async function storeContents(db: Db) {
  const keys = (await listKeys(db)).map(({ syncedAt: _, ...k }) => k);
  const { syncedAt: _, ...columns } = getTableColumns(activityDays);
  const activity = await db
    .select(columns)
    .from(activityDays)
    .orderBy(activityDays.keyHash, activityDays.date, activityDays.modelPermaslug, activityDays.endpointId);
  return { keys, activity };
}

describeEachBackend('sync against the OpenRouter simulator', (s) => {
  it('fills credits, every key and 30 days of activity; a second sync leaves the same rows', async () => {
    const first = await syncOnce({ db: s.db, openrouter: or.client, now, logger });
    expect(first.errors).toEqual([]);
    const { totalCredits, totalUsage } = or.sim.state.account;
    expect(first.credits).toEqual({ totalCredits, totalUsage, balance: totalCredits - totalUsage });
    const listed = or.sim.state.keys.filter((k) => !k.management);
    expect(first.keys).toBe(listed.length);
    expect((await listKeys(s.db)).some((k) => k.disabled)).toBe(true);

    const served = activityRows(or.sim.state, TEST_NOW);
    const servedUsd = served.reduce((sum, r) => sum + r.usage, 0);
    const daily = await spendByDay(s.db, window);
    expect(daily.reduce((sum, d) => sum + d.usd, 0)).toBeCloseTo(servedUsd, 6);
    const byKey = await usageBreakdown(s.db, { ...window, by: 'key' });
    expect(byKey.reduce((sum, g) => sum + g.usd, 0)).toBeCloseTo(servedUsd, 6);
    expect(byKey.every((g) => listed.some((k) => k.hash === g.group))).toBe(true);

    const before = await storeContents(s.db);
    const second = await syncOnce({ db: s.db, openrouter: or.client, now, logger });
    expect(second.errors).toEqual([]);
    expect(second.activity).toBe(first.activity);
    expect(await storeContents(s.db)).toEqual(before);
    expect(await getSyncState(s.db, 'activity-keys')).toMatchObject({ lastOkAt: TEST_NOW, lastError: null });
  });

  it('picks up changed figures and renamed keys', async () => {
    await syncOnce({ db: s.db, openrouter: or.client, now, logger });
    const yesterday = addDays(today, -1);
    const row = or.sim.state.activity.find((r) => r.date === yesterday);
    const key = or.sim.state.keys.find((k) => k.hash === row?.keyHash);
    if (!row || !key) throw new Error('the demo seed has no activity yesterday');
    const oldName = key.name;
    const [before] = await spendByDay(s.db, { from: yesterday, to: today });
    row.usage += 1.25;
    key.name = 'renamed-key';
    try {
      await syncOnce({ db: s.db, openrouter: or.client, now, logger, parts: ['keys', 'activity'] });
      const [after] = await spendByDay(s.db, { from: yesterday, to: today });
      expect(after?.usd).toBeCloseTo((before?.usd ?? 0) + 1.25, 6);
      const perKey = await spendByDay(s.db, { from: yesterday, to: today, keyHash: key.hash });
      expect(perKey[0]?.usd).toBeGreaterThanOrEqual(1.25);
      expect((await listKeys(s.db)).find((k) => k.hash === key.hash)?.name).toBe('renamed-key');
    } finally {
      row.usage -= 1.25;
      key.name = oldName;
    }
  });

  it('keeps going when one part fails, and records the failure', async () => {
    or.sim.inject({ endpoint: '/credits', status: 401, times: Number.POSITIVE_INFINITY });
    try {
      // A fresh client: the shared one may answer /credits from its short cache.
      const summary = await syncOnce({ db: s.db, openrouter: or.makeClient(), now, logger });
      expect(summary.errors.map((e) => e.part)).toEqual(['credits']);
      expect(summary.keys).toBeGreaterThan(0);
      expect(summary.activity).toBeGreaterThan(0);
      expect(await latestCreditSnapshot(s.db)).toBeNull();
      expect((await getSyncState(s.db, 'credits'))?.lastError).toBeTruthy();
    } finally {
      or.sim.clearFaults();
    }
  });

  it('skips every part with a clear error when no management key is configured', async () => {
    or.sim.resetCalls();
    const client = or.makeClient({ managementKey: undefined });
    const summary = await syncOnce({ db: s.db, openrouter: client, now, logger });
    expect(summary.errors.map((e) => e.part)).toEqual(['credits', 'keys', 'activity']);
    for (const e of summary.errors) expect(e.message).toContain('OPENROUTER_MANAGEMENT_KEY');
    expect(or.sim.calls['/credits'] ?? 0).toBe(0);
    expect(or.sim.calls['/activity'] ?? 0).toBe(0);
  });

  it('stores every workspace’s keys with their workspace, and marks keys deleted on OpenRouter', async () => {
    await syncOnce({ db: s.db, openrouter: or.client, now, logger });
    const stored = await listKeys(s.db);
    const batch = stored.find((k) => k.hash === sha256Hex(DEMO_KEYS.researchBatch));
    expect(batch).toMatchObject({ name: 'research-batch', workspaceId: DEMO_RESEARCH_WORKSPACE_ID, deletedAt: null });
    expect((await workspaceNames(s.db)).get(DEMO_RESEARCH_WORKSPACE_ID)).toBe('Research');

    const index = or.sim.state.keys.findIndex((k) => k.hash === sha256Hex(DEMO_KEYS.researchNotebook));
    const [gone] = or.sim.state.keys.splice(index, 1);
    if (!gone) throw new Error('no research-notebook key in the demo seed');
    try {
      or.sim.resetCalls();
      const summary = await syncOnce({ db: s.db, openrouter: or.makeClient(), now, logger });
      expect(summary.errors).toEqual([]);
      expect(summary.deletedKeys).toBe(1);
      expect((await listKeys(s.db)).some((k) => k.hash === gone.hash)).toBe(false);
      const all = await listKeys(s.db, { includeDeleted: true });
      expect(all.find((k) => k.hash === gone.hash)?.deletedAt).toEqual(TEST_NOW);
      expect((await keyNames(s.db)).get(gone.hash)).toBe('research-notebook (deleted)');
      // It left the per-key sync: one /activity call account-wide plus one per live key.
      const live = or.sim.state.keys.filter((k) => !k.management).length;
      expect(or.sim.calls['/activity']).toBe(1 + live);
      // Its history stays.
      const perKey = await spendByDay(s.db, { ...window, keyHash: gone.hash });
      expect(perKey.length).toBeGreaterThan(0);
    } finally {
      or.sim.state.keys.splice(index, 0, gone);
    }
    const again = await syncOnce({ db: s.db, openrouter: or.makeClient(), now, logger, parts: ['keys'] });
    expect(again.deletedKeys).toBe(0);
    expect((await listKeys(s.db)).find((k) => k.hash === gone.hash)?.deletedAt).toBeNull();
  });
});
