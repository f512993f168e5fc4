/**
 * `credits-bot digest run --at <ISO>` as a user runs it: two invocations at once against one
 * Postgres, the bundled OpenRouter simulator and the fake Slack. Exactly one message per
 * subscription and window, then nothing on a rerun. Needs TEST_DATABASE_URL (two processes cannot
 * share one embedded PGlite).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { upsertSubscription } from '../../src/db/queries/subscriptions.js';
import { digestDeliveries } from '../../src/db/schema.js';
import { createDemoSeed, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { runProcess } from '../support/cli.js';
import { POSTGRES_SKIP_REASON } from '../support/db.js';
import { type FakeSlack, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const DB_URL = process.env.TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Monday 08:30 UTC = 09:30 in Berlin. */
const AT = '2026-11-23T08:30:00Z';

/**
 * This file's own store: a database of its own on TEST_DATABASE_URL's server (test files run in
 * parallel and truncate).
 */
async function openTestDb(name: string): Promise<{ handle: DbHandle; url: string }> {
  const url = new URL(DB_URL ?? '');
  const dbName = `${url.pathname.slice(1) || 'postgres'}_${name}`.replace(/\W/g, '_');
  const admin = await createDb({ databaseUrl: DB_URL ?? '', max: 2 });
  if (admin.kind === 'postgres') {
    await admin.raw.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.raw.unsafe(`create database "${dbName}"`);
  }
  await admin.close();
  url.pathname = `/${dbName}`;
  const handle = await createDb({ databaseUrl: url.toString(), max: 2 });
  await migrate(handle);
  return { handle, url: url.toString() };
}

function cli(args: string[], env: Record<string, string>) {
  return runProcess(['--import', 'tsx', 'src/cli.ts', ...args], env, { cwd: ROOT, timeoutMs: 90_000 });
}

describe.skipIf(!DB_URL)(
  `credits-bot digest run --at (two at once, Postgres)${DB_URL ? '' : ` (${POSTGRES_SKIP_REASON})`}`,
  () => {
    let db: DbHandle;
    let url: string;
    let fake: FakeSlack;
    let openrouter: TestOpenRouter;

    beforeAll(async () => {
      ({ handle: db, url } = await openTestDb('digest_cli'));
      for (const channel of ['C0CLI01', 'C0CLI02']) {
        await upsertSubscription(db.db, {
          platform: 'slack',
          workspaceId: TEAM_ID,
          channelId: channel,
          weekday: 1,
          time: '09:00',
          timezone: 'Europe/Berlin',
          createdBy: 'slack:U1',
          now: new Date('2026-11-01T00:00:00Z'),
        });
      }
      openrouter = await startTestOpenRouter({ now: new Date(AT), seed: createDemoSeed(new Date(AT)) });
      fake = await startFakeSlack();
    });
    afterAll(async () => {
      await fake?.close();
      await openrouter?.close();
      await db?.close();
    });

    it('sends each due digest once, with its chart, and a rerun sends nothing', async () => {
      const env = {
        DATABASE_URL: url,
        OPENROUTER_BASE_URL: openrouter.sim.url,
        OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
        SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
        SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
        SLACK_API_URL: fake.apiUrl,
        LOG_LEVEL: 'error',
      };
      const [one, two] = await Promise.all([
        cli(['digest', 'run', '--at', AT], env),
        cli(['digest', 'run', '--at', AT], env),
      ]);
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(0);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts.map((p) => p.body.channel).sort()).toEqual(['C0CLI01', 'C0CLI02']);
      expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(2);
      const summaries = [one, two].map((r) => JSON.parse(r.stdout) as { sent: number });
      expect(summaries.reduce((n, s) => n + s.sent, 0)).toBe(2);
      const rows = await db.db.select().from(digestDeliveries);
      expect(rows.map((r) => [r.status, r.windowStart])).toEqual([
        ['sent', '2026-11-16'],
        ['sent', '2026-11-16'],
      ]);

      const again = await cli(['digest', 'run', '--at', AT], env);
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as { due: number }).due).toBe(0);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    });
  },
);
