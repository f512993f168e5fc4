/**
 * Measures the index / rollup proposals for item 3 on the same synthetic year, before any schema
 * change lands: creates the proposed structures in a throwaway database and times the digest's
 * `modelsFirstSeen` and `usage 30d by key` with and without them.
 *
 *   node --import tsx bench/store-proposals.ts [scale]   (default 1: 2.3 M rows)
 * @module
 */
import { pathToFileURL } from 'node:url';
import { createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { modelsFirstSeen, usageBreakdown } from '../src/db/queries/activity.js';
import { addDays } from '../src/digest/figures.js';
import { startPgServer } from './lib/pg-server.js';
import { summarize, timeRuns } from './lib/stats.js';
import { generate } from './store-queries.js';

export async function runStoreProposals(scale = 1, log = (l: string) => process.stdout.write(`${l}\n`)) {
  const pg = await startPgServer();
  if ('skipped' in pg) {
    log(`skipped: ${pg.skipped}`);
    return;
  }
  const handle = await createDb({ databaseUrl: await pg.createDatabase('bench_proposals') });
  if (handle.kind !== 'postgres') throw new Error('expected postgres');
  const sql = handle.raw;
  try {
    await migrate(handle);
    const lastDay = new Date().toISOString().slice(0, 10);
    const total = await generate(handle, Math.round(300 * scale), lastDay);
    log(`${total} rows`);
    const month = { from: addDays(lastDay, -29), to: addDays(lastDay, 1) };
    const p50 = async (fn: () => Promise<unknown>) => summarize(await timeRuns(fn, 15, 2)).p50.toFixed(2);
    const windowModels = (
      await sql<
        { model: string }[]
      >`select distinct model from activity_days where key_hash = '' and date >= ${addDays(lastDay, -13)}`
    ).map((r) => r.model);

    log(`modelsFirstSeen, as is: ${await p50(() => modelsFirstSeen(handle.db))} ms`);
    log(`usage 30d by key, as is: ${await p50(() => usageBreakdown(handle.db, { ...month, by: 'key' }))} ms`);

    await sql`create index activity_days_key_model_date_idx on activity_days (key_hash, model, date)`;
    await sql`vacuum analyze activity_days`;
    log(`modelsFirstSeen, + index (key_hash, model, date): ${await p50(() => modelsFirstSeen(handle.db))} ms`);
    const perModel = () => sql`
      select m.model, (select min(a.date) from activity_days a where a.key_hash = '' and a.model = m.model)::text as first
      from unnest(${windowModels}::text[]) as m(model)`;
    log(
      `first seen of the window's ${windowModels.length} models, per-model min() on that index: ${await p50(perModel)} ms`,
    );

    await sql`create index activity_days_date_key_cover_idx on activity_days (date, key_hash)
      include (usage, byok_usage, requests, prompt_tokens, completion_tokens, reasoning_tokens)`;
    await sql`vacuum analyze activity_days`;
    log(
      `usage 30d by key, + covering index (date, key_hash) include (sums): ${await p50(() => usageBreakdown(handle.db, { ...month, by: 'key' }))} ms`,
    );

    await sql`create table activity_key_days as
      select key_hash, date, sum(usage) as usage, sum(byok_usage) as byok_usage, sum(requests) as requests,
        sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens, sum(reasoning_tokens) as reasoning_tokens
      from activity_days group by key_hash, date`;
    await sql`alter table activity_key_days add primary key (key_hash, date)`;
    await sql`analyze activity_key_days`;
    const rollup = () => sql`
      select key_hash, coalesce(sum(usage), 0) as usd, coalesce(sum(byok_usage), 0), coalesce(sum(requests), 0),
        coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(reasoning_tokens), 0)
      from activity_key_days where key_hash <> '' and date >= ${month.from} and date < ${month.to}
      group by key_hash order by usd desc, key_hash`;
    log(`usage 30d by key from a (key_hash, date) rollup: ${await p50(rollup)} ms`);
  } finally {
    await handle.close();
    await pg.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStoreProposals(Number(process.argv[2] ?? 1));
}
