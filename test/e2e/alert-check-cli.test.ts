/**
 * `credits-bot alert check --at <ISO>` as a cron job runs it: the built CLI against a Postgres, the
 * bundled OpenRouter simulator and the fake Slack. A key that starts burning between two checks is
 * reported once by the next check, and not again by the one after. Needs TEST_DATABASE_URL (the
 * test writes the rule while the CLI holds the store; two processes cannot share one PGlite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertKeyRule } from '../../src/db/queries/key-alerts.js';
import { keySnapshots } from '../../src/db/schema.js';
import { createDemoSeed, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { runCli } from '../support/cli.js';
import { POSTGRES_SKIP_REASON, type TestDb, testDb } from '../support/db.js';
import { type FakeSlack, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const DB_URL = process.env.TEST_DATABASE_URL;
const T0 = new Date('2026-11-24T15:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

interface Summary {
  ran: boolean;
  at: string;
  snapshot: { balance: number | null; keys: number | null; errors: unknown[] };
  alerts: { evaluated: number; fired: number; posted: number; failed: number } | null;
}

describe.skipIf(!DB_URL)(`credits-bot alert check --at (Postgres)${DB_URL ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  let db: TestDb;
  let fake: FakeSlack;
  let openrouter: TestOpenRouter;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await testDb('postgres');
    await upsertKeyRule(db.handle.db, {
      platform: 'slack',
      workspaceId: TEAM_ID,
      channelId: 'C0RUNAWAY',
      kind: 'runaway',
      target: 'all',
      threshold: 5,
      createdBy: 'slack:UADMIN1',
      now: T0,
    });
    openrouter = await startTestOpenRouter({ now: T0, seed: createDemoSeed(T0) });
    fake = await startFakeSlack();
    env = {
      DATABASE_URL: db.url ?? '',
      OPENROUTER_BASE_URL: openrouter.sim.url,
      OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'error',
    };
  });
  afterAll(async () => {
    await fake?.close();
    await openrouter?.close();
    await db?.handle.close();
  });

  async function check(minutes: number): Promise<Summary> {
    openrouter.sim.setNow(at(minutes));
    const r = await runCli(['alert', 'check', '--at', at(minutes).toISOString()], env, { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Summary;
  }

  it('reports a key that starts burning once, at the next check', async () => {
    const first = await check(0);
    expect(first).toMatchObject({ ran: true, at: at(0).toISOString(), alerts: { posted: 0, failed: 0 } });
    expect(first.snapshot.keys).toBeGreaterThan(0);
    await check(10);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

    const staging = openrouter.sim.state.keys.find((k) => k.name === 'staging');
    openrouter.sim.spend(staging?.hash ?? '', 6); // $36/h
    const burning = await check(20);
    expect(burning.alerts).toMatchObject({ fired: 1, posted: 1, failed: 0 });
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe('C0RUNAWAY');
    expect(JSON.stringify(posts[0]?.body.blocks)).toContain('Runaway key: staging');

    openrouter.sim.spend(staging?.hash ?? '', 6);
    const still = await check(30);
    expect(still.alerts).toMatchObject({ fired: 0, posted: 0 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    const snaps = await db.handle.db.select().from(keySnapshots);
    expect(new Set(snaps.map((s) => s.takenAt.toISOString())).size).toBe(4);
  }, 300_000);

  it('refuses a bad --at with exit 2', async () => {
    const r = await runCli(['alert', 'check', '--at', 'yesterday'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at must be an ISO time');
  }, 120_000);
});
