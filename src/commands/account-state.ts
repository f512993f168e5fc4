/**
 * The live account picture shared by `balance`, `explain` and the digest: balance from `/credits`,
 * the inference key's limit from `/key`, spend and burn rate from the store (synced activity) or
 * from credit snapshots. When OpenRouter is down it falls back to the newest stored snapshot.
 * @module
 */

import type { Services } from '../core/services.js';
import { activityCoverage, spendByDay, upsertActivity } from '../db/queries/activity.js';
import {
  creditSnapshotAtOrBefore,
  firstCreditSnapshotSince,
  insertCreditSnapshot,
  latestCreditSnapshot,
} from '../db/queries/credits.js';
import { listKeys } from '../db/queries/keys.js';
import { markSyncOk } from '../db/queries/sync-state.js';
import { byokMonthFee } from '../domain/byok.js';
import { utcDate } from '../domain/periods.js';
import { burnRate, runway } from '../domain/runway.js';
import { MissingKeyError, OpenRouterError } from '../errors.js';
import type { CurrentKey } from '../openrouter/types.js';

const DAY_MS = 86_400_000;
/** A balance command stores a reading only when the newest is older than this (or differs). */
const SNAPSHOT_MIN_GAP_MS = 60_000;

export interface AccountState {
  now: Date;
  credits: { totalCredits: number; totalUsage: number; balance: number; asOf: Date; stale: boolean } | undefined;
  /** Why there is no live balance (missing key, OpenRouter down). */
  creditsProblem?: string;
  /** The error behind `creditsProblem` / `keyProblem`, for callers that must fail. */
  creditsError?: unknown;
  keyError?: unknown;
  key: CurrentKey | undefined;
  keyProblem?: string;
  spend: {
    today: number | null;
    last7: number | null;
    month: number | null;
    todaySource: 'snapshots' | 'keys' | 'none';
    /** This month's completed UTC days: spend on the user's own provider keys, and OpenRouter's fee on it. */
    byokMonth?: { usd: number; feeUsd: number };
  };
  burn: { perDay: number; days: number; basis: 'activity' | 'snapshots' } | null;
  runway: { days: number | null; runOutDate: Date | null } | null;
}

function describeProblem(error: unknown): string {
  if (error instanceof MissingKeyError) return error.message;
  if (error instanceof OpenRouterError) {
    return error.isUnavailable
      ? `OpenRouter is unavailable or slow right now (${error.status || error.kind})`
      : `OpenRouter answered ${error.status}: ${error.message}`;
  }
  return 'could not be read';
}

/** Makes sure the store holds the account-wide activity of the last 30 completed days. */
async function ensureActivity(services: Services, from: string, to: string): Promise<void> {
  if (!services.store.available() || !services.openrouter.hasManagementKey) return;
  const { db } = services.store.get();
  const covered = await activityCoverage(db, { from, to });
  const yesterday = utcDate(new Date(startOfDay(services.now()).getTime() - DAY_MS));
  if (covered.includes(yesterday) || to <= from) return;
  const rows = await services.openrouter.getActivity({}, { budgetMs: 8_000 });
  const n = await upsertActivity(db, rows, '', services.now());
  // Records the 30-day window as synced, so days without spend count as covered too.
  await markSyncOk(db, 'activity', services.now(), n);
}

function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

async function readCredits(
  services: Services,
): Promise<Pick<AccountState, 'credits' | 'creditsProblem' | 'creditsError'>> {
  try {
    const c = await services.openrouter.getCredits({ budgetMs: 8_000 });
    return { credits: { ...c, balance: c.totalCredits - c.totalUsage, asOf: services.now(), stale: false } };
  } catch (error) {
    const problem = describeProblem(error);
    if (error instanceof OpenRouterError && services.store.available()) {
      const last = await latestCreditSnapshot(services.store.get().db).catch(() => undefined);
      if (last) {
        return {
          credits: {
            totalCredits: last.totalCredits,
            totalUsage: last.totalUsage,
            balance: last.totalCredits - last.totalUsage,
            asOf: last.takenAt,
            stale: true,
          },
          creditsProblem: problem,
        };
      }
    }
    if (!(error instanceof MissingKeyError) && !(error instanceof OpenRouterError)) throw error;
    return { credits: undefined, creditsProblem: problem, creditsError: error };
  }
}

