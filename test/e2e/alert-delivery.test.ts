/**
 * End to end: `alert below` set through the bot in a Slack and a Discord channel; the scheduler's
 * credits job takes a snapshot from the bundled OpenRouter simulator and evaluates the rules; the
 * alert goes out once per crossing through the real Slack adapter (Bolt against the fake Slack, with
 * Acknowledge / Snooze buttons) and the real Discord adapter (discord.js against the fake Discord),
 * and re-arms when the balance is topped up.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import type { SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { alert, alertButtons } from '../../src/commands/alert.js';
import type { createBot } from '../../src/commands/dispatch.js';
import type { Actor } from '../../src/core/services.js';
import type { DbHandle } from '../../src/db/client.js';
import { ALL_TABLES, alertEvents, alertRules } from '../../src/db/schema.js';
import type { HttpServer } from '../../src/http/server.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { createDemoSeed } from '../../src/openrouter/simulator/seed.js';
import { setCredits } from '../../src/openrouter/simulator/state.js';
import { testDb } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import {
  blockActionPayload,
  createSlackDriver,
  type FakeSlack,
  startFakeSlack,
  TEAM_ID,
} from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { startTwoPlatforms, type TwoPlatforms } from '../support/two-platforms.js';

const NOW = new Date('2026-11-24T15:00:00Z');
const SLACK_CHANNEL = 'C0ALERTS';

interface Harness {
  platforms: TwoPlatforms;
  db: DbHandle;
  clock: { now: Date };
  slack: SlackAdapter;
  discord: DiscordAdapter;
  fakeSlack: FakeSlack;
  fakeDiscord: FakeDiscord;
  http: HttpServer;
  openrouter: TestOpenRouter;
  scheduler: Scheduler;
  bot: ReturnType<typeof createBot>;
  httpUrl: string;
}

let h: Harness;

/** This file's own store (test/support/db.ts): its own database on TEST_DATABASE_URL's server, else PGlite. */
async function openTestDb(_name: string): Promise<{ handle: DbHandle; url?: string }> {
  const t = await testDb();
  return { handle: t.handle, ...(t.url ? { url: t.url } : {}) };
}

beforeAll(async () => {
  const db = (await openTestDb('alert_delivery')).handle;
  await db.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
  const seed = createDemoSeed(NOW);
  setCredits(seed, { totalCredits: 1000, totalUsage: 940 });
  // Snapshots here are seconds apart; the client's 15 s cache of /credits would hide the changes.
  const openrouter = await startTestOpenRouter({ now: NOW, seed, client: { cacheTtlMs: { credits: 0 } } });
  const fakeSlack = await startFakeSlack();
  const fakeDiscord = await startFakeDiscord({ refuseMessageContent: false });
  const clock = { now: NOW };
  const platforms = await startTwoPlatforms({
    store: db,
    openrouter,
    fakeSlack,
    fakeDiscord,
    commands: [alert],
    buttons: alertButtons,
    now: () => clock.now,
  });
  const { services, bot, http, url: httpUrl, slack, discord, adapters } = platforms;
  const scheduler = createScheduler({ services, adapters, log: services.log, owner: 'e2e' });
  h = { platforms, db, clock, slack, discord, fakeSlack, fakeDiscord, http, openrouter, scheduler, bot, httpUrl };
});

afterAll(async () => {
  if (!h) return;
  await h.scheduler.stop();
  await h.platforms.closeAll();
});

const slackAdmin = (): Actor => ({
  platform: 'slack',
  userId: 'UADMIN1',
  displayName: 'ada',
  workspaceId: TEAM_ID,
  channelId: SLACK_CHANNEL,
});
const discordAdmin = (): Actor => ({
  platform: 'discord',
  userId: h.fakeDiscord.alice.id,
  workspaceId: h.fakeDiscord.guildId,
  channelId: h.fakeDiscord.channelId,
});

function discordPosts() {
  return h.fakeDiscord.requests.filter(
    (q) => q.method === 'POST' && q.path.endsWith(`/channels/${h.fakeDiscord.channelId}/messages`),
  );
}

