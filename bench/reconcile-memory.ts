/**
 * Memory benchmark of `credits-bot reconcile`: writes a JSON-lines file (100,000 lines by default)
 * to a temp dir, reconciles it against the bundled OpenRouter simulator with an in-memory store,
 * samples RSS and heap while it runs, and prints one JSON result.
 *
 * The file is streamed into the store and the report is read back in pages, so the heap should
 * stay flat however long the file is; PGlite's own WASM memory is part of RSS and is reported apart
 * (the baseline is taken after the store is open).
 *
 *   npx tsx bench/reconcile-memory.ts [lines]
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createOpenRouterClient } from '../src/openrouter/client.js';
import { startSimulator } from '../src/openrouter/simulator/server.js';
import { addGeneration, addKey } from '../src/openrouter/simulator/state.js';
import { reconcileFile } from '../src/reconcile/run-reconcile.js';

const KEY = 'sk-or-v1-bench-key-00000000000000000000000000000000000000000000000000000000';
const MB = 1024 * 1024;

export interface ReconcileMemoryResult {
  name: 'reconcile-memory';
  lines: number;
  fileMb: number;
  seconds: number;
  /** After the store and simulator are up, before reading the file. */
  rssBaselineMb: number;
  rssPeakMb: number;
  heapBaselineMb: number;
  heapPeakMb: number;
  /** Peak live heap (sampled after a GC each second with --expose-gc; raw peak otherwise) minus baseline. */
  heapGrowthMb: number;
  /** Heap growth stayed under `heapBudgetMb` (a loaded 100k-line file alone would exceed it). */
  bounded: boolean;
  heapBudgetMb: number;
  lookups: number;
  rows: number;
  malformed: number;
}

async function writeLines(path: string, lines: number, published: number): Promise<void> {
  const out = createWriteStream(path);
  const day = Date.parse('2026-11-20T00:00:00Z');
  for (let i = 0; i < lines; i++) {
    const known = i % Math.max(1, Math.floor(lines / published)) === 0;
    const text =
      i % 10_000 === 9_999
        ? '{"request_id": broken\n'
        : `${JSON.stringify({
            request_id: known ? `gen-bench-${i}` : `gen-bench-unknown-${i}`,
            timestamp: new Date(day + (i % 86_400) * 1000).toISOString(),
            model: i % 3 ? 'openai/gpt-4.1' : 'anthropic/claude-4.5-haiku',
            tokens_in: 1000 + (i % 500),
            tokens_out: 100 + (i % 50),
            cost: 0.0015,
            tag: `team-${i % 7}`,
            session: `s-${i % 1000}`,
          })}\n`;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/**
 * Runs the benchmark. `published` ids exist in the simulator (the others are unknown to it), so
 * every line is still looked up once; the simulator's linear id search stays cheap this way.
 */
export async function run(
  opts: { lines?: number; published?: number; heapBudgetMb?: number } = {},
): Promise<ReconcileMemoryResult> {
  const lines = opts.lines ?? 100_000;
  const published = Math.min(lines, opts.published ?? 2_000);
  const heapBudgetMb = opts.heapBudgetMb ?? 64;
  const dir = await mkdtemp(join(tmpdir(), 'reconcile-bench-'));
  const sim = await startSimulator({ now: () => new Date('2026-11-26T12:00:00Z') });
  const handle = await createDb({ memory: true });
  try {
    addKey(sim.state, { secret: KEY, name: 'bench' });
    const step = Math.max(1, Math.floor(lines / published));
    for (let i = 0; i < lines; i += step) {
      addGeneration(sim.state, { id: `gen-bench-${i}`, created_at: '2026-11-20T10:00:00.000Z', total_cost: 0.0015 });
    }
    await migrate(handle);
    const file = join(dir, 'logs.jsonl');
    await writeLines(file, lines, published);
    const fileMb = (await stat(file)).size / MB;
    const client = createOpenRouterClient({ baseUrl: sim.url, apiKey: KEY, circuitBreaker: { threshold: 1_000 } });

    globalThis.gc?.();
    const base = process.memoryUsage();
    let rssPeak = base.rss;
    let heapPeak = base.heapUsed;
    let liveHeapPeak = base.heapUsed;
    let ticks = 0;
    const sample = () => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
      // Every second, with --expose-gc: the live heap, garbage collected first.
      if (globalThis.gc && ++ticks % 10 === 0) {
        globalThis.gc();
        liveHeapPeak = Math.max(liveHeapPeak, process.memoryUsage().heapUsed);
      }
    };
    const timer = setInterval(sample, 100);
    const started = performance.now();
    const result = await reconcileFile(
      file,
      { db: handle.db, openrouter: client, enrich: { concurrency: 16, ratePerSecond: 100_000 }, maxWaitMs: 0 },
      { write: () => {} },
    );
    clearInterval(timer);
    sample();
    const heapGrowthMb = ((globalThis.gc ? liveHeapPeak : heapPeak) - base.heapUsed) / MB;
    return {
      name: 'reconcile-memory',
      lines,
      fileMb: round(fileMb),
      seconds: round((performance.now() - started) / 1000),
      rssBaselineMb: round(base.rss / MB),
      rssPeakMb: round(rssPeak / MB),
      heapBaselineMb: round(base.heapUsed / MB),
      heapPeakMb: round(heapPeak / MB),
      heapGrowthMb: round(heapGrowthMb),
      bounded: heapGrowthMb < heapBudgetMb,
      heapBudgetMb,
      lookups: result.lookups?.lookups ?? 0,
      rows: result.summary?.rows ?? 0,
      malformed: result.summary?.malformed ?? 0,
    };
  } finally {
    await sim.close();
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = Number(process.argv[2] ?? 100_000);
  run({ lines }).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit(result.bounded ? 0 : 1);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
