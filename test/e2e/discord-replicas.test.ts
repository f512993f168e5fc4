/**
 * Two service replicas (the built bin, real OS processes) on one Postgres server against one fake
 * Discord, which like Discord sends every event to every session of a shard. The gateway shard lease
 * lets only one replica connect: a pasted `gen-…` id is answered exactly once, and when the holder is
 * killed with SIGKILL the other takes the lease and answers within 30 s. Needs TEST_DATABASE_URL (an
 * embedded store is one process; there is no second replica to keep out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  },
);
