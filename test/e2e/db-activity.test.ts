import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  activityCoverage,
  dailyByModel,
  modelsFirstSeen,
  spendByDay,
  upsertActivity,
  usageBreakdown,
} from '../../src/db/queries/activity.js';
import { creditSnapshotsSince, insertCreditSnapshot, latestCreditSnapshot } from '../../src/db/queries/credits.js';
import { keyNames, listKeys, upsertKeys } from '../../src/db/queries/keys.js';
import { markSyncOk } from '../../src/db/queries/sync-state.js';
import type { ActivityRow, KeyItem } from '../../src/openrouter/types.js';
import { describeEachBackend } from '../support/db.js';

const T1 = new Date('2026-03-18T12:00:00Z');
const T2 = new Date('2026-03-18T13:00:00Z');

function row(fields: Partial<ActivityRow> & Pick<ActivityRow, 'date' | 'model'>): ActivityRow {
  return {
    modelPermaslug: `${fields.model}-v1`,
    endpointId: `ep-${fields.model}`,
    providerName: 'OpenAI',
    usage: 1,
    byokUsageInference: 0,
    requests: 1,
    promptTokens: 10,
    completionTokens: 5,
    reasoningTokens: 0,
    ...fields,
  };
}

function key(hash: string, name: string, usage = 1): KeyItem {
  return {
    hash,
    name,
    label: `sk-or-v1-abc...${hash.slice(0, 4)}`,
    disabled: false,
    limit: 100,
    limitRemaining: 100 - usage,
    limitReset: 'monthly',
    includeByokInLimit: false,
    usage,
    usageDaily: usage,
    usageWeekly: usage,
    usageMonthly: usage,
    byokUsage: 0,
    byokUsageDaily: 0,
    byokUsageWeekly: 0,
    byokUsageMonthly: 0,
    createdAt: '2025-02-19T20:52:27.363244+00:00',
    updatedAt: null,
    expiresAt: null,
    creatorUserId: null,
    workspaceId: null,
    raw: { hash, name },
  };
}

const ACCOUNT = [
  row({ date: '2026-03-10', model: 'openai/gpt-4.1', usage: 2, requests: 4, promptTokens: 100, completionTokens: 50 }),
  row({
    date: '2026-03-10',
    model: 'anthropic/claude',
    providerName: 'Anthropic',
    usage: 3,
    requests: 1,
    reasoningTokens: 7,
  }),
  row({ date: '2026-03-11', model: 'openai/gpt-4.1', usage: 0.5, requests: 2, byokUsageInference: 0.25 }),
  row({ date: '2026-03-11', model: 'openai/gpt-4.1', endpointId: 'ep-azure', providerName: 'Azure', usage: 0.25 }),
  row({ date: '2026-03-12', model: 'anthropic/claude', providerName: 'Anthropic', usage: 10 }),
];

