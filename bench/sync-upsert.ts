/**
 * Item 4: sync writes. `upsertActivity` (the sync's own function) of 30 days × 5,000 activity rows
 * into an empty table (first sync) and again over the same rows (every later sync), in rows per
 * second, against `COPY` of the same rows into the same (emptied) table, same run.
 * @module
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { upsertActivity } from '../src/db/queries/activity.js';
import { addDays } from '../src/digest/figures.js';
import type { ActivityRow } from '../src/openrouter/types.js';
import type { BenchResult } from './lib/stats.js';

export interface SyncUpsertOptions {
  databaseUrl: string;
  days: number;
  rowsPerDay: number;
  log: (line: string) => void;
}

function activityRows(days: number, perDay: number, lastDay: string): ActivityRow[] {
  const out: ActivityRow[] = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(lastDay, -d);
    for (let m = 0; m < perDay; m++) {
      const model = `vendor-${m % 40}/model-${Math.floor(m / 4)}`;
      out.push({
        date,
        model,
        modelPermaslug: `${model}-20250101`,
        endpointId: `ep-${m % 4}-${Math.floor(m / 4)}`,
        providerName: `provider-${m % 12}`,
        usage: ((m * 7919 + d) % 10_000) / 1000,
        byokUsageInference: 0,
        requests: (m % 97) + 1,
        promptTokens: 1000 * ((m % 13) + 1),
        completionTokens: 100 * ((m % 7) + 1),
        reasoningTokens: m % 3,
      });
    }
  }
  return out;
}

export async function runSyncUpsert(opts: SyncUpsertOptions): Promise<BenchResult[]> {
  const handle = await createDb({ databaseUrl: opts.databaseUrl });
  if (handle.kind !== 'postgres') throw new Error('expected a Postgres server');
  try {
    await migrate(handle);
    const sql = handle.raw;
    const rows = activityRows(opts.days, opts.rowsPerDay, new Date().toISOString().slice(0, 10));
    const n = rows.length;
    const syncedAt = new Date();

    await sql`truncate activity_days`;
    let t = performance.now();
    await upsertActivity(handle.db, rows, '', syncedAt);
    const insertS = (performance.now() - t) / 1000;
    t = performance.now();
    await upsertActivity(handle.db, rows, '', new Date());
    const updateS = (performance.now() - t) / 1000;

    await sql`truncate activity_days`;
    await sql`vacuum activity_days`;
    const iso = syncedAt.toISOString();
    t = performance.now();
    const writable = await sql`copy activity_days (date, key_hash, model, model_permaslug, endpoint_id,
      provider_name, usage, byok_usage, requests, prompt_tokens, completion_tokens, reasoning_tokens, synced_at)
      from stdin`.writable();
    async function* lines() {
      for (const r of rows) {
        yield `${r.date}\t\t${r.model}\t${r.modelPermaslug}\t${r.endpointId}\t${r.providerName}\t${r.usage}\t${r.byokUsageInference}\t${r.requests}\t${r.promptTokens}\t${r.completionTokens}\t${r.reasoningTokens}\t${iso}\n`;
      }
    }
    await pipeline(Readable.from(lines()), writable);
    const copyS = (performance.now() - t) / 1000;
    const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from activity_days`;
    if (count !== n) throw new Error(`COPY wrote ${count} rows, expected ${n}`);

    const copyRate = n / copyS;
    const rate = (s: number) => Math.round(n / s);
    opts.log(`  upsert ${rate(insertS)} rows/s (new), ${rate(updateS)} rows/s (existing); COPY ${rate(copyS)} rows/s`);
    const label = `${opts.days} d × ${opts.rowsPerDay.toLocaleString('en-US')} rows`;
    return [
      {
        item: '4',
        name: `sync upsertActivity, new rows (${label}), Postgres server`,
        value: rate(insertS),
        unit: 'rows/s',
        baseline: Math.round(copyRate),
        baselineName: 'COPY',
        ratio: Math.round((n / insertS / copyRate) * 1000) / 1000,
        target: 'ratio >= 0.3',
        met: n / insertS / copyRate >= 0.3,
        note: `${insertS.toFixed(2)} s for ${n.toLocaleString('en-US')} rows; ratio = upsert rate / COPY rate`,
      },
      {
        item: '4',
        name: `sync upsertActivity, existing rows (${label}), Postgres server`,
        value: rate(updateS),
        unit: 'rows/s',
        baseline: Math.round(copyRate),
        baselineName: 'COPY',
        ratio: Math.round((n / updateS / copyRate) * 1000) / 1000,
        target: 'ratio >= 0.3',
        met: n / updateS / copyRate >= 0.3,
        note: `${updateS.toFixed(2)} s; every row conflicts and is updated (the hourly re-sync of the 30-day window)`,
      },
    ];
  } finally {
    await handle.close();
  }
}
