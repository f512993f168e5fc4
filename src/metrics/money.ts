/**
 * Money on `/metrics` (contract §8): balance, burn per day, runway, per-key spend and limit
 * remaining, spend per model (top N plus "others", so the label set stays bounded) and the last
 * successful sync per kind. Computed at scrape time from the store, never from OpenRouter, with the
 * same queries and domain functions as `balance` (burnFromStore, runway); one computation is
 * shared by every gauge of a scrape and cached briefly so scrapes do not hammer the store.
 * Key labels are key names (or a hash prefix), never the key itself.
 * @module
 */
import { Gauge, type Registry } from 'prom-client';
import { burnFromStore } from '../commands/account-state.js';
import type { Db } from '../db/client.js';
import { spendByDay, usageBreakdown } from '../db/queries/activity.js';
import { firstCreditSnapshotSince, latestCreditSnapshot } from '../db/queries/credits.js';
import { listKeys } from '../db/queries/keys.js';
import { listSyncState } from '../db/queries/sync-state.js';
import { utcDate } from '../domain/periods.js';
import { runway } from '../domain/runway.js';

const DAY_MS = 86_400_000;

export interface MoneyFigures {
  balance: number | null;
  burnPerDay: number | null;
  runwayDays: number | null;
  keys: { key: string; day: number; week: number; month: number; limitRemaining: number | null }[];
  /** Spend over the last 7 complete UTC days, top N models then `others`. */
  models: { model: string; usd: number }[];
  /** Sync name → when it last succeeded. */
  lastSync: { kind: string; at: Date }[];
}

/** A label for each key: its name, with a hash prefix when names repeat or are empty. */
function keyLabels(keys: readonly { hash: string; name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const k of keys) count.set(k.name, (count.get(k.name) ?? 0) + 1);
  return keys.map((k) => {
    const name = k.name.trim();
    if (!name) return k.hash.slice(0, 12);
    return (count.get(k.name) ?? 0) > 1 ? `${name} (${k.hash.slice(0, 8)})` : name;
  });
}

/** Reads every money figure from the store at `now`. */
export async function readMoneyFigures(db: Db, now: Date, topModels: number): Promise<MoneyFigures> {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const todayStr = utcDate(today);
  const weekAgo = utcDate(new Date(today.getTime() - 7 * DAY_MS));
  const [daily, weekOld, newest, keys, byModel, syncs] = await Promise.all([
    spendByDay(db, { from: utcDate(new Date(today.getTime() - 30 * DAY_MS)), to: todayStr }),
    firstCreditSnapshotSince(db, new Date(today.getTime() - 8 * DAY_MS)),
    latestCreditSnapshot(db),
    listKeys(db),
    usageBreakdown(db, { from: weekAgo, to: todayStr, by: 'model' }),
    listSyncState(db),
  ]);
  const balance = newest ? newest.totalCredits - newest.totalUsage : null;
  const burn = burnFromStore(now, daily, weekOld, newest);
  const runwayDays = balance !== null && burn ? runway(balance, burn.perDay, now).days : null;
  const labels = keyLabels(keys);
  const top = byModel.slice(0, topModels).map((g) => ({ model: g.group, usd: g.usd }));
  const rest = byModel.slice(topModels).reduce((s, g) => s + g.usd, 0);
  return {
    balance,
    burnPerDay: burn ? burn.perDay : null,
    runwayDays,
    keys: keys.map((k, i) => ({
      key: labels[i] ?? k.hash.slice(0, 12),
      day: k.usageDaily,
      week: k.usageWeekly,
      month: k.usageMonthly,
      limitRemaining: k.limit === null ? null : k.limitRemaining,
    })),
    models: byModel.length > topModels ? [...top, { model: 'others', usd: rest }] : top,
    lastSync: syncs.flatMap((r) => (r.lastOkAt ? [{ kind: r.name, at: r.lastOkAt }] : [])),
  };
}

export interface MoneyMetricsDeps {
  registry: Registry;
  /** The store when it is connected, else undefined (the gauges are then left empty). */
  db: () => Db | undefined;
  now: () => Date;
  /** How long one reading serves scrapes. Default 15 s. */
  cacheMs?: number;
  /** Models named on the per-model gauge; the rest add up under `others`. Default 10. */
  topModels?: number;
  onError?: (error: unknown) => void;
  /** Milliseconds for the cache's age (tests step it). Default Date.now. */
  clock?: () => number;
}

/** Registers the money gauges on `registry`; their values are computed when scraped. */
export function registerMoneyMetrics(deps: MoneyMetricsDeps): void {
  const cacheMs = deps.cacheMs ?? 15_000;
  let cached: { at: number; figures: Promise<MoneyFigures | undefined> } | undefined;
  const figures = (): Promise<MoneyFigures | undefined> => {
    const at = (deps.clock ?? Date.now)();
    if (cached && at - cached.at < cacheMs) return cached.figures;
    const db = deps.db();
    const promise = db
      ? readMoneyFigures(db, deps.now(), deps.topModels ?? 10).catch((error: unknown) => {
          deps.onError?.(error);
          cached = undefined; // a failed read is not cached
          return undefined;
        })
      : Promise.resolve(undefined);
    cached = { at, figures: promise };
    return promise;
  };
  const registers = [deps.registry];
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, f: MoneyFigures) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        // reset() leaves an unlabelled gauge at 0; a missing figure must be absent, not $0 of balance.
        if (labelNames.length === 0) this.remove();
        const f = await figures();
        if (f) fill(this, f);
      },
    });

  gauge('credits_bot_balance_usd', 'Credit balance (purchased minus used), newest stored reading', [], (g, f) => {
    if (f.balance !== null) g.set(f.balance);
  });
  gauge('credits_bot_burn_usd_per_day', 'Average spend per day (last 7 complete UTC days)', [], (g, f) => {
    if (f.burnPerDay !== null) g.set(f.burnPerDay);
  });
  gauge('credits_bot_runway_days', 'Days until the balance runs out at the current burn', [], (g, f) => {
    if (f.runwayDays !== null) g.set(f.runwayDays);
  });
  gauge('credits_bot_key_spend_usd', 'Spend per API key this UTC day, week and month', ['key', 'period'], (g, f) => {
    for (const k of f.keys) {
      g.set({ key: k.key, period: 'day' }, k.day);
      g.set({ key: k.key, period: 'week' }, k.week);
      g.set({ key: k.key, period: 'month' }, k.month);
    }
  });
  gauge('credits_bot_key_limit_remaining_usd', 'Credit left under each API key limit', ['key'], (g, f) => {
    for (const k of f.keys) if (k.limitRemaining !== null) g.set({ key: k.key }, k.limitRemaining);
  });
  gauge(
    'credits_bot_model_spend_usd',
    'Spend per model over the last 7 complete UTC days (top models, the rest as others)',
    ['model'],
    (g, f) => {
      for (const m of f.models) g.set({ model: m.model }, m.usd);
    },
  );
  gauge(
    'credits_bot_last_sync_success_timestamp_seconds',
    'When each sync kind last succeeded (Unix seconds)',
    ['kind'],
    (g, f) => {
      for (const s of f.lastSync) g.set({ kind: s.kind }, s.at.getTime() / 1000);
    },
  );
}
