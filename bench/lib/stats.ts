/**
 * Small helpers shared by the benchmarks: percentiles, timing loops, result records.
 * @module
 */
import { performance } from 'node:perf_hooks';

/** One figure in the table and in bench/results.json. */
export interface BenchResult {
  /** Issue item, e.g. '1', '3', '6'. */
  item: string;
  name: string;
  value: number;
  unit: string;
  /** Same-run baseline, same unit. */
  baseline?: number;
  baselineName?: string;
  /** value / baseline (or baseline / value for throughputs; see `note`). */
  ratio?: number;
  /** What the issue asks, e.g. '<= 50 ms', 'ratio <= 3'. */
  target?: string;
  /** true / false when there is a target; undefined when the figure is only reported. */
  met?: boolean;
  note?: string;
}

export interface Skipped {
  item: string;
  what: string;
  why: string;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns the wall times in ms. */
export async function timeRuns(fn: () => Promise<unknown>, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs `total` tasks with at most `concurrency` in flight. */
export async function pool<T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return out;
}

export const round = (n: number, digits = 2) => {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 20,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
