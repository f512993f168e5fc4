/**
 * The digest ledger against a real Postgres (TEST_DATABASE_URL) or the embedded PGlite: exactly one
 * visible post per subscription and window through concurrent runs, two runners on separate
 * connections, crashes between claim and send and between send and record, and downtime.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.js';
import { loadConfig } from '../config.js';
import type { ChatAdapter, PostOptions, PostResult, PostTarget } from '../core/chat-adapter.js';
import type { Reply } from '../core/reply.js';
import type { Platform, Services } from '../core/services.js';
import { createDb, type DbHandle } from '../db/client.js';
import { upsertActivity } from '../db/queries/activity.js';
import { insertCreditSnapshot } from '../db/queries/credits.js';
import { upsertSubscription } from '../db/queries/subscriptions.js';
import { ALL_TABLES, digestDeliveries, digestSubscriptions } from '../db/schema.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import type { ActivityRow, OpenRouterClient } from '../openrouter/types.js';
import { type DigestHooks, runDueDigests } from './digest-run.js';
import { createScheduler } from './scheduler.js';

const BACKEND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const MIN = 60_000;

/** A chat platform as the adapters present it: posts are visible; a dedupe key finds an earlier post. */
function recordingAdapter(name: Platform = 'slack') {
  const posts: { target: PostTarget; reply: Reply; key?: string; id: string }[] = [];
  let failNext = 0;
  const adapter: ChatAdapter & { posts: typeof posts; failNext(n: number): void } = {
    name,
    posts,
    failNext: (n) => {
      failNext = n;
    },
    start: async () => {},
    stop: async () => {},
    ready: () => true,
    async post(target, reply, opts?: PostOptions): Promise<PostResult> {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('platform said no');
      }
      const earlier = opts?.dedupeKey
        ? posts.find((p) => p.key === opts.dedupeKey && p.target.channelId === target.channelId)
        : undefined;
      if (earlier) return { messageId: earlier.id, deduplicated: true };
      const id = `M${posts.length + 1}`;
      posts.push({ target, reply, ...(opts?.dedupeKey ? { key: opts.dedupeKey } : {}), id });
      return { messageId: id, deduplicated: false };
    },
  };
  return adapter;
}

const stubOpenRouter = {
  hasManagementKey: false,
  hasInferenceKey: false,
  listModels: async () => [],
} as unknown as OpenRouterClient;

function servicesFor(handle: DbHandle, clock: { now: Date }): Services {
  return {
    config: loadConfig({}),
    openrouter: stubOpenRouter,
    store: { available: () => true, get: () => handle },
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now: () => clock.now,
  };
}

/** This file's own store (test/support/db.ts): its own database on TEST_DATABASE_URL's server, else PGlite. */
async function openTestDb(_name: string): Promise<{ handle: DbHandle; url?: string }> {
  const t = await testDb();
  return { handle: t.handle, ...(t.url ? { url: t.url } : {}) };
}

