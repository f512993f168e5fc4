/**
 * Money on /metrics: the service started against the OpenRouter simulator, one sync, then a scrape.
 * Every gauge is checked against figures computed here from the simulator's own state.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { insertCreditSnapshot } from '../../src/db/queries/credits.js';
import { utcDate } from '../../src/domain/periods.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/main.js';
import { readMoneyFigures, registerMoneyMetrics } from '../../src/metrics/money.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { keyUsage } from '../../src/openrouter/simulator/state.js';
import { backends, type TestDb, testDb } from '../support/db.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';
import { parsePromText, type Sample } from '../support/prom-text.js';

const DAY_MS = 86_400_000;
const quietLog = createLogger({
  level: 'warn',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

describe('money gauges on /metrics', () => {
  let or: TestOpenRouter;
  let service: RunningService;
  let samples: Sample[];
  let text: string;

  beforeAll(async () => {
    or = await startTestOpenRouter({ now: TEST_NOW });
    const config = loadConfig({
      OPENROUTER_BASE_URL: or.sim.url,
      OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
      OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    service = await startService(config, { log: quietLog, memoryStore: true, now: () => TEST_NOW });
    const { db } = await service.core.store.connected();
    const summary = await syncOnce({ db, openrouter: service.core.openrouter, now: () => TEST_NOW, logger: quietLog });
    expect(summary.errors).toEqual([]);
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    text = await res.text();
    samples = parsePromText(text);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await or?.close();
  });

  const one = (name: string, labels: Record<string, string> = {}) => {
    const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
    return (found[0] as Sample).value;
  };

  /** Account spend per completed UTC day of the last 7, from the simulator's activity rows. */
  function simWeek() {
    const today = utcDate(TEST_NOW);
    const weekAgo = utcDate(new Date(Date.parse(`${today}T00:00:00Z`) - 7 * DAY_MS));
    return or.sim.state.activity.filter((a) => a.date >= weekAgo && a.date < today);
  }

  it('balance, burn per day and runway equal the simulator account and its last 7 days of activity', () => {
    const { totalCredits, totalUsage } = or.sim.state.account;
    const balance = totalCredits - totalUsage;
    const burn = simWeek().reduce((s, a) => s + a.usage, 0) / 7;
    expect(burn).toBeGreaterThan(0);
    expect(one('credits_bot_balance_usd')).toBeCloseTo(balance, 6);
    expect(one('credits_bot_burn_usd_per_day')).toBeCloseTo(burn, 6);
    expect(one('credits_bot_runway_days')).toBeCloseTo(balance / burn, 4);
  });

  it('per-key spend (day, week, month) and limit remaining equal the simulator key usage, labelled by name', () => {
    const keys = or.sim.state.keys.filter((k) => !k.management);
    expect(new Set(keys.map((k) => k.name)).size).toBe(keys.length);
    for (const key of keys) {
      const u = keyUsage(or.sim.state, key, TEST_NOW);
      expect(one('credits_bot_key_spend_usd', { key: key.name, period: 'day' })).toBeCloseTo(u.usage_daily, 6);
      expect(one('credits_bot_key_spend_usd', { key: key.name, period: 'week' })).toBeCloseTo(u.usage_weekly, 6);
      expect(one('credits_bot_key_spend_usd', { key: key.name, period: 'month' })).toBeCloseTo(u.usage_monthly, 6);
      if (u.limit_remaining === null) {
        expect(samples.some((s) => s.name === 'credits_bot_key_limit_remaining_usd' && s.labels.key === key.name)).toBe(
          false,
        );
      } else {
        expect(one('credits_bot_key_limit_remaining_usd', { key: key.name })).toBeCloseTo(u.limit_remaining, 6);
      }
    }
    expect(samples.filter((s) => s.name === 'credits_bot_key_spend_usd')).toHaveLength(keys.length * 3);
    expect(keys.some((k) => k.limit !== null)).toBe(true);
  });

  it('never shows a key secret or a full key hash', () => {
    for (const key of or.sim.state.keys) {
      expect(text).not.toContain(key.secret);
      expect(text).not.toContain(key.hash);
    }
  });

  it('spend per model over the last 7 days equals the simulator activity per model (top 10, then others)', () => {
    const perModel = new Map<string, number>();
    for (const a of simWeek()) perModel.set(a.model, (perModel.get(a.model) ?? 0) + a.usage);
    const sorted = [...perModel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(sorted.length).toBeGreaterThan(10); // the demo has more models than the bound
    const gauges = samples.filter((s) => s.name === 'credits_bot_model_spend_usd');
    expect(gauges).toHaveLength(11);
    for (const [model, usd] of sorted.slice(0, 10)) {
      expect(one('credits_bot_model_spend_usd', { model })).toBeCloseTo(usd, 6);
    }
    const rest = sorted.slice(10).reduce((s, [, usd]) => s + usd, 0);
    expect(one('credits_bot_model_spend_usd', { model: 'others' })).toBeCloseTo(rest, 6);
  });

  it('bounds the model label set: top N by spend, the rest summed under others', async () => {
    const perModel = new Map<string, number>();
    for (const a of simWeek()) perModel.set(a.model, (perModel.get(a.model) ?? 0) + a.usage);
    const sorted = [...perModel.entries()].sort((a, b) => b[1] - a[1]);
    const figures = await readMoneyFigures(service.core.store.get().db, TEST_NOW, 2);
    expect(figures.models.map((m) => m.model)).toEqual([sorted[0]?.[0], sorted[1]?.[0], 'others']);
    const others = sorted.slice(2).reduce((s, [, usd]) => s + usd, 0);
    expect(figures.models[2]?.usd).toBeCloseTo(others, 6);
  });

  it('reports the last successful sync of each kind at the sync time', () => {
    for (const kind of ['credits', 'keys', 'activity', 'activity-keys']) {
      expect(one('credits_bot_last_sync_success_timestamp_seconds', { kind })).toBe(TEST_NOW.getTime() / 1000);
    }
  });

  it('keeps the older metrics: sync lag, digest and alert delivery counters', () => {
    const names = new Set(samples.map((s) => s.name));
    expect(text).toContain('# TYPE credits_bot_digest_deliveries_total counter');
    expect(text).toContain('# TYPE credits_bot_alerts_fired_total counter');
    expect(names.has('credits_bot_sync_lag_seconds')).toBe(true);
  });
});

