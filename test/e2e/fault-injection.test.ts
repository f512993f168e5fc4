/**
 * Fault injection for the store: the real bin, as a child process, killed with SIGKILL in the middle
 * of a sync and in the middle of a digest delivery, then started again. Nothing acknowledged before
 * the kill is lost, the interrupted work is finished, and nothing is posted twice. The kill is timed
 * by the fakes, not by sleeps: the OpenRouter simulator leaves an `/activity` request unanswered, or
 * the fake Slack takes a `chat.postMessage` (the message is posted) and never answers; the test kills
 * while the bot waits. On the embedded store (`DATA_DIR`, whose lock the dead process leaves behind)
 * and on Postgres (TEST_DATABASE_URL; skipped with the reason without it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { upsertActivity } from '../../src/db/queries/activity.js';
import { insertCreditSnapshot } from '../../src/db/queries/credits.js';
import { upsertSubscription } from '../../src/db/queries/subscriptions.js';
import { activityDays, apiKeys, creditSnapshots, digestDeliveries, syncState } from '../../src/db/schema.js';
import { createDemoSeed, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import type { ActivityRow } from '../../src/openrouter/types.js';
import { runCli } from '../support/cli.js';
import { allBackends, type Backend, dailyActivity, type TestDb, testDb } from '../support/db.js';
import { type FakeSlack, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';

interface Store {
  /** DATA_DIR or DATABASE_URL for the child processes. */
  env: Record<string, string>;
  /** A handle for the test itself; on the embedded store only while no child holds DATA_DIR. */
  open(): Promise<DbHandle>;
  close(): Promise<void>;
}

async function makeStore(backend: Backend): Promise<Store> {
  if (backend === 'pglite') {
    const dir = join(mkdtempSync(join(tmpdir(), 'credits-fault-')), 'data');
    return {
      env: { DATA_DIR: dir },
      async open() {
        const handle = await createDb({ dataDir: dir });
        await migrate(handle);
        return handle;
      },
      close: async () => {},
    };
  }
  const t: TestDb = await testDb('postgres');
  const url = t.url ?? '';
  return { env: { DATABASE_URL: url }, open: () => createDb({ databaseUrl: url, max: 2 }), close: () => t.close() };
}

