/**
 * Two service replicas (the built bin, real OS processes) on one Postgres server against one fake
 * Discord, which like Discord sends every event to every session of a shard. The gateway shard lease
 * lets only one replica connect: a pasted `gen-…` id is answered exactly once, and when the holder is
 * killed with SIGKILL the other takes the lease and answers within 30 s. Needs TEST_DATABASE_URL (an
 * embedded store is one process; there is no second replica to keep out).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import type { Bot } from '../../src/commands/dispatch.js';
import { loadConfig } from '../../src/config.js';
import { reply } from '../../src/core/reply.js';
import { createShardLease } from '../../src/db/shard-lease.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { DEMO_GENERATION_IDS, DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { POSTGRES_SKIP_REASON, type TestDb, testDb } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';

const GEN_ID = DEMO_GENERATION_IDS.simple;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  `Discord replicas on one Postgres${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let db: TestDb;
    let or: TestOpenRouter;
    let fake: FakeDiscord;
    const replicas: ServiceProcess[] = [];

    beforeAll(async () => {
      db = await testDb('postgres');
      or = await startTestOpenRouter({ now: new Date() });
      fake = await startFakeDiscord();
    });
    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.kill()));
      await fake?.close();
      await or?.close();
      await db?.close();
    });

    function replica(): ServiceProcess {
      const r = startServiceProcess({
        DATABASE_URL: db.url ?? '',
        OPENROUTER_BASE_URL: or.sim.url,
        OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
        OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
        DISCORD_TOKEN: 'fake.discord.token-abcd',
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        COMMAND_RATE_LIMIT: '1000',
      });
      replicas.push(r);
      return r;
    }

    /** The bot's replies to one pasted message, after giving a second answer time to arrive. */
    async function answersTo(messageId: string, timeoutMs: number): Promise<number> {
      const isAnswer = (r: { method: string; path: string; body: unknown }) =>
        r.method === 'POST' &&
        r.path.endsWith(`/channels/${fake.channelId}/messages`) &&
        (r.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === messageId;
      await fake.waitForRequest(isAnswer, timeoutMs);
      await sleep(1_500);
      return fake.requests.filter(isAnswer).length;
    }

    it('answers a pasted id exactly once, and the standby answers within 30 s of the holder being killed', async () => {
      const a = replica();
      await a.waitFor(/holding gateway shard lease/);
      await a.waitFor(/discord connected/);
      const b = replica();
      await b.waitFor(/standing by/);
      // Both replicas are up; only one gateway session exists for the one shard.
      expect(fake.sessions()).toBe(1);

      const first = fake.messageCreate(`what did ${GEN_ID} cost?`);
      expect(await answersTo(String(first.id), 15_000)).toBe(1);

      const killedAt = Date.now();
      await a.kill();
      await b.waitFor(/discord connected/, 30_000);
      const second = fake.messageCreate(`and ${GEN_ID}?`);
      expect(await answersTo(String(second.id), 30_000 - (Date.now() - killedAt))).toBe(1);
      expect(Date.now() - killedAt - 1_500).toBeLessThan(30_000);
      expect(fake.sessions()).toBe(1);
      await b.stop();
    }, 120_000);

    it('a standby replica still posts digests (REST only, no gateway session) and takes over on a clean stop', async () => {
      const config = loadConfig({
        DISCORD_TOKEN: 'fake.discord.token-efgh',
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
      });
      const log = createLogger({ level: 'silent' });
      const bot = {
        commands: [],
        runText: async () => ({}),
        runCommand: async () => ({}),
        lookupPastedIds: async () => [],
        pressButton: async () => ({}),
      } as unknown as Bot;
      const make = () =>
        createDiscordAdapter(config, {
          bot,
          log,
          metrics: createMetrics({ defaults: false }),
          lease: createShardLease({ databaseUrl: db.url ?? '', scope: 'discord:in-process', log, pollMs: 200 }),
        });
      const holder = make();
      const standby = make();
      try {
        await holder.start();
        await standby.start();
        expect(holder.client()?.isReady()).toBe(true);
        expect(standby.client()).toBeUndefined();
        expect(standby.ready()).toBe(true); // standing by is healthy
        const before = fake.sessions();
        const posted = await standby.post(
          { channelId: fake.channelId },
          reply({ title: 'Weekly digest', summary: 'Spend last week: $12.00' }),
        );
        expect(fake.messages.get(posted.messageId)).toMatchObject({ channel_id: fake.channelId });
        expect(fake.sessions()).toBe(before);

        await holder.stop(); // a clean stop ends the lease session: the standby takes over on its next poll
        const deadline = Date.now() + 10_000;
        while (!standby.client()?.isReady() && Date.now() < deadline) await sleep(50);
        expect(standby.client()?.isReady()).toBe(true);
      } finally {
        await holder.stop();
        await standby.stop();
      }
    }, 60_000);

    it('a holder whose lease session is cut gives the shard up before another replica takes it', async () => {
      const log = createLogger({ level: 'silent' });
      const events: string[] = [];
      const lease = () => createShardLease({ databaseUrl: db.url ?? '', scope: 'discord:cut', log, pollMs: 200 });
      const a = lease();
      const b = lease();
      try {
        await a.start(1, async (held) => {
          events.push(`a:${held.join()}`);
        });
        await b.start(1, async (held) => {
          events.push(`b:${held.join()}`);
        });
        expect(a.held()).toEqual([0]);
        expect(b.held()).toEqual([]);
        // Postgres ends a's session (as on a server restart or a cut connection): a must notice it
        // lost the lock and let go of the shard; b then takes it.
        await db.handle.db.execute(
          sql`select pg_terminate_backend(pid) from pg_stat_activity
              where application_name = 'credits-bot shard lease' and pid in (
                select pid from pg_locks where locktype = 'advisory' and objsubid = 2 and granted)`,
        );
        const deadline = Date.now() + 10_000;
        while (!(b.held().length === 1 && a.held().length === 0) && Date.now() < deadline) await sleep(50);
        expect(events).toEqual(['a:0', 'a:', 'b:0']);
      } finally {
        await a.stop();
        await b.stop();
      }
    }, 30_000);
  },
);
