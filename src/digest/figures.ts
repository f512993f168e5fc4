/**
 * The week's figures, computed from stored activity without I/O: totals against the previous
 * week, top models and their change, new and doubled models, spend by key, spike days, expiring
 * models, requests and tokens, spend by tag. Windows are UTC days `[from, to)` because OpenRouter
 * publishes activity by completed UTC day.
 * @module
 */
import type { DayWindow } from '../domain/digest-window.js';
import { runway } from '../domain/runway.js';

const DAY_MS = 86_400_000;
const TOP_MODELS = 5;
const SPIKE_FACTOR = 2;
const EXPIRY_HORIZON_DAYS = 30;

/** UTC days, `from` inclusive, `to` exclusive, both `YYYY-MM-DD`. */
export type { DayWindow };

/** Spend of one model on one UTC day (account-wide activity). */
export interface DayModelRow {
  date: string;
  model: string;
  usd: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

export interface DigestInputs {
  window: DayWindow;
  /** Account-wide rows covering at least `[from − 7 days, to)`: the previous week and the spike baseline. */
  rows: readonly DayModelRow[];
  /** First day each model appears in the stored history; models first seen inside the window are new. */
  firstSeen?: ReadonlyMap<string, string>;
  /** Per-key spend this week and the week before; null without a management key or per-key rows. */
  keys?: readonly { name: string; usd: number; previousUsd: number }[] | null;
  /** From the latest credits reading; null when there is none. */
  balance?: { usd: number; asOf: Date } | null;
  /** `expiration_date` of the models in `/models`, by id. */
  expirations?: ReadonlyMap<string, string>;
  /** Spend by tag from reconciled request logs; null or empty when there are none. */
  tags?: readonly { tag: string; usd: number; requests: number }[] | null;
  now: Date;
}

export interface ModelFigure {
  model: string;
  usd: number;
  previousUsd: number;
  /** Relative change, null when the model had no spend the week before. */
  change: number | null;
  share: number;
}

export interface DigestFigures {
  window: DayWindow;
  previousWindow: DayWindow;
  /** Every day of the window, in order. */
  days: string[];
  total: number;
  previousTotal: number;
  changeUsd: number;
  /** Null when the previous week had no spend. */
  changeRatio: number | null;
  balance: { usd: number; asOf: Date } | null;
  /** Window spend / 7. */
  burnPerDay: number;
  runwayDays: number | null;
  runOutDate: Date | null;
  topModels: ModelFigure[];
  /** How many more models had spend, and what they cost together. */
  otherModels: { count: number; usd: number };
  newModels: string[];
  doubledModels: ModelFigure[];
  keys: { name: string; usd: number; previousUsd: number }[] | null;
  spikeDays: { date: string; usd: number; trailingAverage: number }[];
  expiring: { model: string; expirationDate: string; daysLeft: number }[];
  requests: number;
  tokens: { prompt: number; completion: number; reasoning: number };
  tags: { tag: string; usd: number; requests: number }[] | null;
  /** Per (day, model) spend in the window, for the chart. */
  daily: { date: string; model: string; usd: number }[];
  /** No spend and no requests: the digest is skipped and recorded as skipped. */
  empty: boolean;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day of `[from, to)`. */
export function daysOf(w: DayWindow): string[] {
  const out: string[] = [];
  for (let d = w.from; d < w.to; d = addDays(d, 1)) out.push(d);
  return out;
}

function sumBy<T>(items: readonly T[], f: (t: T) => number): number {
  let s = 0;
  for (const i of items) s += f(i);
  return s;
}

function perModel(rows: readonly DayModelRow[], w: DayWindow): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) if (r.date >= w.from && r.date < w.to) m.set(r.model, (m.get(r.model) ?? 0) + r.usd);
  return m;
}

