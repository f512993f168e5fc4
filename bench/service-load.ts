/**
 * Items 1, 2 and 6: the service (`npm start`'s command line, `node … dist/app/cli.js`, in a child process, both adapters connected to
 * the loopback fakes, the OpenRouter simulator upstream) under signed Slack HTTP-mode `/credits`
 * bursts, against a bare `node:http` server answering the same requests; answers a second in the
 * burst and upstream `/credits` calls during it; resident size idle and after 5,000 and 10,000
 * commands. On PGlite the service is started once to create its data directory and measured on the
 * restart, as a team runs it after the first day (a fresh data dir's initdb peak stays resident).
 * An answer that never arrives is a failure, not a tolerance.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoSeed, DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../src/openrouter/simulator/seed.js';
import { startSimulator } from '../src/openrouter/simulator/server.js';
import { startFakeDiscord } from '../test/support/fake-discord.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { type MemoryReading, spawnService } from './lib/service.js';
import { createSlackLoad, startResponseSink } from './lib/slack-load.js';
import { type BenchResult, round, sleep, summarize, waitUntil } from './lib/stats.js';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
/** The client's default `/credits` cache period (src/openrouter/client.ts). */
const CREDITS_TTL_MS = 15_000;
/** Bursts per store (item 1 takes the medians): five, as single bursts' p99 vary 2-3x on 2 cores. */
const BURSTS = 5;

export interface ServiceLoadOptions {
  store: 'postgres' | 'pglite';
  databaseUrl?: string;
  /** Burst size and concurrency (issue: 500 at 100). */
  burst: number;
  concurrency: number;
  /** Memory checkpoints in total commands (issue: 5,000 and 10,000). */
  checkpoints: [number, number];
  log: (line: string) => void;
}