async function snapshot(totalUsage: number): Promise<void> {
  setCredits(h.openrouter.sim.state, { totalUsage });
  h.clock.now = new Date(h.clock.now.getTime() + 5 * 60_000);
  h.openrouter.sim.setNow(h.clock.now);
  const r = await h.scheduler.runNow('credits');
  expect(r.ran).toBe(true);
  await h.slack.idle();
}

describe('balance alerts through Slack and Discord', () => {
  it('fires once per crossing on both platforms, with Acknowledge and Snooze buttons', async () => {
    expect((await h.bot.runText('alert below 50', slackAdmin())).outcome).toBe('ok');
    expect((await h.bot.runCommand('alert', { action: 'below', value: 50 }, discordAdmin())).outcome).toBe('ok');

    await snapshot(940); // balance $60
    expect(h.fakeSlack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(discordPosts()).toHaveLength(0);

    await snapshot(960); // balance $40: crossing
    const posts = h.fakeSlack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    const text = JSON.stringify([posts[0]?.body.text, posts[0]?.body.blocks]);
    expect(text).toContain('Balance below $50.00');
    expect(text).toContain('The OpenRouter balance is $40.00');
    const actions = JSON.stringify(posts[0]?.body.blocks);
    expect(actions).toContain('"action_id":"alert-ack"');
    expect(actions).toContain('"action_id":"alert-snooze"');
    expect(JSON.stringify(posts[0]?.body.metadata)).toContain('alert:1:1');
    const discord = discordPosts();
    expect(discord).toHaveLength(1);
    expect(JSON.stringify(discord[0]?.body)).toContain('Balance below $50.00');

    await snapshot(965); // still below: no second message
    await snapshot(952); // $48, inside the band: still fired
    expect(h.fakeSlack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(discordPosts()).toHaveLength(1);
    const events = await h.db.db.select().from(alertEvents);
    expect(events.map((e) => e.status)).toEqual(['sent', 'sent']);
  });

  it('acknowledge persists; a top-up re-arms; the next crossing fires again; snooze holds it for 24 hours', async () => {
    const value = `${1}:${1}`;
    // The real button, through Bolt: a plain member is refused privately, an admin acknowledges.
    const driver = createSlackDriver(h.fakeSlack, {
      mode: 'http',
      eventsUrl: `${h.httpUrl}/slack/events`,
      signingSecret: 'test-signing-secret-0123456789',
    });
    const press = (userId: string) =>
      driver.action(
        blockActionPayload({
          actionId: 'alert-ack',
          value,
          responseUrl: h.fakeSlack.responseUrl(),
          userId,
          ephemeral: false,
        }),
      );
    expect((await press('U0PLAIN1')).status).toBe(200);
    const refused = await h.fakeSlack.waitFor('response', (c) => c.length >= 1);
    expect(JSON.stringify(refused[0]?.body)).toMatch(/Only admins/);
    expect(refused[0]?.body.response_type).toBe('ephemeral');
    expect((await press('UADMIN1')).status).toBe(200);
    const answered = await h.fakeSlack.waitFor('response', (c) => c.length >= 2);
    expect(JSON.stringify(answered[1]?.body)).toContain('Alert acknowledged');
    const [slackRule] = await h.db.db.select().from(alertRules).where(sql`platform = 'slack'`);
    expect(slackRule?.acknowledgedBy).toBe('slack:UADMIN1');

    await snapshot(700); // topped up: $300
    const rearmed = await h.db.db.select().from(alertRules);
    expect(rearmed.map((r) => r.state)).toEqual(['armed', 'armed']);

    await snapshot(970); // $30: second crossing
    expect(h.fakeSlack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(discordPosts()).toHaveLength(2);

    const snooze = await h.bot.pressButton('alert-snooze', '2:2', discordAdmin());
    expect(snooze.reply.title).toBe('Alert snoozed for 24 hours');
    await snapshot(975);
    expect(discordPosts()).toHaveLength(2);
    h.clock.now = new Date(h.clock.now.getTime() + 24 * 3_600_000);
    await snapshot(975); // snooze over, still below: reminded once on Discord only
    expect(discordPosts()).toHaveLength(3);
    expect(h.fakeSlack.callsTo('chat.postMessage')).toHaveLength(2);
  });
});