async function readKey(services: Services): Promise<Pick<AccountState, 'key' | 'keyProblem' | 'keyError'>> {
  if (!services.openrouter.hasInferenceKey) return { key: undefined };
  try {
    return { key: await services.openrouter.getCurrentKey({ budgetMs: 8_000 }) };
  } catch (error) {
    if (!(error instanceof OpenRouterError)) throw error;
    return { key: undefined, keyProblem: describeProblem(error), keyError: error };
  }
}

type Reading = { takenAt: Date; totalUsage: number } | null | undefined;

/**
 * The burn rate from stored figures: synced daily activity (the last 7 complete UTC days) when the
 * past week has any, else the spread of credit readings at least a day apart (`weekOld` = the first
 * reading of the last 8 days, `newest` = the latest). Shared by `balance` and the `/metrics` gauges.
 */
export function burnFromStore(
  now: Date,
  daily: readonly { date: string; usd: number }[],
  weekOld: Reading,
  newest: Reading,
): AccountState['burn'] {
  const todayStr = utcDate(startOfDay(now));
  const weekAgo = utcDate(new Date(startOfDay(now).getTime() - 7 * DAY_MS));
  if (daily.some((d) => d.date >= weekAgo)) {
    const rate = burnRate(
      daily.filter((d) => d.date < todayStr).map((d) => ({ date: d.date, usd: d.usd })),
      { days: 7, until: todayStr },
    );
    return { perDay: rate.perDay, days: rate.days, basis: 'activity' };
  }
  if (!weekOld || !newest) return null;
  const spanDays = (newest.takenAt.getTime() - weekOld.takenAt.getTime()) / DAY_MS;
  if (spanDays < 1) return null;
  return {
    perDay: Math.max(0, (newest.totalUsage - weekOld.totalUsage) / spanDays),
    days: spanDays,
    basis: 'snapshots',
  };
}

/** What `balance` reads from the store for one UTC day and one live reading. */
interface StoreFigures {
  /** The newest credit reading after this command's own was remembered (undefined: not read). */
  newest: Reading;
  daily: Awaited<ReturnType<typeof spendByDay>>;
  beforeMidnight: Awaited<ReturnType<typeof creditSnapshotAtOrBefore>>;
  weekOld: Reading;
  /** Sum of usage_daily over the keys synced today; null when none was. */
  keysToday: number | null;
}

/**
 * Store reads in flight, per store: commands that arrive while the same figures are being read
 * join that read instead of issuing their own (the way DataLoader coalesces a burst). A burst of
 * 100 `/credits` then costs the store one set of statements, not a hundred, and what a command sees
 * was read after it arrived or a few milliseconds before (never a cached answer between reads).
 */
const inFlight = new WeakMap<object, Map<string, Promise<StoreFigures>>>();

function joinOrRead(db: object, key: string, read: () => Promise<StoreFigures>): Promise<StoreFigures> {
  let reads = inFlight.get(db);
  if (!reads) {
    reads = new Map();
    inFlight.set(db, reads);
  }
  const pending = reads.get(key);
  if (pending) return pending;
  const started = read().finally(() => reads.delete(key));
  reads.set(key, started);
  return started;
}