/** Opens the store, runs `fn`, closes it again (frees DATA_DIR for the next child). */
async function withStore<T>(store: Store, fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const handle = await store.open();
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

async function until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const rowKey = (r: { keyHash: string; date: string; modelPermaslug: string; endpointId: string }) =>
  `${r.keyHash}|${r.date}|${r.modelPermaslug}|${r.endpointId}`;

/** Usage per key hash ('' = account-wide), rounded to micro-dollars. */
function usageByKey(rows: { keyHash: string; usage: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.keyHash] = Math.round(((out[r.keyHash] ?? 0) + Number(r.usage)) * 1e6) / 1e6;
  return out;
}

for (const { backend, skipReason } of allBackends()) {
  describe.skipIf(skipReason !== undefined)(
    `SIGKILL in the middle of the work, then a restart (${backend})${skipReason ? ` (${skipReason})` : ''}`,
    () => {
      const children: ServiceProcess[] = [];
      const start = (env: Record<string, string>, args: string[] = []) => {
        const c = startServiceProcess(env, args);
        children.push(c);
        return c;
      };
      afterAll(async () => {
        await Promise.all(children.map((c) => c.kill()));
      });

      describe('a sync', () => {
        let store: Store;
        let or: TestOpenRouter;
        beforeAll(async () => {
          store = await makeStore(backend);
          or = await startTestOpenRouter({ now: new Date() });
        });
        afterAll(async () => {
          await or?.close();
          await store?.close();
        });

        it('keeps every row synced before, and the restarted service completes the sync once', async () => {
          const env = {
            ...store.env,
            OPENROUTER_BASE_URL: or.sim.url,
            OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
            PORT: '0',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'info',
          };
          // 1. A complete sync: everything it wrote is acknowledged (exit 0, sync_state ok).
          const first = await runCli(['sync'], env, { timeoutMs: 120_000 });
          expect(first.code, first.stderr).toBe(0);
          const before = await withStore(store, async (h) => ({
            activity: await h.db.select().from(activityDays),
            keys: await h.db.select().from(apiKeys),
            snapshots: await h.db.select().from(creditSnapshots),
          }));
          expect(before.activity.length).toBeGreaterThan(0);
          expect(before.keys.length).toBeGreaterThan(0);

          // 2. New spend on OpenRouter; the service's start-up sync gets the account-wide activity,
          //    then hangs on the per-key activity: killed there, with part of the sync written.
          const hash = before.keys[0]?.hash ?? '';
          // (`/activity` lists completed UTC days only: the new spend is yesterday's.)
          const today = or.sim.now();
          or.sim.setNow(new Date(today.getTime() - 86_400_000));
          or.sim.spend(hash, 1.25);
          or.sim.setNow(today);
          or.sim.inject({ endpoint: '/activity', latencyMs: 0, times: 1 });
          or.sim.inject({ endpoint: '/activity', hang: true, times: Number.POSITIVE_INFINITY });
          const calls = or.sim.calls['/activity'] ?? 0;
          const victim = start(env);
          await until(() => (or.sim.calls['/activity'] ?? 0) >= calls + 2, 'the per-key activity request');
          await victim.kill();
          or.sim.clearFaults();
          // Killed in the middle: the account-wide part is written, the per-key part started, not done.
          const mid = await withStore(store, async (h) => ({
            state: await h.db.select().from(syncState),
            accountUsage: usageByKey(await h.db.select().from(activityDays))[''] ?? 0,
          }));
          const perKeyState = mid.state.find((s) => s.name === 'activity-keys');
          expect(perKeyState?.lastStartedAt?.getTime() ?? 0).toBeGreaterThan(perKeyState?.lastOkAt?.getTime() ?? 0);
          expect(mid.accountUsage).toBeCloseTo((usageByKey(before.activity)[''] ?? 0) + 1.25, 4);

          // 3. Restarted: the service finishes the sync (activity, then credits) and stops cleanly.
          const again = start(env);
          await again.waitFor(/"msg":"sync done".*"credits":true|"credits":true.*"msg":"sync done"/, 90_000);
          await again.stop();
          expect(again.child.exitCode).toBe(0);

          const after = await withStore(store, async (h) => ({
            activity: await h.db.select().from(activityDays),
            keys: await h.db.select().from(apiKeys),
            snapshots: await h.db.select().from(creditSnapshots),
            state: await h.db.select().from(syncState),
          }));
          // Nothing acknowledged is lost: every earlier row is still there.
          const afterKeys = new Set(after.activity.map(rowKey));
          expect(before.activity.map(rowKey).filter((k) => !afterKeys.has(k))).toEqual([]);
          expect(after.keys.map((k) => k.hash)).toEqual(expect.arrayContaining(before.keys.map((k) => k.hash)));
          expect(after.snapshots.map((s) => s.id)).toEqual(expect.arrayContaining(before.snapshots.map((s) => s.id)));
          // The interrupted sync is complete and counted once: the store agrees with OpenRouter, per key too.
          const expected: ActivityRow[] = await or.client.getActivity();
          const perKey = await Promise.all(
            after.keys.map(async (k) => ({ hash: k.hash, rows: await or.client.getActivity({ apiKeyHash: k.hash }) })),
          );
          const want = usageByKey([
            ...expected.map((r) => ({ keyHash: '', usage: r.usage })),
            ...perKey.flatMap((k) => k.rows.map((r) => ({ keyHash: k.hash, usage: r.usage }))),
          ]);
          const got = usageByKey(after.activity);
          expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
          // The store keeps micro-dollars per row: sums may differ in the last digit.
          for (const [k, v] of Object.entries(want)) expect(got[k], k).toBeCloseTo(v, 4);
          expect(after.activity.length).toBe(afterKeys.size);
          expect(after.state.find((s) => s.name === 'activity')?.lastError ?? null).toBeNull();
        }, 240_000);
      });

      describe('a digest delivery', () => {
        const AT = '2026-11-23T08:30:00Z';
        const LATER = '2026-11-23T08:45:00Z'; // the same window, a quarter of an hour on
        let store: Store;
        let or: TestOpenRouter;
        let slack: FakeSlack;
        beforeAll(async () => {
          store = await makeStore(backend);
          or = await startTestOpenRouter({ now: new Date(AT), seed: createDemoSeed(new Date(AT)) });
          slack = await startFakeSlack();
          await withStore(store, async (h) => {
            await upsertActivity(h.db, dailyActivity('2026-11-01', '2026-11-23'), '', new Date(AT));
            await insertCreditSnapshot(h.db, { takenAt: new Date(AT), totalCredits: 100, totalUsage: 20 });
            await upsertSubscription(h.db, {
              platform: 'slack',
              workspaceId: TEAM_ID,
              channelId: 'C0FAULT1',
              weekday: 1,
              time: '09:00',
              timezone: 'Europe/Berlin',
              createdBy: 'slack:U1',
              now: new Date('2026-11-01T00:00:00Z'),
            });
          });
        });
        afterAll(async () => {
          await slack?.close();
          await or?.close();
          await store?.close();
        });

        it('posts the digest once across the kill, and records it as sent', async () => {
          const env = {
            ...store.env,
            OPENROUTER_BASE_URL: or.sim.url,
            OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
            SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
            SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
            SLACK_API_URL: slack.apiUrl,
            LOG_LEVEL: 'info',
          };
          // Slack posts the message but the answer never comes back: killed while waiting for it.
          slack.stall('chat.postMessage');
          const victim = start(env, ['digest', 'run', '--at', AT]);
          await until(() => slack.callsTo('chat.postMessage').length === 1, 'the digest post');
          await victim.kill();
          expect(slack.messages.filter((m) => m.channel === 'C0FAULT1')).toHaveLength(1);

          const early = await runCli(['digest', 'run', '--at', AT], env, { timeoutMs: 120_000 });
          expect(early.code, early.stderr).toBe(0);
          if (backend === 'pglite') {
            // Restarted at once on the embedded store: its DATA_DIR lock proves the claimant dead, so
            // the claim is taken over now and the post is found by its dedupe key, not sent again.
            expect(JSON.parse(early.stdout)).toMatchObject({ due: 1, sent: 1 });
          } else {
            // On Postgres the claimant may be a live replica: its claim holds for 10 minutes (real
            // time; the test moves the lease back instead of waiting), and nothing is sent meanwhile.
            expect(JSON.parse(early.stdout)).toMatchObject({ due: 1, sent: 0 });
            await withStore(store, (h) =>
              h.db
                .update(digestDeliveries)
                .set({ leaseUntil: new Date(Date.now() - 1_000) })
                .where(eq(digestDeliveries.status, 'claimed')),
            );
            const late = await runCli(['digest', 'run', '--at', LATER], env, { timeoutMs: 120_000 });
            expect(late.code, late.stderr).toBe(0);
            expect(JSON.parse(late.stdout)).toMatchObject({ due: 1, sent: 1 });
          }
          expect(slack.messages.filter((m) => m.channel === 'C0FAULT1')).toHaveLength(1);
          const posted = slack.messages.find((m) => m.channel === 'C0FAULT1');
          const rows = await withStore(store, (h) =>
            h.db.select().from(digestDeliveries).where(eq(digestDeliveries.windowStart, '2026-11-16')),
          );
          expect(rows.map((r) => [r.status, r.messageId])).toEqual([['sent', posted?.ts]]);
          // And a later run sends nothing more.
          const rerun = await runCli(['digest', 'run', '--at', LATER], env, { timeoutMs: 120_000 });
          expect(rerun.code, rerun.stderr).toBe(0);
          expect(slack.messages.filter((m) => m.channel === 'C0FAULT1')).toHaveLength(1);
        }, 240_000);
      });
    },
  );
}