function activity(date: string, model: string, usage: number): ActivityRow {
  return {
    date,
    model,
    modelPermaslug: model,
    endpointId: `${model}-ep`,
    providerName: 'Prov',
    usage,
    byokUsageInference: 0,
    requests: 3,
    promptTokens: 300,
    completionTokens: 30,
    reasoningTokens: 0,
  };
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Monday 09:00 Europe/Berlin = 08:00 UTC in winter. */
const DUE = new Date('2026-11-23T08:00:00Z');

describe(`digest run exactly once (${BACKEND})`, () => {
  let a: DbHandle;
  let b: DbHandle;
  const clock = { now: DUE };
  let subId = 0;

  beforeAll(async () => {
    const opened = await openTestDb('digest_run');
    a = opened.handle;
    b = opened.url ? await createDb({ databaseUrl: opened.url, max: 4 }) : a;
  });
  afterAll(async () => {
    if (b !== a) await b.close();
    await a.close();
  });

  beforeEach(async () => {
    const { sql } = await import('drizzle-orm');
    await a.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
    clock.now = new Date(DUE.getTime() + 5 * MIN);
    const rows = days('2026-10-01', '2026-11-23').flatMap((d) => [
      activity(d, 'openai/gpt-4.1', 4),
      activity(d, 'anthropic/claude', 1.5),
    ]);
    await upsertActivity(a.db, rows, '', clock.now);
    await insertCreditSnapshot(a.db, { takenAt: clock.now, totalCredits: 500, totalUsage: 200 });
    const sub = await upsertSubscription(a.db, {
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      weekday: 1,
      time: '09:00',
      timezone: 'Europe/Berlin',
      createdBy: 'slack:U1',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    subId = sub.id;
  });

  const run = (handle: DbHandle, adapter: ChatAdapter, owner: string, hooks?: DigestHooks, at = clock.now) =>
    runDueDigests({
      services: servicesFor(handle, clock),
      adapters: new Map([['slack', adapter]]),
      at,
      owner,
      hooks,
      sync: false,
    });

  async function ledger(handle = a) {
    return handle.db.select().from(digestDeliveries);
  }

  it('sends the due window once, with the chart, and a second run finds it done', async () => {
    const slack = recordingAdapter();
    const first = await run(a, slack, 'p1');
    expect(first.results.map((r) => [r.outcome, r.window.from, r.window.to])).toEqual([
      ['sent', '2026-11-16', '2026-11-23'],
    ]);
    const second = await run(a, slack, 'p2');
    expect(second).toMatchObject({ due: 0, sent: 0, results: [] });
    expect(slack.posts).toHaveLength(1);
    const post = slack.posts[0];
    expect(post?.key).toBe(`digest:${subId}:2026-11-16`);
    expect(post?.reply.title).toBe('Weekly OpenRouter spend, 16–22 Nov 2026');
    expect(post?.reply.image?.data.byteLength).toBeGreaterThan(1000);
    expect(post?.reply.image?.altText).toContain('2026-11-16 to 2026-11-22');
    const [row] = await ledger();
    expect(row).toMatchObject({
      status: 'sent',
      messageId: 'M1',
      windowStart: '2026-11-16',
      windowEnd: '2026-11-23',
      claimedBy: 'p1',
    });
  });

  it('nothing is due before the local time, and the first digest is the first due after subscribing', async () => {
    const slack = recordingAdapter();
    expect((await run(a, slack, 'p1', undefined, new Date(DUE.getTime() - MIN))).due).toBe(1); // the 16 Nov one
    await a.db.update(digestSubscriptions).set({ subscribedAt: new Date('2026-11-20T00:00:00Z') });
    const slack2 = recordingAdapter();
    expect((await run(a, slack2, 'p1', undefined, new Date(DUE.getTime() - MIN))).due).toBe(0);
    expect((await run(a, slack2, 'p1', undefined, DUE)).sent).toBe(1);
  });

  it('two runs at once (separate connections) post once', async () => {
    const slack = recordingAdapter();
    const results = await Promise.all([
      run(a, slack, 'p1'),
      run(b, slack, 'p2'),
      run(a, slack, 'p3'),
      run(b, slack, 'p4'),
    ]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(slack.posts).toHaveLength(1);
    expect(await ledger()).toHaveLength(1);
  });

  it('two schedulers on one database: the lock lets one run, the ledger keeps it to one post', async () => {
    const slack = recordingAdapter();
    const log = createLogger({ level: 'silent' });
    const s1 = createScheduler({
      services: servicesFor(a, clock),
      adapters: new Map([['slack', slack]]),
      log,
      owner: 'svc1',
    });
    const s2 = createScheduler({
      services: servicesFor(b, clock),
      adapters: new Map([['slack', slack]]),
      log,
      owner: 'svc2',
    });
    const [r1, r2] = await Promise.all([s1.runNow('digests'), s2.runNow('digests')]);
    const again = await Promise.all([s1.runNow('digests'), s2.runNow('digests')]);
    expect([r1, r2, ...again].filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    expect(slack.posts).toHaveLength(1);
  });

  it('a crash between claim and send: the claim is taken over after the lease, one post', async () => {
    const slack = recordingAdapter();
    await expect(
      run(a, slack, 'dead', {
        afterClaim: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('aborted by a hook');
    expect(slack.posts).toHaveLength(0);
    expect((await run(b, slack, 'p2')).results.map((r) => r.outcome)).toEqual(['not-claimed']);
    clock.now = new Date(clock.now.getTime() + 11 * MIN);
    expect((await run(b, slack, 'p2')).results.map((r) => r.outcome)).toEqual(['sent']);
    expect(slack.posts).toHaveLength(1);
    const [row] = await ledger();
    expect(row).toMatchObject({ status: 'sent', claimedBy: 'p2', attempts: 2 });
  });

  it('a crash between send and record: the takeover finds the post by its dedupe key, no second message', async () => {
    const slack = recordingAdapter();
    await expect(
      run(a, slack, 'dead', {
        afterSend: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('aborted by a hook');
    expect(slack.posts).toHaveLength(1);
    clock.now = new Date(clock.now.getTime() + 11 * MIN);
    const retry = await run(b, slack, 'p2');
    expect(retry.results.map((r) => r.outcome)).toEqual(['deduplicated']);
    expect(slack.posts).toHaveLength(1);
    expect((await ledger())[0]).toMatchObject({ status: 'sent', messageId: 'M1' });
  });

  it('after three missed weeks only the newest window is sent, and it says that the earlier ones were missed', async () => {
    const slack = recordingAdapter();
    await run(a, slack, 'p1', undefined, new Date('2026-11-02T08:30:00Z'));
    expect(slack.posts).toHaveLength(1);
    clock.now = new Date('2026-11-23T10:00:00Z');
    const back = await run(a, slack, 'p1', undefined, clock.now);
    expect(back.results.map((r) => [r.outcome, r.window.from, r.missedWindows])).toEqual([['sent', '2026-11-16', 2]]);
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]?.reply.notes?.[0]).toContain('the previous 2 digests were due; they were missed');
    expect((await ledger()).map((r) => r.windowStart).sort()).toEqual(['2026-10-26', '2026-11-16']);
    expect((await run(a, slack, 'p1', undefined, clock.now)).sent).toBe(0);
  });

  it('waits while the last day is not published, then sends; gives up waiting after the grace period', async () => {
    const { sql } = await import('drizzle-orm');
    await a.db.execute(sql`delete from activity_days where date = '2026-11-22'`);
    const slack = recordingAdapter();
    const waiting = await run(a, slack, 'p1');
    expect(waiting.results.map((r) => [r.outcome, r.error])).toEqual([['deferred', 'waiting for 2026-11-22']]);
    clock.now = new Date(clock.now.getTime() + 10 * MIN);
    expect((await run(a, slack, 'p1')).results.map((r) => r.outcome)).toEqual(['not-claimed']);
    clock.now = new Date(clock.now.getTime() + 25 * MIN);
    expect((await run(a, slack, 'p1')).results.map((r) => r.outcome)).toEqual(['deferred']);
    clock.now = new Date(DUE.getTime() + 6 * 60 * MIN + MIN);
    const late = await run(a, slack, 'p1');
    expect(late.results.map((r) => r.outcome)).toEqual(['sent']);
    expect(slack.posts[0]?.reply.notes?.join('\n')).toContain('OpenRouter had not published 2026-11-22');
    expect(slack.posts).toHaveLength(1);
  });

  it('a week without spend is skipped and recorded as skipped', async () => {
    const { sql } = await import('drizzle-orm');
    await a.db.execute(sql`update activity_days set usage = 0, requests = 0 where date >= '2026-11-16'`);
    const slack = recordingAdapter();
    const r = await run(a, slack, 'p1');
    expect(r.skipped).toBe(1);
    expect(slack.posts).toHaveLength(0);
    expect((await ledger())[0]).toMatchObject({ status: 'skipped', error: 'no spend in the window' });
    expect((await run(a, slack, 'p1')).due).toBe(0);
  });

  it('a failed post is retried with backoff and sent once', async () => {
    const slack = recordingAdapter();
    slack.failNext(1);
    expect((await run(a, slack, 'p1')).failed).toBe(1);
    expect((await ledger())[0]).toMatchObject({ status: 'failed', error: 'platform said no' });
    clock.now = new Date(clock.now.getTime() + 4 * MIN);
    expect((await run(a, slack, 'p1')).results.map((r) => r.outcome)).toEqual(['not-claimed']);
    clock.now = new Date(clock.now.getTime() + 2 * MIN);
    expect((await run(a, slack, 'p1')).sent).toBe(1);
    expect(slack.posts).toHaveLength(1);
  });

  it('is due at the local time across DST changes and the turn of the year, for the 7 UTC days before', async () => {
    const cases = [
      { zone: 'Europe/Berlin', at: '2026-10-19T07:00:00Z', window: ['2026-10-12', '2026-10-19'] }, // CEST
      { zone: 'Europe/Berlin', at: '2026-10-26T08:00:00Z', window: ['2026-10-19', '2026-10-26'] }, // CET from 25 Oct
      { zone: 'America/New_York', at: '2027-03-08T14:00:00Z', window: ['2027-03-01', '2027-03-08'] }, // EST
      { zone: 'America/New_York', at: '2027-03-15T13:00:00Z', window: ['2027-03-08', '2027-03-15'] }, // EDT from 14 Mar
      { zone: 'Europe/Berlin', at: '2027-01-04T08:00:00Z', window: ['2026-12-28', '2027-01-04'] },
      { zone: 'Pacific/Auckland', at: '2027-01-03T20:00:00Z', window: ['2026-12-27', '2027-01-03'] }, // Monday 09:00 NZDT
    ];
    for (const c of cases) {
      const at = new Date(c.at);
      await a.db.delete(digestDeliveries);
      await a.db
        .update(digestSubscriptions)
        .set({ timezone: c.zone, subscribedAt: new Date(at.getTime() - 3 * 86_400_000) });
      const slack = recordingAdapter();
      clock.now = new Date(at.getTime() + 7 * 60 * MIN);
      expect((await run(a, slack, 'p1', undefined, new Date(at.getTime() - MIN))).due, c.at).toBe(0);
      const r = await run(a, slack, 'p1', undefined, at);
      expect(
        r.results.map((x) => [x.window.from, x.window.to]),
        c.at,
      ).toEqual([c.window]);
    }
  });

  it('isolates subscriptions: one channel failing does not stop another', async () => {
    await upsertSubscription(a.db, {
      platform: 'discord',
      workspaceId: '111111',
      channelId: '222222',
      weekday: 1,
      time: '09:00',
      timezone: 'Europe/Berlin',
      createdBy: 'discord:1',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    const slack = recordingAdapter();
    const r = await run(a, slack, 'p1');
    expect(r.results.map((x) => [x.platform, x.outcome])).toEqual([
      ['slack', 'sent'],
      ['discord', 'failed'],
    ]);
    expect(r.results[1]?.error).toBe('no discord adapter is configured');
  });
});
