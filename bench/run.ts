/**
 * `npm run bench`: every benchmark of the performance issue in one run. Starts what it needs (a
 * throwaway PostgreSQL server when the binaries are there, the Slack and Discord fakes and the
 * OpenRouter simulator on 127.0.0.1:0), prints a table and writes bench/results.json. Every figure
 * with a baseline is a ratio against that baseline measured in the same run.
 *
 *   node --expose-gc --import tsx bench/run.ts [--quick] [--only 1,3,...] [--reconcile-lines N]
 * @module
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { type PgServer, startPgServer } from './lib/pg-server.js';
import { changeSince, readPreviousRun } from './lib/previous.js';
import { ensureBuilt, ROOT } from './lib/service.js';
import type { BenchResult, Skipped } from './lib/stats.js';
import { run as reconcileMemory } from './reconcile-memory.js';
import { runRequestLookup } from './request-lookup.js';
import { runServiceLoad } from './service-load.js';
import { runStartup } from './startup.js';
import { runStoreQueries } from './store-queries.js';
import { runSyncUpsert } from './sync-upsert.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'reconcile-lines': { type: 'string' },
    stores: { type: 'string', default: 'postgres,pglite' },
  },
});
const quick = values.quick ?? false;
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
const want = (item: string) => !only || only.has(item);
const stores = new Set((values.stores ?? 'postgres,pglite').split(',').map((s) => s.trim()));
const log = (line: string) => process.stdout.write(`${line}\n`);

const results: BenchResult[] = [];
const skipped: Skipped[] = [];
const failures: { item: string; error: string }[] = [];
const startedAt = new Date();

async function step(item: string, what: string, fn: () => Promise<BenchResult[] | undefined>) {
  if (!item.split(',').some(want)) return;
  log(`[${item}] ${what}`);
  const t = performance.now();
  try {
    const out = (await fn()) ?? [];
    results.push(...out);
    log(`[${item}] done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push({ item, error: message.split('\n').slice(0, 6).join('\n') });
    log(`[${item}] FAILED: ${message}`);
  }
}

ensureBuilt(log);
let pg: PgServer | undefined;
const needsPg = ['1', '2', '3', '4', '5', '6', '7'].some(want);
if (needsPg) {
  const started = await startPgServer();
  if ('skipped' in started) {
    log(`PostgreSQL server: skipped (${started.skipped})`);
    skipped.push({ item: '1-6', what: 'everything on a PostgreSQL server', why: started.skipped });
  } else {
    pg = started;
    log(`PostgreSQL server: ${pg.version} from ${pg.binDir} at ${pg.url.replace(/\/[^/]*$/, '')}`);
  }
}
const onSignal = () => process.exit(130);
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  const burst = { burst: 500, concurrency: 100 };
  // After the warm-up and five bursts of 500 (2,600 commands), the first checkpoint must lie beyond.
  const checkpoints: [number, number] = quick ? [3_000, 6_000] : [5_000, 10_000];
  if (want('1') || want('2') || want('6')) {
    if (pg && stores.has('postgres')) {
      const url = await pg.createDatabase('bench_service');
      await step('1,2,6', 'service under load, Postgres server', () =>
        runServiceLoad({ store: 'postgres', databaseUrl: url, ...burst, checkpoints, log }),
      );
    }
    if (stores.has('pglite')) {
      await step('1,2,6', 'service under load, PGlite', () =>
        runServiceLoad({ store: 'pglite', ...burst, checkpoints, log }),
      );
    }
  }
  if (want('3')) {
    if (pg) {
      const url = await pg.createDatabase('bench_queries');
      await step('3', 'store queries at scale, Postgres server', () =>
        runStoreQueries({ store: 'postgres', databaseUrl: url, scale: quick ? 0.25 : 1, log }),
      );
    }
    await step('3', 'store queries, PGlite (a tenth of the data)', () =>
      runStoreQueries({ store: 'pglite', scale: quick ? 0.025 : 0.1, log }),
    );
  }
  if (want('4')) {
    if (pg) {
      const url = await pg.createDatabase('bench_sync');
      await step('4', 'sync upsert vs COPY, Postgres server', () =>
        runSyncUpsert({ databaseUrl: url, days: 30, rowsPerDay: quick ? 1_000 : 5_000, log }),
      );
    } else {
      skipped.push({ item: '4', what: 'sync upsert vs COPY', why: 'needs a PostgreSQL server' });
    }
  }
  if (want('5')) {
    if (pg) {
      const url = await pg.createDatabase('bench_lookup');
      await step('5', 'cached request lookup, Postgres server', () =>
        runRequestLookup({ store: 'postgres', databaseUrl: url, runs: quick ? 100 : 500, log }),
      );
    }
    await step('5', 'cached request lookup, PGlite', () =>
      runRequestLookup({ store: 'pglite', runs: quick ? 100 : 500, log }),
    );
  }
  const startupUrl = pg ? await pg.createDatabase('bench_startup') : undefined;
  await step('7', 'start-up to ready (Postgres server, PGlite) and `ask help`', () =>
    runStartup({ warmStarts: quick ? 2 : 5, ...(startupUrl ? { databaseUrl: startupUrl } : {}), log }),
  );
  const lines = Number(values['reconcile-lines'] ?? (quick ? 5_000 : 20_000));
  await step('R', `reconcile memory (${lines} lines)`, async () => {
    const r = await reconcileMemory({ lines });
    return [
      {
        item: 'R',
        name: `reconcile ${lines} lines: heap growth (bench/reconcile-memory.ts)`,
        value: Math.round(r.heapGrowthMb * 10) / 10,
        unit: 'MB',
        target: `<= ${r.heapBudgetMb} MB`,
        met: r.bounded,
        note: `${r.seconds.toFixed(1)} s, RSS ${r.rssBaselineMb.toFixed(0)} -> peak ${r.rssPeakMb.toFixed(0)} MB, ${r.rows} rows, ${r.lookups} lookups (100,000 lines: --reconcile-lines 100000)`,
      },
    ];
  });
} finally {
  await pg?.stop();
}

// ---- the table and results.json ----
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  platform: `${process.platform} ${process.arch}`,
  node: process.version,
  postgres: pg?.version ?? 'not available',
};
const fmt = (n: number | undefined, unit = '') =>
  n === undefined || Number.isNaN(n)
    ? ''
    : `${n.toLocaleString('en-US', { maximumFractionDigits: 2 })}${unit ? ` ${unit}` : ''}`;
// The last run's figures, kept in results.json, give each row its change.
const previous = readPreviousRun(`${ROOT}bench/results.json`);
const rows = results.map((r) => [
  r.item,
  r.name,
  fmt(r.value, r.unit),
  changeSince(r, previous),
  r.baseline === undefined ? '' : `${fmt(r.baseline, r.unit)} (${r.baselineName ?? 'baseline'})`,
  r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
  r.target ?? '',
  r.met === undefined ? '' : r.met ? 'yes' : 'NO',
]);
const header = [
  '#',
  'benchmark',
  'value',
  `change since ${previous ? previous.startedAt.slice(0, 16) : '(no previous run)'}`,
  'baseline (same run)',
  'ratio',
  'target',
  'met',
];
const table = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
log('');
log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; ${machine.platform}; Node ${machine.node}; ${machine.postgres}${quick ? '; --quick' : ''}`,
);
log('');
log(table);
for (const r of results) if (r.note) log(`  [${r.item}] ${r.name}: ${r.note}`);
for (const s of skipped) log(`SKIPPED [${s.item}] ${s.what}: ${s.why}`);
for (const f of failures) log(`FAILED [${f.item}]: ${f.error}`);
writeFileSync(
  `${ROOT}bench/results.json`,
  `${JSON.stringify(
    {
      startedAt,
      finishedAt: new Date(),
      quick,
      machine,
      results,
      skipped,
      failures,
      previous: previous ? { startedAt: previous.startedAt, quick: previous.quick, results: previous.results } : null,
    },
    null,
    2,
  )}\n`,
);
log(`\nwrote bench/results.json (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
process.exit(failures.length ? 1 : 0);