/** A bare node:http server in its own process: reads the body, answers 200 with an empty body. */
async function startBareServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const script = `const http=require('node:http');const s=http.createServer((req,res)=>{req.on('data',()=>{});req.on('end',()=>{res.writeHead(200);res.end();});});s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export async function runServiceLoad(opts: ServiceLoadOptions): Promise<BenchResult[]> {
  const { log } = opts;
  const tag = opts.store === 'postgres' ? 'Postgres server' : 'PGlite';
  const results: BenchResult[] = [];
  const sim = await startSimulator({ seed: createDemoSeed(new Date()) });
  const fakeSlack = await startFakeSlack();
  const fakeDiscord = await startFakeDiscord({ refuseMessageContent: false });
  const cwd = await mkdtemp(join(tmpdir(), 'credits-bench-svc-'));
  let lastCreditsCall = Date.now();
  let seenCredits = 0;
  const watcher = setInterval(() => {
    const n = sim.calls['/credits'] ?? 0;
    if (n !== seenCredits) {
      seenCredits = n;
      lastCreditsCall = Date.now();
    }
  }, 25);
  const env: Record<string, string> = {
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fakeSlack.apiUrl,
    DISCORD_TOKEN: 'fake.discord.bench-token',
    DISCORD_API_URL: fakeDiscord.apiUrl,
    DISCORD_GUILD_ID: fakeDiscord.guildId,
    COMMAND_RATE_LIMIT: '10000',
    LOG_LEVEL: 'info',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATA_DIR: join(cwd, 'data') }),
  };
  if (!opts.databaseUrl) {
    const first = await spawnService(env, { cwd });
    log(`  ${tag}: first start (fresh data dir) ready in ${Math.round(first.readyMs)} ms; restarting on it`);
    await first.stop();
  }
  const service = await spawnService(env, { cwd, hooks: true });
  try {
    log(`  ${tag}: service ready in ${Math.round(service.readyMs)} ms; waiting for the start-up sync to settle`);
    // The start-up sync (credits, keys, activity per key) runs in the background: wait until the
    // simulator has seen no call for a second.
    let last = JSON.stringify(sim.calls);
    let quietSince = Date.now();
    await waitUntil(
      () => {
        const now = JSON.stringify(sim.calls);
        if (now !== last) {
          last = now;
          quietSince = Date.now();
        }
        return Date.now() - quietSince > 1_000;
      },
      30_000,
      'the start-up sync',
      100,
    );
    const idle = await service.memory();

    const sink = await startResponseSink();
    const discordCallbacks = () => fakeDiscord.requests.filter((r) => r.path.endsWith('/callback')).length;
    const load = createSlackLoad({
      eventsUrl: `${service.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      responseUrl: sink.url,
    });
    let sent = 0;
    let discordSent = 0;
    /** Answers that never arrived (the service logged why; see `lastError`). */
    let lost = 0;
    const settle = async (what: string) => {
      let seen = -1;
      let progressAt = Date.now();
      await waitUntil(
        () => {
          const now = sink.count() + discordCallbacks();
          if (now !== seen) {
            seen = now;
            progressAt = Date.now();
          }
          const missing = sent + discordSent - lost - now;
          if (missing > 0 && Date.now() - progressAt > 15_000) {
            // Counted and reported as a failure (the lost-answers row), never tolerated.
            lost += missing;
            log(
              `  ${tag}: ${missing} answer(s) never arrived (${what}); service: ${service.lastError().slice(0, 300)}`,
            );
            return true;
          }
          return sink.count() + discordCallbacks() + lost >= sent + discordSent;
        },
        600_000,
        what,
        25,
      );
    };
    try {
      // Warm-up (JIT, pools, 100 keep-alive connections): 100 commands, not measured.
      const warm = await load.run(100, opts.concurrency, 0);
      sent += 100;
      await settle('warm-up');
      if (warm.bad) throw new Error(`${warm.bad} warm-up commands were not acknowledged with 200`);

      // The same requests against a bare node:http server, same client, same run. Its bursts
      // alternate with the service's, so that both see the same machine (this 2-core box's noise
      // moved the bare server's p99 between 34 and 87 ms from one run to the next).
      const bare = await startBareServer();
      const bareLoad = createSlackLoad({
        eventsUrl: `${bare.url}/slack/events`,
        signingSecret: SIGNING_SECRET,
        responseUrl: sink.url,
      });
      const bareRuns: ReturnType<typeof summarize>[] = [];
      const bursts: ReturnType<typeof summarize>[] = [];
      let bad = 0;
      let ackedMs = 0;
      let answeredMs = 0;
      const upstream: Record<string, number> = {};
      try {
        // Its JIT warm too: a first burst of 500, not measured (a warm-up of 100 left the next burst 3-5x slower).
        await bareLoad.run(opts.burst, opts.concurrency, 0);
        for (let i = 0; i < BURSTS; i++) {
          if (i === 0) {
            // Item 2 needs a cold /credits cache: wait one cache period after the last upstream call.
            const wait = lastCreditsCall + CREDITS_TTL_MS + 500 - Date.now();
            if (wait > 0) {
              log(`  ${tag}: waiting ${Math.ceil(wait / 1000)} s for the /credits cache to expire before the burst`);
              await sleep(wait);
            }
          }
          const before = { ...sim.calls };
          const t0 = performance.now();
          const measured = await load.run(opts.burst, opts.concurrency, sent);
          const acked = performance.now() - t0;
          sent += opts.burst;
          bad += measured.bad;
          await settle(`burst ${i + 1}`);
          bursts.push(summarize(measured.ms));
          if (i === 0) {
            // The first burst (cold /credits cache) is item 2's.
            ackedMs = acked;
            answeredMs = performance.now() - t0;
            for (const [endpoint, n] of Object.entries(sim.calls)) {
              const d = n - (before[endpoint] ?? 0);
              if (d > 0) upstream[endpoint] = d;
            }
            if (!sink.last().includes('Balance') && !sink.last().includes('balance')) {
              log(`  ${tag}: unexpected answer at the response_url: ${sink.last().slice(0, 300)}`);
            }
          }
          bareRuns.push(summarize((await bareLoad.run(opts.burst, opts.concurrency, 0)).ms));
        }
      } finally {
        bareLoad.close();
        await bare.stop();
      }
      // Item 1: the median of the bursts' p50 and p99, for the service and for the bare server.
      const lostInBurst = lost;
      const median = (runs: ReturnType<typeof summarize>[], k: 'p50' | 'p99') =>
        runs.map((r) => r[k]).sort((x, y) => x - y)[Math.floor(runs.length / 2)] as number;
      const svc = { p50: median(bursts, 'p50'), p99: median(bursts, 'p99') };
      const base = { p50: median(bareRuns, 'p50'), p99: median(bareRuns, 'p99') };
      const perBurst = bursts.map((r) => Math.round(r.p99)).join(' / ');
      const perBare = bareRuns.map((r) => Math.round(r.p99)).join(' / ');
      const label = `${opts.burst} /credits at ${opts.concurrency} concurrent, ${tag}`;
      results.push(
        {
          item: '1',
          name: `Slack ack p50 (${label}, median of 5 bursts)`,
          value: round(svc.p50),
          unit: 'ms',
          baseline: round(base.p50),
          baselineName: 'bare node:http p50, median of 5 bursts alternating with the service',
          // The target is on p99 (below); p50 is shown for context.
          ratio: round(svc.p50 / base.p50),
        },
        {
          item: '1',
          name: `Slack ack p99 (${label}, median of 5 bursts)`,
          value: round(svc.p99),
          unit: 'ms',
          baseline: round(base.p99),
          baselineName: 'bare node:http p99, median of 5 bursts alternating with the service',
          ratio: round(svc.p99 / base.p99),
          target: 'ratio <= 3, every command answered',
          met: svc.p99 / base.p99 <= 3 && bad === 0 && lostInBurst === 0,
          note: `p99 of the bursts ${perBurst} ms (bare server, alternating: ${perBare} ms); ${bad} not 200, ${lostInBurst} answers lost; first burst (cold /credits cache): all acked in ${Math.round(ackedMs)} ms, all ${opts.burst} answers at the response_url in ${Math.round(answeredMs)} ms`,
        },
        {
          item: '2',
          name: `balance commands answered a second in the burst, ${tag}`,
          value: round(opts.burst / (answeredMs / 1000), 0),
          unit: '/s',
          ...(opts.store === 'pglite' ? { target: '>= 200 /s', met: opts.burst / (answeredMs / 1000) >= 200 } : {}),
          note: `${opts.burst} signed /credits at ${opts.concurrency} concurrent, from the first request to the last answer at the response_url (end to end)`,
        },
      );
      const periods = Math.max(1, Math.ceil(answeredMs / CREDITS_TTL_MS));
      const creditsCalls = upstream['/credits'] ?? 0;
      results.push({
        item: '2',
        name: `OpenRouter /credits calls during the burst, ${tag}`,
        value: creditsCalls,
        unit: 'calls',
        target: `<= ${periods} (1 per ${CREDITS_TTL_MS / 1000} s cache period; burst took ${(answeredMs / 1000).toFixed(1)} s)`,
        met: creditsCalls <= periods,
        note: `cache cold at the start; all upstream calls in the burst: ${JSON.stringify(upstream)}`,
      });

      // Item 6: keep going to the checkpoints in rounds of 200: 180 via Slack (20 in flight), 20 via Discord.
      const readings: MemoryReading[] = [];
      for (const checkpoint of opts.checkpoints) {
        while (sent + discordSent < checkpoint) {
          const round = Math.min(200, checkpoint - sent - discordSent);
          const viaDiscord = Math.floor(round / 10);
          for (let i = 0; i < viaDiscord; i++) fakeDiscord.slashCommand('balance');
          discordSent += viaDiscord;
          const r = await load.run(round - viaDiscord, 20, sent);
          if (r.bad) throw new Error(`${r.bad} commands were not acknowledged with 200`);
          sent += round - viaDiscord;
          // Paced on answers, not acks: the service acks at once and works after, so unpaced load
          // above its capacity only piles up in-flight commands.
          await settle(`${sent + discordSent} commands`);
        }
        await settle(`${checkpoint} commands`);
        await sleep(500);
        readings.push(await service.memory());
        log(`  ${tag}: ${checkpoint} commands, RSS ${readings.at(-1)?.rssMb.toFixed(1)} MB`);
      }
      const [at5, at10] = readings as [MemoryReading, MemoryReading];
      const growth = (at10.rssMb - at5.rssMb) / at5.rssMb;
      const pg = opts.store === 'postgres';
      const heap = (m: MemoryReading) =>
        `heap used ${m.heapUsedMb.toFixed(1)} of ${m.heapTotalMb.toFixed(1)} MB, external ${m.externalMb.toFixed(1)} MB`;
      results.push(
        {
          item: '6',
          name: `service RSS idle (both adapters connected), ${tag}`,
          value: round(idle.rssMb, 1),
          unit: 'MB',
          note: `after GC; ${heap(idle)}`,
        },
        {
          item: '6',
          name: `service RSS after ${opts.checkpoints[1]} commands, ${tag}`,
          value: round(at10.rssMb, 1),
          unit: 'MB',
          target: pg ? '<= 120 MB' : '<= 300 MB',
          met: at10.rssMb <= (pg ? 120 : 300),
          note: `after GC; ${heap(at10)}; ${sent} via Slack HTTP, ${discordSent} via Discord; ${lost} answers lost`,
        },
        {
          item: '6',
          name: `service RSS growth ${opts.checkpoints[0]} -> ${opts.checkpoints[1]} commands, ${tag}`,
          value: round(growth * 100, 1),
          unit: '%',
          target: '<= 10 %',
          met: growth <= 0.1,
          note: `${at5.rssMb.toFixed(1)} -> ${at10.rssMb.toFixed(1)} MB; heap ${at5.heapUsedMb.toFixed(1)} -> ${at10.heapUsedMb.toFixed(1)} MB`,
        },
        {
          item: '1',
          name: `answers lost (never delivered), ${tag}`,
          value: lost,
          unit: '',
          target: '0',
          met: lost === 0,
          note: `of ${sent} Slack and ${discordSent} Discord commands`,
        },
      );
      return results;
    } finally {
      load.close();
      await sink.close();
    }
  } catch (error) {
    log(`  ${tag}: service output before the failure:\n${service.tail()}`);
    throw error;
  } finally {
    clearInterval(watcher);
    await service.stop();
    await fakeDiscord.close();
    await fakeSlack.close();
    await sim.close();
    await rm(cwd, { recursive: true, force: true });
  }
}
