/**
 * `credits-bot digest run` posts to Discord through REST alone: a gateway session would receive every
 * event as well (see fake-discord's `dispatch`) and answer pasted ids next to the running service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { upsertActivity } from '../../src/db/queries/activity.js';
import { insertCreditSnapshot } from '../../src/db/queries/credits.js';
import { upsertSubscription } from '../../src/db/queries/subscriptions.js';
import { createDemoSeed, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { runCli } from '../support/cli.js';
import { dailyActivity } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const AT = '2026-11-23T08:30:00Z';

describe('credits-bot digest run on Discord', () => {
  let dir: string;
  let fake: FakeDiscord;
  let or: TestOpenRouter;

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'credits-post-only-')), 'data');
    fake = await startFakeDiscord();
    or = await startTestOpenRouter({ now: new Date(AT), seed: createDemoSeed(new Date(AT)) });
    const h = await createDb({ dataDir: dir });
    try {
      await migrate(h);
      await upsertActivity(h.db, dailyActivity('2026-11-01', '2026-11-23'), '', new Date(AT));
      await insertCreditSnapshot(h.db, { takenAt: new Date(AT), totalCredits: 100, totalUsage: 20 });
      await upsertSubscription(h.db, {
        platform: 'discord',
        workspaceId: fake.guildId,
        channelId: fake.channelId,
        weekday: 1,
        time: '09:00',
        timezone: 'Europe/Berlin',
        createdBy: 'discord:1',
        now: new Date('2026-11-01T00:00:00Z'),
      });
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await fake?.close();
    await or?.close();
  });

  it('posts the due digest without opening a gateway session', async () => {
    const run = await runCli(
      ['digest', 'run', '--at', AT],
      {
        DATA_DIR: dir,
        OPENROUTER_BASE_URL: or.sim.url,
        OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
        DISCORD_TOKEN: 'fake.discord.token-abcd',
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        LOG_LEVEL: 'error',
      },
      { timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ due: 1, sent: 1 });
    const posts = fake.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith(`/channels/${fake.channelId}/messages`),
    );
    expect(posts).toHaveLength(1);
    expect(fake.identifies).toHaveLength(0);
    expect(fake.requests.some((r) => r.path.endsWith('/gateway/bot'))).toBe(false);
  }, 180_000);
});
