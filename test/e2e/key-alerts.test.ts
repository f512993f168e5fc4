/**
 * End to end: `alert runaway` and `alert key` set through the bot in a Slack and a Discord channel;
 * the scheduler's credits check (credits + every key's counters from the bundled OpenRouter
 * simulator, then every rule) reports a key that starts burning once per episode through the real
 * Slack adapter (Bolt against the fake Slack) and the real Discord adapter (discord.js against the
 * fake Discord); a key budget alert fires once per crossing and re-arms when the limit changes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alert, alertButtons } from '../../src/commands/alert.js';
import type { createBot } from '../../src/commands/dispatch.js';
import { keyActionButtons } from '../../src/commands/keys/buttons.js';
import type { Actor } from '../../src/core/services.js';
import type { DbHandle } from '../../src/db/client.js';
import { ALL_TABLES, apiKeys, keyAlertStates, keySnapshots } from '../../src/db/schema.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { createDemoSeed } from '../../src/openrouter/simulator/seed.js';
import { testDb } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { type FakeSlack, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { startTwoPlatforms, type TwoPlatforms } from '../support/two-platforms.js';

const NOW = new Date('2026-11-24T15:00:00Z');
const SLACK_CHANNEL = 'C0KEYALRT';

let db: DbHandle;
let clock: { now: Date };
let fakeSlack: FakeSlack;
let fakeDiscord: FakeDiscord;
let platforms: TwoPlatforms;
let openrouter: TestOpenRouter;
let scheduler: Scheduler;
let bot: ReturnType<typeof createBot>;

beforeAll(async () => {
  db = (await testDb()).handle;
  await db.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
  openrouter = await startTestOpenRouter({
    now: NOW,
    seed: createDemoSeed(NOW),
    client: { cacheTtlMs: { credits: 0 } },
  });
  fakeSlack = await startFakeSlack();
  fakeDiscord = await startFakeDiscord({ refuseMessageContent: false });
  clock = { now: NOW };
  platforms = await startTwoPlatforms({
    store: db,
    openrouter,
    fakeSlack,
    fakeDiscord,
    commands: [alert],
    buttons: alertButtons,
    now: () => clock.now,
    env: { OPENROUTER_MANAGEMENT_KEY: 'sk-or-v1-demo-management-not-a-real-key-0000000000000000000000000000mgmt' },
  });
  bot = platforms.bot;
  const { services, adapters } = platforms;
  // As the service wires it (main.ts): a runaway key's message carries the key actions.
  scheduler = createScheduler({
    services,
    adapters,
    log: services.log,
    owner: 'e2e',
    runawayButtons: (key) => keyActionButtons(key),
  });
});

afterAll(async () => {
  await scheduler?.stop();
  await platforms?.stop();
  await fakeDiscord?.close();
  await fakeSlack?.close();
  await openrouter?.close();
  await db?.close();
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
  userId: fakeDiscord.alice.id,
  workspaceId: fakeDiscord.guildId,
  channelId: fakeDiscord.channelId,
});

const discordPosts = () =>
  fakeDiscord.requests.filter(
    (q) => q.method === 'POST' && q.path.endsWith(`/channels/${fakeDiscord.channelId}/messages`),
  );
const slackPosts = () => fakeSlack.callsTo('chat.postMessage');
const hashOf = (name: string) => {
  const key = openrouter.sim.state.keys.find((k) => k.name === name);
  if (!key) throw new Error(`no key ${name}`);
  return key;
};

/** Advances the clock, optionally makes a key spend, and runs the service's credits check. */
async function check(minutes: number, spend?: { key: string; usd: number }): Promise<void> {
  clock.now = new Date(clock.now.getTime() + minutes * 60_000);
  openrouter.sim.setNow(clock.now);
  if (spend) openrouter.sim.spend(hashOf(spend.key).hash, spend.usd);
  const r = await scheduler.runNow('credits');
  expect(r.ran).toBe(true);
  await platforms.slack.idle();
}