/** Computes the digest's figures. Pure: the clock is `inputs.now`. */
export function computeDigestFigures(inputs: DigestInputs): DigestFigures {
  const { window } = inputs;
  const span = Math.round((Date.parse(window.to) - Date.parse(window.from)) / DAY_MS);
  const previousWindow = { from: addDays(window.from, -span), to: window.from };
  const days = daysOf(window);
  const inWindow = inputs.rows.filter((r) => r.date >= window.from && r.date < window.to);
  const current = perModel(inputs.rows, window);
  const previous = perModel(inputs.rows, previousWindow);
  const total = sumBy([...current.values()], (v) => v);
  const previousTotal = sumBy([...previous.values()], (v) => v);

  const models: ModelFigure[] = [...current.entries()]
    .filter(([, usd]) => usd > 0)
    .map(([model, usd]) => {
      const previousUsd = previous.get(model) ?? 0;
      return {
        model,
        usd,
        previousUsd,
        change: previousUsd > 0 ? usd / previousUsd - 1 : null,
        share: total > 0 ? usd / total : 0,
      };
    })
    .sort((a, b) => b.usd - a.usd || a.model.localeCompare(b.model));
  const rest = models.slice(TOP_MODELS);

  const newModels = models
    .filter((m) => {
      const first = inputs.firstSeen?.get(m.model);
      return first !== undefined ? first >= window.from : m.previousUsd === 0;
    })
    .map((m) => m.model);

  const byDay = new Map<string, number>();
  for (const r of inputs.rows) byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.usd);
  const spikeDays = days.flatMap((date) => {
    const usd = byDay.get(date) ?? 0;
    const trailing = sumBy(daysOf({ from: addDays(date, -7), to: date }), (d) => byDay.get(d) ?? 0) / 7;
    return trailing > 0 && usd > SPIKE_FACTOR * trailing ? [{ date, usd, trailingAverage: trailing }] : [];
  });

  const today = inputs.now.toISOString().slice(0, 10);
  const horizon = addDays(today, EXPIRY_HORIZON_DAYS);
  const expiring = models.flatMap((m) => {
    const raw = inputs.expirations?.get(m.model);
    const date = raw?.slice(0, 10);
    if (!date || date > horizon) return [];
    return [
      { model: m.model, expirationDate: date, daysLeft: Math.round((Date.parse(date) - Date.parse(today)) / DAY_MS) },
    ];
  });

  const burnPerDay = span > 0 ? total / span : 0;
  const balance = inputs.balance ?? null;
  const left = balance ? runway(balance.usd, burnPerDay, inputs.now) : { days: null, runOutDate: null };
  const requests = sumBy(inWindow, (r) => r.requests);
  const tags = inputs.tags?.length ? [...inputs.tags].sort((a, b) => b.usd - a.usd) : null;
  const keys = inputs.keys
    ? [...inputs.keys].filter((k) => k.usd > 0 || k.previousUsd > 0).sort((a, b) => b.usd - a.usd)
    : null;

  return {
    window,
    previousWindow,
    days,
    total,
    previousTotal,
    changeUsd: total - previousTotal,
    changeRatio: previousTotal > 0 ? total / previousTotal - 1 : null,
    balance,
    burnPerDay,
    runwayDays: left.days,
    runOutDate: left.runOutDate,
    topModels: models.slice(0, TOP_MODELS),
    otherModels: { count: rest.length, usd: sumBy(rest, (m) => m.usd) },
    newModels,
    doubledModels: models.filter((m) => m.previousUsd > 0 && m.usd > 2 * m.previousUsd),
    keys,
    spikeDays,
    expiring,
    requests,
    tokens: {
      prompt: sumBy(inWindow, (r) => r.promptTokens),
      completion: sumBy(inWindow, (r) => r.completionTokens),
      reasoning: sumBy(inWindow, (r) => r.reasoningTokens),
    },
    tags,
    daily: inWindow.map((r) => ({ date: r.date, model: r.model, usd: r.usd })),
    empty: total <= 0 && requests <= 0,
  };
}
