/**
 * Money and counts as the contract shows them: `$74.50`, `$1,234.50`, `$0.001502`, `1,234,567`.
 * Rounding is decimal (ICU's), so `$1.005` shows as `$1.01` as a person would expect, not as the
 * binary double `1.00499…` would round.
 * @module
 */

/** Amounts of $1 and more: 2 decimals, thousands separators. */
const USD_LARGE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Amounts under $1: 4 significant figures, trailing zeros dropped. */
const USD_SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false });
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
/** The true minus sign, as the contract writes decreases (`−40.0%`). */
const MINUS = '−';

/**
 * USD with a `$`. Amounts ≥ $1 get 2 decimals and thousands separators; smaller ones get enough
 * decimals to be exact to 4 significant figures, and at least 2: `$0.50`, `$0.1235`, `$0.001502`.
 * Zero is `$0.00`, negatives `−$3.20` (the true minus sign, as everywhere), and NaN or ±Infinity `—`.
 * @example formatUsd(1234.5) // '$1,234.50'
 * @example formatUsd(0.0015023) // '$0.001502'
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  const a = Math.abs(usd);
  if (a === 0) return '$0.00';
  const sign = usd < 0 ? MINUS : '';
  return `${sign}$${a >= 1 ? USD_LARGE.format(a) : small(a)}`;
}

/** A difference with its sign always shown: `+$3.20`, `−$0.0150`, `$0.00`. */
export function formatSignedUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  return `${usd > 0 ? '+' : MINUS}${formatUsd(Math.abs(usd))}`;
}

/**
 * USD precise enough to see a small difference (reconcile reports, price breakdowns): 4 significant
 * figures at any size below $1 and at least 4 decimals there (`$0.0001502`, `$0.1235`), 2 decimals
 * with separators from $1 on. Zero is `$0`.
 */
export function formatUsdPrecise(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  const a = Number(Math.abs(usd).toPrecision(4));
  const sign = usd < 0 ? MINUS : '';
  if (a >= 1) return `${sign}$${USD_LARGE.format(a)}`;
  const digits = Math.min(10, Math.max(4, 3 - Math.floor(Math.log10(a))));
  return `${sign}$${a.toFixed(digits)}`;
}

function small(a: number): string {
  const text = USD_SMALL.format(a);
  if (Number(text) >= 1) return '1.00'; // 0.99996 rounds up to a whole dollar
  const [whole, frac = ''] = text.split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

/** Whole counts with separators: `formatTokens(1234567)` → `1,234,567`; NaN → `—`. */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return COUNT.format(Math.round(n));
}

/** A ratio as a percentage: `formatPercent(0.125)` → `12.5%`; NaN → `—`. */
export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/**
 * Change from `previous` to `current`: `+12.5%`, `−40.0%` (true minus sign), `±0.0%` (unchanged at
 * this precision), `new` (from zero to something), `—` (both zero, or not numbers).
 */
export function formatChange(current: number, previous: number): string {
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return '—';
  if (previous === 0) return current > 0 ? 'new' : '—';
  const ratio = (current - previous) / Math.abs(previous);
  const pct = Math.abs(ratio * 100).toFixed(1);
  if (pct === '0.0') return '±0.0%';
  return `${ratio > 0 ? '+' : MINUS}${pct}%`;
}

/** Days of runway: `23.4 days`, `1.0 day`, `250 days` (no decimal from 100 on), `∞` for null (no burn). */
export function formatDays(days: number | null): string {
  if (days === null || days === Number.POSITIVE_INFINITY) return '∞';
  if (!Number.isFinite(days)) return '—';
  const oneDecimal = days.toFixed(1);
  const rounded = Math.abs(Number(oneDecimal)) >= 100 ? Math.round(days).toString() : oneDecimal;
  return `${rounded} ${rounded === '1.0' || rounded === '1' ? 'day' : 'days'}`;
}