async function readStoreFigures(
  services: Services,
  credits: { totalCredits: number; totalUsage: number } | undefined,
  days: { today: Date; todayStr: string; from: string },
): Promise<StoreFigures> {
  const { db } = services.store.get();
  // Keep a reading for burn rate and outages, but not one per command: the sync stores one every
  // few minutes, and a burst of balance commands must not grow the table per command.
  const remember = async (c: { totalCredits: number; totalUsage: number }): Promise<Reading> => {
    const asOf = services.now();
    const last = await latestCreditSnapshot(db);
    const unchanged = last && last.totalCredits === c.totalCredits && last.totalUsage === c.totalUsage;
    if (last && (unchanged || asOf.getTime() - last.takenAt.getTime() < SNAPSHOT_MIN_GAP_MS)) return last;
    const reading = { takenAt: asOf, totalCredits: c.totalCredits, totalUsage: c.totalUsage };
    await insertCreditSnapshot(db, reading);
    return reading;
  };
  const newest = credits
    ? await remember(credits).catch((error: unknown) => {
        services.log.warn({ err: error }, 'could not store the credit snapshot');
        return undefined;
      })
    : undefined;
  await ensureActivity(services, days.from, days.todayStr).catch((error: unknown) =>
    services.log.warn({ err: error }, 'could not fetch activity for balance'),
  );
  const [daily, beforeMidnight, weekOld, latest] = await Promise.all([
    spendByDay(db, { from: days.from, to: days.todayStr }),
    creditSnapshotAtOrBefore(db, days.today),
    firstCreditSnapshotSince(db, new Date(days.today.getTime() - 8 * DAY_MS)),
    newest !== undefined ? newest : latestCreditSnapshot(db),
  ]);
  let keysToday: number | null = null;
  const midnightReading =
    credits && beforeMidnight && days.today.getTime() - beforeMidnight.takenAt.getTime() <= 60 * 60_000;
  if (!midnightReading) {
    // Without a reading from before midnight, today's spend is the keys' usage_daily (synced).
    const fresh = (await listKeys(db)).filter((k) => k.syncedAt.getTime() >= days.today.getTime());
    if (fresh.length > 0) keysToday = fresh.reduce((s, k) => s + k.usageDaily, 0);
  }
  return { newest: latest, daily, beforeMidnight, weekOld, keysToday };
}

/** Reads everything `balance` shows. Never throws for OpenRouter or store trouble; says so instead. */
export async function readAccountState(services: Services): Promise<AccountState> {
  const now = services.now();
  const [creditsPart, keyPart] = await Promise.all([readCredits(services), readKey(services)]);
  const today = startOfDay(now);
  const todayStr = utcDate(today);
  const weekAgo = utcDate(new Date(today.getTime() - 7 * DAY_MS));
  const monthStart = utcDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const from30 = utcDate(new Date(today.getTime() - 30 * DAY_MS));

  const spend: AccountState['spend'] = { today: null, last7: null, month: null, todaySource: 'none' };
  let burn: AccountState['burn'] = null;
  if (services.store.available()) {
    const live = creditsPart.credits && !creditsPart.credits.stale ? creditsPart.credits : undefined;
    // biome-ignore lint/complexity/useMathMinMax: ISO date strings compare as text; Math.min would turn them into NaN
    const from = from30 < monthStart ? from30 : monthStart;
    try {
      const { db } = services.store.get();
      const figures = await joinOrRead(
        db,
        `${todayStr}|${live ? `${live.totalCredits}|${live.totalUsage}` : 'none'}`,
        () => readStoreFigures(services, live, { today, todayStr, from }),
      );
      const { daily, beforeMidnight, weekOld, newest } = figures;
      if (creditsPart.credits && beforeMidnight && today.getTime() - beforeMidnight.takenAt.getTime() <= 60 * 60_000) {
        spend.today = Math.max(0, creditsPart.credits.totalUsage - beforeMidnight.totalUsage);
        spend.todaySource = 'snapshots';
      }
      if (spend.today === null && figures.keysToday !== null) {
        spend.today = figures.keysToday;
        spend.todaySource = 'keys';
      }
      if (daily.some((d) => d.date >= weekAgo)) {
        spend.last7 = daily.filter((d) => d.date >= weekAgo && d.date < todayStr).reduce((s, d) => s + d.usd, 0);
        spend.month =
          daily.filter((d) => d.date >= monthStart && d.date < todayStr).reduce((s, d) => s + d.usd, 0) +
          (spend.today ?? 0);
      }
      const monthDays = daily.filter((d) => d.date >= monthStart && d.date < todayStr);
      const byok = monthDays.reduce((s, d) => s + d.byokUsd, 0);
      if (byok > 0) spend.byokMonth = { usd: byok, feeUsd: byokMonthFee(byok) };
      burn = burnFromStore(now, daily, weekOld, newest);
    } catch (error) {
      services.log.warn({ err: error }, 'store figures unavailable for balance');
    }
  }
  const runwayPart = creditsPart.credits && burn ? runway(creditsPart.credits.balance, burn.perDay, now) : null;
  return { now, ...creditsPart, ...keyPart, spend, burn, runway: runwayPart };
}
