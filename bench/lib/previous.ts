/**
 * The change since the previous run: bench/results.json keeps the last run's figures, and each row
 * of the new table shows how its value moved against the same figure (same item and name) then.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { BenchResult } from './stats.js';

export interface PreviousRun {
  startedAt: string;
  quick: boolean;
  results: Pick<BenchResult, 'item' | 'name' | 'value' | 'unit'>[];
}

/** The run recorded in `path`, or undefined when there is none or it cannot be read. */
export function readPreviousRun(path: string): PreviousRun | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<PreviousRun> & { startedAt?: unknown };
    if (!Array.isArray(parsed.results)) return undefined;
    const results = parsed.results.filter(
      (r): r is PreviousRun['results'][number] =>
        typeof r?.item === 'string' &&
        typeof r.name === 'string' &&
        typeof r.value === 'number' &&
        typeof r.unit === 'string',
    );
    return { startedAt: String(parsed.startedAt ?? 'unknown'), quick: parsed.quick === true, results };
  } catch {
    return undefined;
  }
}

/**
 * `+12 %` / `−3.4 %` / `=` against the previous figure of the same item, name and unit; '' when the
 * previous run had no such figure (new benchmark, other unit) or it was 0.
 */
export function changeSince(
  result: Pick<BenchResult, 'item' | 'name' | 'value' | 'unit'>,
  previous?: PreviousRun,
): string {
  const before = previous?.results.find(
    (r) => r.item === result.item && r.name === result.name && r.unit === result.unit,
  );
  if (!before || before.value === 0 || !Number.isFinite(before.value) || !Number.isFinite(result.value)) return '';
  const pct = ((result.value - before.value) / Math.abs(before.value)) * 100;
  if (Math.abs(pct) < 0.05) return '=';
  const digits = Math.abs(pct) >= 10 ? 0 : 1;
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(digits)} %`;
}
