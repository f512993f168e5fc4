/**
 * Item 5: a cached request lookup. The generation is fetched once from the simulator (and cached by
 * the command itself), then looked up again and again: the store read (`getCachedGeneration`) and
 * the whole `request <gen-id>` command through the bot (parse, rate limit, cache read, the cached
 * `/models` list for the estimate, render, audit row). The generations table holds 100,000 rows.
 * Also what the audit row adds to that command: the same command through a bot whose audit writer
 * does nothing, runs interleaved with the real one so both see the same machine.
 * @module
 */

import { createBot } from '../src/commands/dispatch.js';
import { buttons, commands } from '../src/commands/index.js';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/core/services.js';
import { getCachedGeneration } from '../src/db/queries/generations.js';
import { createLogger } from '../src/logger.js';
import { buildCore } from '../src/main.js';
import {
  createDemoSeed,
  DEMO_GENERATION_IDS,
  DEMO_INFERENCE_KEY,
  DEMO_MANAGEMENT_KEY,
} from '../src/openrouter/simulator/seed.js';
import { startSimulator } from '../src/openrouter/simulator/server.js';
import { type BenchResult, round, summarize, timeRuns } from './lib/stats.js';

export interface RequestLookupOptions {
  store: 'postgres' | 'pglite';
  databaseUrl?: string;
  runs: number;
  log: (line: string) => void;
}

const ACTOR: Actor = {
  platform: 'slack',
  userId: 'UBENCH001',
  workspaceId: 'T0001',
  channelId: 'C0001',
  isPlatformAdmin: async () => false,
};

export async function runRequestLookup(opts: RequestLookupOptions): Promise<BenchResult[]> {
  const tag = opts.store === 'postgres' ? 'Postgres server' : 'PGlite';
  const sim = await startSimulator({ seed: createDemoSeed(new Date()) });
  const config = loadConfig({
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    COMMAND_RATE_LIMIT: '10000',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  });
  const core = buildCore(config, { log: createLogger({ level: 'silent' }), memoryStore: !opts.databaseUrl });
  try {
    const handle = await core.store.connected();
    const fill = `insert into generations (id, model, provider_name, total_cost, created_at, fetched_at, data, raw)
      select 'gen-17000000' || lpad(i::text, 2, '0') || '-' || md5(i::text), 'openai/gpt-4.1', 'OpenAI', 0.001, now(), now(),
        jsonb_build_object('id', 'gen-' || i, 'model', 'openai/gpt-4.1'), '{}'::jsonb
      from generate_series(1, 100000) i`;
    await handle.raw.unsafe(fill);
    await handle.raw.unsafe('analyze generations');
    const id = DEMO_GENERATION_IDS.simple;
    const first = await core.bot.runText(`request ${id}`, ACTOR);
    if (first.outcome !== 'ok' || first.reply.pending)
      throw new Error(`first lookup did not answer: ${first.reply.summary}`);
    if (!(await getCachedGeneration(handle.db, id)))
      throw new Error('the generation was not cached by the first lookup');

    const upstreamBefore = sim.calls['/generation'] ?? 0;
    const read = summarize(await timeRuns(() => getCachedGeneration(handle.db, id), opts.runs, 20));
    const command = summarize(
      await timeRuns(
        async () => {
          const r = await core.bot.runText(`request ${id}`, ACTOR);
          if (r.outcome !== 'ok') throw new Error(`lookup failed: ${r.reply.summary}`);
        },
        opts.runs,
        20,
      ),
    );
    const upstream = (sim.calls['/generation'] ?? 0) - upstreamBefore;
    // The audit row's share: alternate runs of the real bot and of one with a no-op audit writer.
    const unaudited = createBot(core.services, commands, buttons, {
      auditWriter: { record: async () => {}, settled: async () => 0 },
    });
    const withAudit: number[] = [];
    const withoutAudit: number[] = [];
    for (let i = 0; i < opts.runs + 20; i++) {
      for (const [bot, into] of [
        [core.bot, withAudit],
        [unaudited, withoutAudit],
      ] as const) {
        const t = performance.now();
        const r = await bot.runText(`request ${id}`, ACTOR);
        if (r.outcome !== 'ok') throw new Error(`lookup failed: ${r.reply.summary}`);
        if (i >= 20) into.push(performance.now() - t);
      }
    }
    const audited = summarize(withAudit);
    const bare = summarize(withoutAudit);
    const auditCost = audited.p50 - bare.p50;
    opts.log(`  ${tag}: store read p50 ${read.p50.toFixed(3)} ms, command p50 ${command.p50.toFixed(3)} ms`);
    return [
      {
        item: '5',
        name: `cached request lookup: store read (getCachedGeneration), ${tag}`,
        value: round(read.p50, 3),
        unit: 'ms',
        target: '<= 2 ms',
        met: read.p50 <= 2,
        note: `p99 ${round(read.p99, 3)} ms over ${read.n} runs; 100,000 cached generations`,
      },
      {
        item: '5',
        name: `cached request lookup: whole 'request <gen-id>' command, ${tag}`,
        value: round(command.p50, 3),
        unit: 'ms',
        target: '<= 2 ms',
        met: command.p50 <= 2,
        note: `p99 ${round(command.p99, 3)} ms; its audit row is written as it answers (a question's row does not hold the answer; it shares the store with the next command); ${upstream} upstream /generation calls while timed`,
      },
      {
        item: '5',
        name: `what the audit row adds to that command, ${tag}`,
        value: round(auditCost, 3),
        unit: 'ms',
        baseline: round(bare.p50, 3),
        baselineName: 'the same command, audit writer a no-op',
        ratio: round(audited.p50 / bare.p50),
        target: '<= 0.5 ms',
        met: auditCost <= 0.5,
        note: `p50 ${round(audited.p50, 3)} vs ${round(bare.p50, 3)} ms over ${audited.n} interleaved runs each`,
      },
    ];
  } finally {
    await core.store.close();
    await sim.close();
  }
}