describe('runaway keys and key budgets through Slack and Discord', () => {
  it('a key that starts burning is reported once per episode on both platforms', async () => {
    expect((await bot.runText('alert runaway', slackAdmin())).outcome).toBe('ok');
    expect((await bot.runCommand('alert', { action: 'runaway', value: '5' }, discordAdmin())).outcome).toBe('ok');
    const plain = await bot.runText('alert runaway', { ...slackAdmin(), userId: 'U0PLAIN1' });
    expect(plain.outcome).toBe('denied');

    await check(0); // first readings: nothing to compare
    await check(10); // calm
    expect(slackPosts()).toHaveLength(0);
    expect(discordPosts()).toHaveLength(0);
    const snaps = await db.db.select().from(keySnapshots);
    const stored = await db.db.select().from(apiKeys);
    expect(snaps.length).toBe(2 * stored.length);

    await check(10, { key: 'staging', usd: 6 }); // $36/h against a normal of about $0.1/h
    expect(slackPosts()).toHaveLength(1);
    const text = JSON.stringify([slackPosts()[0]?.body.text, slackPosts()[0]?.body.blocks]);
    expect(text).toContain('Runaway key: staging');
    expect(text).toContain('$36.00/h');
    expect(text).toContain('2026-11-24 15:10');
    expect(text).toContain('$60.00 weekly');
    // The runaway message carries the key actions (keys/buttons.ts), valued with the key's hash.
    const blocks = JSON.stringify(slackPosts()[0]?.body.blocks);
    for (const action of ['key-disable', 'key-limit', 'key-snooze'])
      expect(blocks).toContain(`"action_id":"${action}"`);
    expect(blocks).toContain(hashOf('staging').hash);
    expect(discordPosts()).toHaveLength(1);
    expect(JSON.stringify(discordPosts()[0]?.body)).toContain('Runaway key: staging');

    await check(10, { key: 'staging', usd: 6 }); // still burning: same episode, no second message
    expect(slackPosts()).toHaveLength(1);
    expect(discordPosts()).toHaveLength(1);

    await check(10); // stopped: the episode ends (re-armed)
    const states = await db.db
      .select()
      .from(keyAlertStates)
      .where(sql`key_hash = ${hashOf('staging').hash}`);
    expect(states.map((s) => [s.state, s.crossingNo])).toEqual([
      ['armed', 1],
      ['armed', 1],
    ]);
    await check(10, { key: 'staging', usd: 5 }); // a new episode
    expect(slackPosts()).toHaveLength(2);
    expect(discordPosts()).toHaveLength(2);
    expect((await bot.runText('alert off runaway', slackAdmin())).outcome).toBe('ok');
    expect((await bot.runCommand('alert', { action: 'off', kind: 'runaway' }, discordAdmin())).outcome).toBe('ok');
  });

  it('a key budget alert fires once per crossing and re-arms when the limit changes', async () => {
    const key = hashOf('alice-dev'); // $100 monthly limit
    const set = await bot.runText('alert key alice 80', slackAdmin());
    expect(set.outcome).toBe('ok');
    expect(set.reply.summary).toContain('key alice-dev has spent 80 %');
    const ambiguous = await bot.runText('alert key research 80', slackAdmin());
    expect(ambiguous.outcome).toBe('user_error');
    expect(ambiguous.reply.summary).toMatch(/matches 2 keys: research-batch .*research-notebook/);

    await check(30);
    const before = slackPosts().length;
    const [row] = await db.db.select().from(apiKeys).where(sql`hash = ${key.hash}`);
    const spent = 100 - Number(row?.limitRemaining);
    expect(spent).toBeLessThan(80);

    await check(30, { key: 'alice-dev', usd: 80 - spent + 1 }); // 81 %
    expect(slackPosts().map((p) => p.body.text)).toHaveLength(before + 1);
    const text = JSON.stringify([slackPosts().at(-1)?.body.text, slackPosts().at(-1)?.body.blocks]);
    expect(text).toContain('Key alice-dev at 81 % of its limit');
    await check(30, { key: 'alice-dev', usd: 2 }); // 83 %: same crossing
    expect(slackPosts()).toHaveLength(before + 1);

    key.limit = 200; // the limit changed: re-armed, and 41.5 % is under the alert
    await check(30);
    let [state] = await db.db.select().from(keyAlertStates).where(sql`key_hash = ${key.hash}`);
    expect(state?.state).toBe('armed');
    expect(slackPosts()).toHaveLength(before + 1);

    key.limit = 90; // a lower limit: over 80 % again, a second crossing
    await check(30);
    expect(slackPosts()).toHaveLength(before + 2);
    [state] = await db.db.select().from(keyAlertStates).where(sql`key_hash = ${key.hash}`);
    expect(state?.crossingNo).toBe(2);
    expect(discordPosts()).toHaveLength(2); // the Discord channel has no key budget rule

    const list = await bot.runText('alert list', slackAdmin());
    expect(JSON.stringify(list.reply.tables)).toContain('key alice-dev at 80 % of its limit');

    // A new month: the monthly limit window resets, so the rule re-arms (and 0 % does not fire).
    clock.now = new Date('2026-12-01T00:30:00Z');
    await check(0);
    [state] = await db.db.select().from(keyAlertStates).where(sql`key_hash = ${key.hash}`);
    expect(state?.state).toBe('armed');
    expect(state?.period).toBe('90|monthly|2026-12');
    expect(slackPosts()).toHaveLength(before + 2);

    const snooze = await bot.pressButton('alert-snooze', `k${state?.ruleId}:2`, slackAdmin());
    expect(snooze.reply.title).toBe('Alert snoozed for 24 hours');
    await check(30, { key: 'alice-dev', usd: 80 }); // over 80 % of $90, but snoozed
    expect(slackPosts()).toHaveLength(before + 2);
  });
});
