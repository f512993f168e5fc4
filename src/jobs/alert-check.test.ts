/**
 * Alerts against a real Postgres (TEST_DATABASE_URL) or the embedded PGlite: one message per
 * crossing, hysteresis, re-arming, snooze and acknowledge (through the bot's buttons), two
 * replicas, a failed post retried without a duplicate, and the readings from the store.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.js';
import { alert, alertButtons } from '../commands/alert.js';
import { createBot } from '../commands/dispatch.js';
import { loadConfig } from '../config.js';
import type { ChatAdapter, PostOptions, PostResult, PostTarget } from '../core/chat-adapter.js';
import type { Reply } from '../core/reply.js';
import type { Actor, Platform, Services } from '../core/services.js';
import { createDb, type DbHandle } from '../db/client.js';
import { upsertActivity } from '../db/queries/activity.js';
import { insertCreditSnapshot } from '../db/queries/credits.js';
import { ALL_TABLES, alertEvents, alertRules } from '../db/schema.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import { type AlertReadings, checkAlerts, readAlertReadings } from './alert-check.js';

const BACKEND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const HOUR = 3_600_000;

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
      const earlier = opts?.dedupeKey ? posts.find((p) => p.key === opts.dedupeKey) : undefined;
      if (earlier) return { messageId: earlier.id, deduplicated: true };
      const id = `M${posts.length + 1}`;
      posts.push({ target, reply, ...(opts?.dedupeKey ? { key: opts.dedupeKey } : {}), id });
      return { messageId: id, deduplicated: false };
    },
  };
  return adapter;
}

/** This file's own store (test/support/db.ts): its own database on TEST_DATABASE_URL's server, else PGlite. */
async function openTestDb(_name: string): Promise<{ handle: DbHandle; url?: string }> {
  const t = await testDb();
  return { handle: t.handle, ...(t.url ? { url: t.url } : {}) };
}

const stubOpenRouter = { hasManagementKey: false, hasInferenceKey: false } as unknown as OpenRouterClient;
const ADMIN: Actor = { platform: 'slack', userId: 'UADMIN', displayName: 'ada', workspaceId: 'T1', channelId: 'C1' };