describe.each(backends())('readMoneyFigures on %s', (backend) => {
  let or: TestOpenRouter;
  let t: TestDb;

  beforeAll(async () => {
    or = await startTestOpenRouter({ now: TEST_NOW });
    t = await testDb(backend);
    const summary = await syncOnce({ db: t.db, openrouter: or.client, now: () => TEST_NOW, logger: quietLog });
    expect(summary.errors).toEqual([]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await or?.close();
  });

  it('gives the simulator balance, burn, runway and key figures', async () => {
    const f = await readMoneyFigures(t.db, TEST_NOW, 10);
    const { totalCredits, totalUsage } = or.sim.state.account;
    const today = utcDate(TEST_NOW);
    const weekAgo = utcDate(new Date(Date.parse(`${today}T00:00:00Z`) - 7 * DAY_MS));
    const burn =
      or.sim.state.activity.filter((a) => a.date >= weekAgo && a.date < today).reduce((s, a) => s + a.usage, 0) / 7;
    expect(f.balance).toBeCloseTo(totalCredits - totalUsage, 6);
    expect(f.burnPerDay).toBeCloseTo(burn, 6);
    expect(f.runwayDays).toBeCloseTo((totalCredits - totalUsage) / burn, 4);
    const keys = or.sim.state.keys.filter((k) => !k.management);
    expect(f.keys).toHaveLength(keys.length);
    for (const key of keys) {
      const u = keyUsage(or.sim.state, key, TEST_NOW);
      const got = f.keys.find((k) => k.key === key.name);
      expect(got?.month).toBeCloseTo(u.usage_monthly, 6);
      expect(got?.limitRemaining ?? null).toEqual(
        u.limit_remaining === null ? null : expect.closeTo(u.limit_remaining, 6),
      );
    }
  });

  it('has no money figures on an empty store, and says so by leaving them out', async () => {
    const empty = await testDb(backend);
    try {
      const f = await readMoneyFigures(empty.db, TEST_NOW, 10);
      expect(f).toEqual({ balance: null, burnPerDay: null, runwayDays: null, keys: [], models: [], lastSync: [] });
    } finally {
      await empty.close();
    }
  });
});

describe('the scrape cache', () => {
  it('serves one reading for cacheMs, then reads the store again', async () => {
    const t = await testDb('pglite');
    try {
      await insertCreditSnapshot(t.db, { takenAt: TEST_NOW, totalCredits: 100, totalUsage: 40 });
      let clock = 0;
      const registry = new Registry();
      registerMoneyMetrics({ registry, db: () => t.db, now: () => TEST_NOW, cacheMs: 60_000, clock: () => clock });
      const balance = async () =>
        parsePromText(await registry.metrics()).find((s) => s.name === 'credits_bot_balance_usd')?.value;
      expect(await balance()).toBe(60);
      await insertCreditSnapshot(t.db, {
        takenAt: new Date(TEST_NOW.getTime() + 1000),
        totalCredits: 100,
        totalUsage: 55,
      });
      clock = 59_000;
      expect(await balance()).toBe(60);
      clock = 61_000;
      expect(await balance()).toBe(45);
    } finally {
      await t.close();
    }
  });

  it('leaves the gauges empty while the store is not connected', async () => {
    const registry = new Registry();
    registerMoneyMetrics({ registry, db: () => undefined, now: () => TEST_NOW });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE credits_bot_balance_usd gauge');
    expect(parsePromText(text)).toEqual([]);
  });
});
