/**
 * Money and counts as the contract shows them: `$74.50`, `$1,234.50`, `$0.001502`, `1,234,567`.
 * @module
 */

const SIGNIFICANT = 4;
const TRAILING_ZEROS = /0+$/;

/**
 * USD with a `$`. Amounts ≥ $1 get 2 decimals and thousands separators; smaller ones get enough
 * decimals to show 4 significant figures (at least 2): `$0.50`, `$0.1235`, `$0.001502`.
 * @example formatUsd(74.5) // '$74.50'
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  const sign = usd < 0 ? '-' : '';
  const a = Math.abs(usd);
  if (a === 0) return '$0.00';
  let text: string;
  if (Number(a.toFixed(2)) >= 1) {
    text = a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  } else {
    const decimals = Math.min(20, Math.max(2, SIGNIFICANT - Math.floor(Math.log10(a)) - 1));
    const fixed = a.toFixed(decimals);
    if (Number(fixed) >= 1) {
      text = '1.00';
    } else {
      const [whole, frac = ''] = fixed.split('.');
      const trimmed = frac.replace(TRAILING_ZEROS, '').padEnd(2, '0');
      text = `${whole}.${trimmed}`;
    }
  }
  return `${sign}$${text}`;
}

/** Whole counts with separators: `1,234,567`. */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** A ratio as a percentage: `formatPercent(0.125)` → `12.5%`. */
export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Change from `previous` to `current`: `+12.5%`, `−40.0%`, `new` (from zero), `—` (both zero). */
export function formatChange(current: number, previous: number): string {
  if (previous === 0) return current > 0 ? 'new' : '—';
  const ratio = current / previous - 1;
  if (!Number.isFinite(ratio)) return '—';
  const pct = Math.abs(ratio * 100).toFixed(1);
  if (pct === '0.0') return '±0.0%';
  return `${ratio > 0 ? '+' : '−'}${pct}%`;
}

/** Days of runway: `23.4 days`, `1 day`, `∞` for no burn. */
export function formatDays(days: number | null): string {
  if (days === null || !Number.isFinite(days)) return '∞';
  const rounded = days >= 100 ? Math.round(days).toString() : days.toFixed(1);
  return `${rounded} ${rounded === '1.0' || rounded === '1' ? 'day' : 'days'}`;
}