describe(`alerts (${BACKEND})`, () => {
  let a: DbHandle;
  let b: DbHandle;
  const clock = { now: new Date('2026-11-20T12:00:00Z') };
  const services = (handle: DbHandle): Services => ({
    config: loadConfig({ BOT_ADMINS: 'slack:UADMIN' }),
    openrouter: stubOpenRouter,
    store: { available: () => true, get: () => handle },
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now: () => clock.now,
  });
  const readings = (balance: number, extra: Partial<AlertReadings> = {}): AlertReadings => ({
    asOf: clock.now,
    balance,
    burnPerDay: 10,
    runwayDays: balance / 10,
    spendToday: 5,
    trailingAverage: 10,
    ...extra,
  });

  beforeAll(async () => {
    const opened = await openTestDb('alert_check');
    a = opened.handle;
    b = opened.url ? await createDb({ databaseUrl: opened.url, max: 4 }) : a;
  });
  afterAll(async () => {
    if (b !== a) await b.close();
    await a.close();
  });
  beforeEach(async () => {
    await a.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
    clock.now = new Date('2026-11-20T12:00:00Z');
  });

  const bot = () => createBot(services(a), [alert], alertButtons);
  const check = (slack: ChatAdapter, r: AlertReadings, handle = a) =>
    checkAlerts({ services: services(handle), adapters: new Map([['slack', slack]]), readings: r });

  it('alert commands: set, list, off; changing needs an admin', async () => {
    const b0 = bot();
    expect((await b0.runText('alert below 50', { ...ADMIN, userId: 'UNOBODY' })).outcome).toBe('denied');
    const set = await b0.runText('alert below $50', ADMIN);
    expect(set.outcome).toBe('ok');
    expect(set.reply.summary).toBe('This channel gets an alert when the balance below $50.00.');
    expect((await b0.runText('alert runway 14', ADMIN)).outcome).toBe('ok');
    expect((await b0.runText('alert spike', ADMIN)).reply.summary).toContain('daily spend over 2× the 7-day average');
    expect((await b0.runText('alert runway 0', ADMIN)).reply.summary).toContain('out of range');
    expect((await b0.runText('alert below', ADMIN)).reply.summary).toContain('needs a balance in USD');
    const listed = await b0.runText('alert list', { ...ADMIN, userId: 'UNOBODY' });
    expect(listed.outcome).toBe('ok');
    expect(listed.reply.tables?.[0]?.rows.map((r) => r[0])).toEqual([
      'balance below $50.00',
      'runway under 14 days',
      'daily spend over 2× the 7-day average',
    ]);
    expect((await b0.runText('alert off spike', ADMIN)).reply.summary).toBe(
      'Turned off 1 alert (spike) in this channel.',
    );
    expect((await b0.runText('alert off', ADMIN)).reply.summary).toBe('Turned off 2 alerts in this channel.');
  });

  it('alert thresholds with units: `25 USD`, `$1,000`, `14d`, `2.5x`, and clear refusals', async () => {
    const b0 = bot();
    const said = async (text: string) => (await b0.runText(text, ADMIN)).reply.summary;
    expect(await said('alert below 25 USD')).toBe('This channel gets an alert when the balance below $25.00.');
    expect(await said('alert below $1,000')).toBe('This channel gets an alert when the balance below $1,000.00.');
    expect(await said('alert runway 14d')).toContain('runway under 14 days');
    expect(await said('alert spike 2.5x')).toContain('daily spend over 2.5× the 7-day average');
    const listed = await b0.runText('alert list', ADMIN);
    expect(listed.reply.tables?.[0]?.rows.map((r) => r[0])).toEqual([
      'balance below $1,000.00',
      'runway under 14 days',
      'daily spend over 2.5× the 7-day average',
    ]);
    const word = await b0.runText('alert runway two weeks', ADMIN);
    expect(word.outcome).toBe('user_error');
    expect(word.reply.summary).toContain('"two weeks" is not a number of days. Try: alert runway 14');
    expect(await said('alert spike 1x')).toContain('out of range: the factor must be more than 1');
    expect(await said('alert below -5')).toContain('is negative');
  });

  it('fires once per crossing, holds inside the hysteresis band, re-arms when it clears, fires again', async () => {
    await bot().runText('alert below 50', ADMIN);
    const slack = recordingAdapter();
    expect((await check(slack, readings(60))).fired).toBe(0);
    expect((await check(slack, readings(40))).fired).toBe(1);
    expect(slack.posts).toHaveLength(1);
    const msg = slack.posts[0];
    expect(msg?.reply.title).toBe('Balance below $50.00');
    expect(msg?.reply.visibility).toBe('public');
    expect(msg?.reply.buttons?.map((x) => [x.action, x.label])).toEqual([
      ['alert-ack', 'Acknowledge'],
      ['alert-snooze', 'Snooze 24 h'],
    ]);
    expect(msg?.key).toBe('alert:1:1');
    await check(slack, readings(35));
    await check(slack, readings(50.5)); // above the threshold, inside the band: still fired
    await check(slack, readings(49));
    expect(slack.posts).toHaveLength(1);
    expect((await check(slack, readings(80))).rearmed).toBe(1);
    expect((await check(slack, readings(45))).fired).toBe(1);
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]?.key).toBe('alert:1:2');
    const events = await a.db.select().from(alertEvents);
    expect(events.map((e) => [e.crossingNo, e.status, e.messageId])).toEqual([
      [1, 'sent', 'M1'],
      [2, 'sent', 'M2'],
    ]);
  });

  it('two replicas evaluating the same snapshot post once', async () => {
    await bot().runText('alert below 50', ADMIN);
    const slack = recordingAdapter();
    const results = await Promise.all([
      check(slack, readings(40), a),
      check(slack, readings(40), b),
      check(slack, readings(40), a),
    ]);
    expect(results.reduce((n, r) => n + r.fired, 0)).toBe(1);
    expect(slack.posts).toHaveLength(1);
  });

  it('snooze: nothing for 24 hours, then once more if it still holds; the state persists', async () => {
    const b0 = bot();
    await b0.runText('alert below 50', ADMIN);
    const slack = recordingAdapter();
    await check(slack, readings(40));
    const value = slack.posts[0]?.reply.buttons?.[1]?.value ?? '';
    expect((await b0.pressButton('alert-snooze', value, { ...ADMIN, userId: 'UNOBODY' })).outcome).toBe('denied');
    const snoozed = await b0.pressButton('alert-snooze', value, ADMIN);
    expect(snoozed.outcome).toBe('ok');
    expect(snoozed.reply.summary).toContain('snoozed the alert (balance below $50.00) until 2026-11-21 12:00 UTC');
    const [rule] = await a.db.select().from(alertRules);
    expect(rule?.snoozedUntil?.toISOString()).toBe('2026-11-21T12:00:00.000Z');
    clock.now = new Date(clock.now.getTime() + 23 * HOUR);
    expect((await check(slack, readings(30))).suppressed).toBe(1);
    expect(slack.posts).toHaveLength(1);
    expect((await bot().runText('alert list', ADMIN)).reply.tables?.[0]?.rows[0]?.[1]).toBe(
      'snoozed until 2026-11-21 12:00 UTC',
    );
    clock.now = new Date(clock.now.getTime() + 2 * HOUR);
    expect((await check(slack, readings(30))).fired).toBe(1);
    expect(slack.posts).toHaveLength(2);
  });

  it('acknowledge: recorded on the rule; no reminder until the condition clears and recurs', async () => {
    const b0 = bot();
    await b0.runText('alert below 50', ADMIN);
    const slack = recordingAdapter();
    await check(slack, readings(40));
    const ack = await b0.pressButton('alert-ack', slack.posts[0]?.reply.buttons?.[0]?.value ?? '', ADMIN);
    expect(ack.reply.title).toBe('Alert acknowledged');
    const [rule] = await a.db.select().from(alertRules);
    expect(rule).toMatchObject({ state: 'fired', acknowledgedBy: 'slack:UADMIN' });
    await check(slack, readings(30));
    expect(slack.posts).toHaveLength(1);
    expect((await bot().runText('alert list', ADMIN)).reply.tables?.[0]?.rows[0]?.[1]).toBe('fired, acknowledged');
    await check(slack, readings(90));
    await check(slack, readings(20));
    expect(slack.posts).toHaveLength(2);
    const [after] = await a.db.select().from(alertRules);
    expect(after?.acknowledgedBy).toBeNull();
    expect((await b0.pressButton('alert-ack', '999:1', ADMIN)).reply.summary).toContain('no longer exists');
  });

  it('a failed post is retried at the next check, without a second message for the crossing', async () => {
    await bot().runText('alert runway 14', ADMIN);
    const slack = recordingAdapter();
    slack.failNext(1);
    const first = await check(slack, readings(100)); // 10 days of runway
    expect(first).toMatchObject({ fired: 1, posted: 0, failed: 1 });
    expect((await check(slack, readings(100))).posted).toBe(1);
    expect(slack.posts[0]?.reply.title).toBe('Runway under 14 days');
    await check(slack, readings(100));
    expect(slack.posts).toHaveLength(1);
  });

  it('spike: today so far against the trailing average; re-arms the next day', async () => {
    await bot().runText('alert spike 3', ADMIN);
    const slack = recordingAdapter();
    await check(slack, readings(500, { spendToday: 25, trailingAverage: 10 }));
    expect(slack.posts).toHaveLength(0);
    await check(slack, readings(500, { spendToday: 31, trailingAverage: 10 }));
    expect(slack.posts[0]?.reply.summary).toBe(
      'Spend today (UTC) is $31.00, 3.1× the trailing 7-day average of $10.00/day (alert at 3×).',
    );
    expect((await check(slack, readings(500, { spendToday: 1, trailingAverage: 10 }))).rearmed).toBe(1);
  });

  it('reads balance, burn rate, runway and spend today from snapshots and activity', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-11-${String(13 + i).padStart(2, '0')}`,
      model: 'm',
      modelPermaslug: 'm',
      endpointId: 'e',
      providerName: 'p',
      usage: 20,
      byokUsageInference: 0,
      requests: 1,
      promptTokens: 1,
      completionTokens: 1,
      reasoningTokens: 0,
    }));
    await upsertActivity(a.db, rows, '', clock.now);
    await insertCreditSnapshot(a.db, {
      takenAt: new Date('2026-11-19T23:55:00Z'),
      totalCredits: 1000,
      totalUsage: 700,
    });
    await insertCreditSnapshot(a.db, {
      takenAt: new Date('2026-11-20T11:55:00Z'),
      totalCredits: 1000,
      totalUsage: 760,
    });
    const r = await readAlertReadings(services(a));
    expect(r).toEqual({
      asOf: new Date('2026-11-20T11:55:00Z'),
      balance: 240,
      burnPerDay: 20,
      runwayDays: 12,
      spendToday: 60,
      trailingAverage: 20,
    });
  });
});