describeEachBackend('activity store', (s) => {
  it('upserts idempotently and later figures win', async () => {
    await upsertActivity(s.db, ACCOUNT, '', T1);
    await upsertActivity(s.db, ACCOUNT, '', T1);
    const once = await spendByDay(s.db, { from: '2026-03-01', to: '2026-03-31' });
    expect(once).toEqual([
      { date: '2026-03-10', usd: 5, requests: 5, byokUsd: 0 },
      { date: '2026-03-11', usd: 0.75, requests: 3, byokUsd: 0.25 },
      { date: '2026-03-12', usd: 10, requests: 1, byokUsd: 0 },
    ]);
    const changed = ACCOUNT.map((r) => (r.date === '2026-03-12' ? { ...r, usage: 12, requests: 3 } : r));
    await upsertActivity(s.db, changed, '', T2);
    const after = await spendByDay(s.db, { from: '2026-03-12', to: '2026-03-13' });
    expect(after).toEqual([{ date: '2026-03-12', usd: 12, requests: 3, byokUsd: 0 }]);
  });

  it('writes more than one batch', async () => {
    const many = Array.from({ length: 2_345 }, (_, i) =>
      row({ date: '2026-03-01', model: `m/${i}`, usage: 0.001, requests: 1 }),
    );
    expect(await upsertActivity(s.db, many, '', T1)).toBe(2_345);
    const [day] = await spendByDay(s.db, { from: '2026-03-01', to: '2026-03-02' });
    expect(day?.requests).toBe(2_345);
    expect(day?.usd).toBeCloseTo(2.345, 9);
  });

  it('breaks usage down by model, provider and key over [from, to)', async () => {
    await upsertActivity(s.db, ACCOUNT, '', T1);
    await upsertActivity(s.db, ACCOUNT.slice(0, 2), 'hash-a', T1);
    await upsertActivity(s.db, ACCOUNT.slice(2), 'hash-b', T1);

    const byModel = await usageBreakdown(s.db, { from: '2026-03-10', to: '2026-03-12', by: 'model' });
    expect(byModel).toEqual([
      {
        group: 'anthropic/claude',
        usd: 3,
        byokUsd: 0,
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        reasoningTokens: 7,
      },
      {
        group: 'openai/gpt-4.1',
        usd: 2.75,
        byokUsd: 0.25,
        requests: 7,
        promptTokens: 120,
        completionTokens: 60,
        reasoningTokens: 0,
      },
    ]);

    const byProvider = await usageBreakdown(s.db, { from: '2026-03-01', to: '2026-04-01', by: 'provider' });
    expect(byProvider.map((g) => [g.group, g.usd, g.requests])).toEqual([
      ['Anthropic', 13, 2],
      ['OpenAI', 2.5, 6],
      ['Azure', 0.25, 1],
    ]);

    const byKey = await usageBreakdown(s.db, { from: '2026-03-01', to: '2026-04-01', by: 'key' });
    expect(byKey.map((g) => [g.group, g.usd, g.requests])).toEqual([
      ['hash-b', 10.75, 4],
      ['hash-a', 5, 5],
    ]);
    expect(await spendByDay(s.db, { from: '2026-03-01', to: '2026-04-01', keyHash: 'hash-a' })).toEqual([
      { date: '2026-03-10', usd: 5, requests: 5, byokUsd: 0 },
    ]);
  });

  it('keeps the (key, day) rollup equal to the per-key rows through re-syncs, and by key reads it', async () => {
    await upsertActivity(s.db, ACCOUNT, 'hash-a', T1);
    await upsertActivity(s.db, ACCOUNT.slice(2), 'hash-b', T1);
    // A re-sync with later figures for one day of one key, and a new day.
    const changed = [
      ...ACCOUNT.map((r) => (r.date === '2026-03-11' ? { ...r, usage: r.usage * 4, requests: r.requests + 1 } : r)),
      row({ date: '2026-03-13', model: 'openai/gpt-4.1', usage: 0.125, requests: 1 }),
    ];
    await upsertActivity(s.db, changed, 'hash-a', T2);
    const sums = (table: string) =>
      s.db.execute(
        sql.raw(`select key_hash, date::text as date, sum(usage)::float8 as usd, sum(requests)::int as requests
          from ${table} where key_hash <> '' group by key_hash, date order by key_hash, date`),
      );
    const rows = (r: unknown) => [...(r as unknown[])].map((x) => ({ ...(x as object) }));
    const fromRows = rows(await sums('activity_days'));
    expect(fromRows.length).toBe(6);
    expect(rows(await sums('activity_key_days'))).toEqual(fromRows);
    const byKey = await usageBreakdown(s.db, { from: '2026-03-11', to: '2026-03-14', by: 'key' });
    expect(byKey.map((g) => [g.group, g.usd, g.requests])).toEqual([
      ['hash-a', 3 + 10 + 0.125, 5 + 1 + 1],
      ['hash-b', 10.75, 4],
    ]);
  });

  it('reports coverage from rows and from the last full activity sync', async () => {
    await upsertActivity(s.db, ACCOUNT, '', T1);
    expect(await activityCoverage(s.db, { from: '2026-03-09', to: '2026-03-12' })).toEqual([
      '2026-03-10',
      '2026-03-11',
    ]);
    expect(await activityCoverage(s.db, { from: '2026-03-09', to: '2026-03-12', perKey: true })).toEqual([]);
    // A successful sync on 03-18 served 02-16 … 03-17: days without spend count as covered.
    await markSyncOk(s.db, 'activity', T1, ACCOUNT.length);
    const covered = await activityCoverage(s.db, { from: '2026-02-14', to: '2026-03-20' });
    expect(covered[0]).toBe('2026-02-16');
    expect(covered.at(-1)).toBe('2026-03-17');
    expect(covered).toHaveLength(30);
  });

  it('gives daily spend by model and when each model was first seen', async () => {
    await upsertActivity(s.db, ACCOUNT, '', T1);
    expect(await dailyByModel(s.db, { from: '2026-03-11', to: '2026-03-13' })).toEqual([
      { date: '2026-03-11', model: 'openai/gpt-4.1', usd: 0.75 },
      { date: '2026-03-12', model: 'anthropic/claude', usd: 10 },
    ]);
    expect(await modelsFirstSeen(s.db)).toEqual(
      new Map([
        ['anthropic/claude', '2026-03-10'],
        ['openai/gpt-4.1', '2026-03-10'],
      ]),
    );
  });

  it('upserts keys by hash and names them', async () => {
    await upsertKeys(s.db, [key('h1', 'Prod'), key('h2', 'Staging')], T1);
    await upsertKeys(s.db, [key('h1', 'Prod'), key('h2', 'Staging')], T1);
    await upsertKeys(s.db, [key('h1', 'Production', 7)], T2);
    const keys = await listKeys(s.db);
    expect(keys.map((k) => [k.hash, k.name, k.usage, k.syncedAt.toISOString()])).toEqual([
      ['h1', 'Production', 7, T2.toISOString()],
      ['h2', 'Staging', 1, T1.toISOString()],
    ]);
    expect(keys[0]?.createdAt?.toISOString()).toBe('2025-02-19T20:52:27.363Z');
    expect(await keyNames(s.db)).toEqual(
      new Map([
        ['h1', 'Production'],
        ['h2', 'Staging'],
      ]),
    );
  });

  it('keeps credit readings in time order', async () => {
    expect(await latestCreditSnapshot(s.db)).toBeNull();
    await insertCreditSnapshot(s.db, { takenAt: T2, totalCredits: 100, totalUsage: 30.5 });
    await insertCreditSnapshot(s.db, { takenAt: T1, totalCredits: 100, totalUsage: 30 });
    expect(await latestCreditSnapshot(s.db)).toEqual({ takenAt: T2, totalCredits: 100, totalUsage: 30.5 });
    expect((await creditSnapshotsSince(s.db, T1)).map((r) => r.totalUsage)).toEqual([30, 30.5]);
    expect(await creditSnapshotsSince(s.db, new Date(T2.getTime() + 1))).toEqual([]);
  });
});
