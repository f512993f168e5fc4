/**
 * End to end: subscriptions made through the bot, a digest due on Monday 09:00 Europe/Berlin, the
 * window synced from the bundled OpenRouter simulator, then posted through the real Slack adapter
 * (Bolt against the fake Slack: message + chart upload with alt text) and the real Discord adapter
 * (discord.js against the fake Discord: embed + attached PNG). Exactly once across reruns and a
 * crash between posting and recording.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import type { SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { alert, alertButtons } from '../../src/commands/alert.js';
import { digest } from '../../src/commands/digest.js';
import type { createBot } from '../../src/commands/dispatch.js';
import type { ChatAdapter } from '../../src/core/chat-adapter.js';
import type { Actor, Platform, Services } from '../../src/core/services.js';
import type { DbHandle } from '../../src/db/client.js';
import { ALL_TABLES, digestDeliveries } from '../../src/db/schema.js';
import type { HttpServer } from '../../src/http/server.js';
import { runDueDigests } from '../../src/jobs/digest-run.js';
import { createDemoSeed, DEMO_KEYS } from '../../src/openrouter/simulator/seed.js';
import { addActivity, type SimActivity, setCredits, sha256Hex } from '../../src/openrouter/simulator/state.js';
import { testDb } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { type FakeSlack, type SlackDriver, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { startTwoPlatforms, type TwoPlatforms } from '../support/two-platforms.js';

/** Monday 23 Nov 2026, 08:05 UTC = 09:05 in Berlin: the digest for 16–22 Nov is due. */
const NOW = new Date('2026-11-23T08:05:00Z');
const SLACK_CHANNEL = 'C0DIGEST';
const A = 'openai/gpt-4.1';
const B = 'deepseek/deepseek-chat-v3.1'; // the demo seed says it expires in 21 days
const C = 'qwen/qwen3-coder';

function day(d: string, keySecret: string, model: string, usage: number): SimActivity {
  return {
    keyHash: sha256Hex(keySecret),
    date: d,
    model,
    permaslug: model,
    endpointId: `${model}-ep`,
    providerName: 'SimProvider',
    usage,
    byokUsageInference: 0,
    requests: 10,
    promptTokens: 1000,
    completionTokens: 100,
    reasoningTokens: 0,
  };
}

function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Previous week: A $10/day (production), B $2/day (staging). This week: A $12/day with $40 on the 19th, B $5/day, C $3/day from the 20th. */
function seed() {
  const s = createDemoSeed(NOW);
  s.activity = [];
  const prod = DEMO_KEYS.production;
  const staging = DEMO_KEYS.staging;
  for (const d of dates('2026-11-09', '2026-11-16')) addActivity(s, [day(d, prod, A, 10), day(d, staging, B, 2)]);
  for (const d of dates('2026-11-16', '2026-11-23')) {
    addActivity(s, [day(d, prod, A, d === '2026-11-19' ? 40 : 12), day(d, staging, B, 5)]);
    if (d >= '2026-11-20') addActivity(s, day(d, prod, C, 3));
  }
  setCredits(s, { totalCredits: 1000, totalUsage: 900 });
  return s;
}

interface Harness {
  platforms: TwoPlatforms;
  db: DbHandle;
  services: Services;
  clock: { now: Date };
  slack: SlackAdapter;
  discord: DiscordAdapter;
  fakeSlack: FakeSlack;
  fakeDiscord: FakeDiscord;
  http: HttpServer;
  openrouter: TestOpenRouter;
  adapters: Map<Platform, ChatAdapter>;
  bot: ReturnType<typeof createBot>;
  /** Signed slash commands to the real Bolt app (HTTP mode). */
  slackDriver: SlackDriver;
  /** The fake Discord's clock (message times, the enforce_nonce window). */
  discordClock: { ms: number };
}

let h: Harness;

/** This file's own store (test/support/db.ts): its own database on TEST_DATABASE_URL's server, else PGlite. */
async function openTestDb(_name: string): Promise<{ handle: DbHandle; url?: string }> {
  const t = await testDb();
  return { handle: t.handle, ...(t.url ? { url: t.url } : {}) };
}

beforeAll(async () => {
  const db = (await openTestDb('digest_delivery')).handle;
  await db.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
  const openrouter = await startTestOpenRouter({ now: NOW, seed: seed() });
  const fakeSlack = await startFakeSlack();
  const discordClock = { ms: Date.now() };
  const fakeDiscord = await startFakeDiscord({ refuseMessageContent: false, now: () => discordClock.ms });
  const clock = { now: new Date('2026-11-20T10:00:00Z') };
  const platforms = await startTwoPlatforms({
    store: db,
    openrouter,
    fakeSlack,
    fakeDiscord,
    commands: [digest, alert],
    buttons: alertButtons,
    now: () => clock.now,
  });
  const { services, bot, http, slack, discord, adapters, driver: slackDriver } = platforms;
  h = {
    platforms,
    db,
    services,
    clock,
    slack,
    discord,
    fakeSlack,
    fakeDiscord,
    http,
    openrouter,
    adapters,
    bot,
    slackDriver,
    discordClock,
  };
});

afterAll(async () => {
  if (!h) return;
  await h.platforms.closeAll();
});

const slackAdmin = (): Actor => ({
  platform: 'slack',
  userId: 'UADMIN1',
  workspaceId: TEAM_ID,
  channelId: SLACK_CHANNEL,
});
const discordAdmin = (): Actor => ({
  platform: 'discord',
  userId: h.fakeDiscord.alice.id,
  workspaceId: h.fakeDiscord.guildId,
  channelId: h.fakeDiscord.channelId,
});

type Json = Record<string, unknown>;

describe('weekly digest through Slack and Discord', () => {
  it('subscribes both channels (admins only) and lists them', async () => {
    const denied = await h.bot.runText('digest subscribe', { ...slackAdmin(), userId: 'UNOBODY' });
    expect(denied.outcome).toBe('denied');
    const s = await h.bot.runText('digest subscribe monday 09:00 Europe/Berlin', slackAdmin());
    expect(s.outcome).toBe('ok');
    expect(s.reply.summary).toBe('This channel gets the weekly spend digest every Monday at 09:00 (Europe/Berlin).');
    expect(s.reply.fields?.[0]?.value).toBe('Mon, 23 Nov 2026, 09:00');
    expect(s.reply.fields?.[1]?.value).toBe('UTC days 16–22 Nov 2026');
    const d = await h.bot.runCommand(
      'digest',
      { action: 'subscribe', weekday: 'mon', time: '9:00', timezone: 'europe/berlin' },
      discordAdmin(),
    );
    expect(d.outcome).toBe('ok');
    expect(d.reply.summary).toContain('every Monday at 09:00 (Europe/Berlin)');
    const bad = await h.bot.runText('digest subscribe monday 25:00', slackAdmin());
    expect(bad.reply.summary).toContain('is not a time of day');
    const listed = await h.bot.runText('digest list', { ...slackAdmin(), userId: 'UNOBODY' });
    expect(listed.reply.tables?.[0]?.rows).toEqual([
      ['#C0DIGEST', 'Monday at 09:00 (Europe/Berlin)', 'Mon, 23 Nov 2026, 09:00', 'UADMIN1'],
    ]);
  });

  it('nothing is due before 09:00 Berlin', async () => {
    h.clock.now = new Date('2026-11-23T07:59:00Z');
    const r = await runDueDigests({ services: h.services, adapters: h.adapters, at: h.clock.now, owner: 'e2e' });
    expect(r.due).toBe(0);
  });

  it('syncs the window from OpenRouter and posts the digest with its chart on both platforms, once', async () => {
    h.clock.now = NOW;
    const r = await runDueDigests({ services: h.services, adapters: h.adapters, at: NOW, owner: 'e2e' });
    expect(r.results.map((x) => [x.platform, x.outcome, x.window.from, x.window.to])).toEqual([
      ['slack', 'sent', '2026-11-16', '2026-11-23'],
      ['discord', 'sent', '2026-11-16', '2026-11-23'],
    ]);
    await h.slack.idle();

    // Slack: the message (with the dedupe metadata), then the chart uploaded in its thread with alt text.
    const posts = h.fakeSlack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    const text = JSON.stringify([posts[0]?.body.text, posts[0]?.body.blocks]);
    expect(text).toContain('Weekly OpenRouter spend, 16–22 Nov 2026');
    expect(text).toContain('$156.00');
    expect(text).toContain('+85.7%');
    expect(text).toContain('$100.00'); // balance
    expect(text).toContain('Spike on 2026-11-19');
    expect(text).toContain('New this week: qwen/qwen3-coder.');
    expect(text).toContain('More than doubled: deepseek/deepseek-chat-v3.1');
    expect(text).toContain('deepseek/deepseek-chat-v3.1 expires on 2026-12-14');
    expect(text).toContain('Window: UTC days 2026-11-16 to 2026-11-22');
    expect(text).toContain('Spend by key');
    expect(text).toMatch(/production[^"]*\$121\.00[^"]*\+72\.9%/);
    expect(text).toContain('170 requests · 17,000 in · 1,700 out');
    expect(JSON.stringify(posts[0]?.body.metadata)).toContain('digest:1:2026-11-16');
    const getUrl = h.fakeSlack.callsTo('files.getUploadURLExternal');
    expect(getUrl).toHaveLength(1);
    expect(getUrl[0]?.body.filename).toBe('spend-2026-11-16.png');
    expect(String(getUrl[0]?.body.alt_text)).toMatch(
      /^Stacked bar chart of daily OpenRouter spend from 2026-11-16 to 2026-11-22/,
    );
    expect(Number(getUrl[0]?.body.length)).toBeGreaterThan(5_000);
    expect(h.fakeSlack.callsTo('upload')).toHaveLength(1);
    const complete = h.fakeSlack.callsTo('files.completeUploadExternal');
    expect(complete[0]?.body.channel_id).toBe(SLACK_CHANNEL);

    // Discord: one channel message with the embed and the PNG attached (multipart), and a nonce.
    const messages = h.fakeDiscord.requests.filter(
      (q) => q.method === 'POST' && q.path.endsWith(`/channels/${h.fakeDiscord.channelId}/messages`),
    );
    expect(messages).toHaveLength(1);
    const body = messages[0]?.body as Json & { embeds: Json[]; _files: string[] };
    expect(body._files).toEqual(['files[0]']);
    expect(body.embeds[0]?.title).toBe('Weekly OpenRouter spend, 16–22 Nov 2026');
    expect(JSON.stringify(body.embeds[0]?.image)).toBe(JSON.stringify({ url: 'attachment://spend-2026-11-16.png' }));
    expect(JSON.stringify(body.attachments)).toContain('Stacked bar chart of daily OpenRouter spend');
    expect(body.nonce).toBeTruthy();
    expect(body.enforce_nonce).toBe(true);

    const rows = await h.db.db.select().from(digestDeliveries);
    expect(rows.map((x) => [x.status, x.messageId !== null])).toEqual([
      ['sent', true],
      ['sent', true],
    ]);

    const again = await runDueDigests({ services: h.services, adapters: h.adapters, at: NOW, owner: 'e2e-2' });
    expect(again.due).toBe(0);
    expect(h.fakeSlack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a crash between posting and recording on Slack: the takeover finds the message, no second post', async () => {
    const next = new Date('2026-11-30T08:05:00Z');
    h.openrouter.sim.setNow(next);
    for (const d of dates('2026-11-23', '2026-11-30'))
      addActivity(h.openrouter.sim.state, day(d, DEMO_KEYS.production, A, 7));
    await h.db.db.execute(sql`update digest_subscriptions set active = false where platform = 'discord'`);
    const slackOnly = new Map<Platform, ChatAdapter>([['slack', h.slack]]);
    const before = h.fakeSlack.callsTo('chat.postMessage').length;
    h.clock.now = next;
    await expect(
      runDueDigests({
        services: h.services,
        adapters: slackOnly,
        at: next,
        owner: 'crashy',
        hooks: {
          afterSend: () => {
            throw new Error('killed');
          },
        },
      }),
    ).rejects.toThrow('aborted by a hook');
    await h.slack.idle();
    expect(h.fakeSlack.callsTo('chat.postMessage').length).toBe(before + 1);
    const early = await runDueDigests({ services: h.services, adapters: slackOnly, at: next, owner: 'survivor' });
    expect(early.results.map((x) => x.outcome)).toEqual(['not-claimed']); // the dead claim's lease still holds
    h.clock.now = new Date(next.getTime() + 11 * 60_000);
    const r = await runDueDigests({ services: h.services, adapters: slackOnly, at: next, owner: 'survivor' });
    expect(r.results.map((x) => [x.outcome, x.window.from])).toEqual([['deduplicated', '2026-11-23']]);
    await h.slack.idle();
    expect(h.fakeSlack.callsTo('chat.postMessage').length).toBe(before + 1);
    const [row] = await h.db.db.select().from(digestDeliveries).where(sql`window_start = '2026-11-23'`);
    expect(row).toMatchObject({ status: 'sent', claimedBy: 'survivor', attempts: 2 });
  });

  it('preview posts the most recent complete window now, without recording it', async () => {
    h.clock.now = new Date('2026-11-23T12:00:00Z');
    const before = (await h.db.db.select().from(digestDeliveries)).length;
    const p = await h.bot.runText('digest preview', { ...slackAdmin(), userId: 'UNOBODY' });
    expect(p.outcome).toBe('ok');
    expect(p.reply.visibility).toBe('public');
    expect(p.reply.title).toBe('Preview: Weekly OpenRouter spend, 16–22 Nov 2026');
    expect(p.reply.image?.contentType).toBe('image/png');
    expect((await h.db.db.select().from(digestDeliveries)).length).toBe(before);
    const stop = await h.bot.runText('digest unsubscribe', slackAdmin());
    expect(stop.reply.summary).toBe('This channel no longer gets the weekly digest.');
  });

  it('reads weekdays, times and zones with the digest-window rules (Thu., fridays, 5:30pm, europe/berlin)', async () => {
    const said = async (text: string) => (await h.bot.runText(text, slackAdmin())).reply.summary;
    const every = 'This channel gets the weekly spend digest every';
    expect(await said('digest subscribe Thu. 17:30 europe/berlin')).toBe(`${every} Thursday at 17:30 (Europe/Berlin).`);
    expect(await said('digest subscribe fridays 5:30pm UTC')).toBe(`${every} Friday at 17:30 (UTC).`);
    expect(await said('digest subscribe tues 9am America/New_York')).toBe(
      `${every} Tuesday at 09:00 (America/New_York).`,
    );
    expect(await said('digest subscribe Europe/Berlin sat')).toBe(`${every} Saturday at 09:00 (Europe/Berlin).`);
    const zone = await h.bot.runText('digest subscribe monday Mars/Olympus', slackAdmin());
    expect(zone.outcome).toBe('user_error');
    expect(zone.reply.summary).toBe(
      '"Mars/Olympus" is not an IANA time zone; use e.g. UTC, Europe/Berlin or America/New_York.',
    );
    const day = await h.bot.runCommand('digest', { action: 'subscribe', weekday: 'funday' }, discordAdmin());
    expect(day.outcome).toBe('user_error');
    expect(day.reply.summary).toContain('"funday" is not a valid weekday');
    expect(await said('digest subscribe monday 9')).toContain('"9" is not a time of day');
    const stop = await h.bot.runText('digest unsubscribe', slackAdmin());
    expect(stop.reply.summary).toBe('This channel no longer gets the weekly digest.');
  });
  it('joins a public Slack channel the bot never joined at subscribe; in a private one it asks to be invited', async () => {
    h.fakeSlack.setChannel('C0PUBLIC', { member: false });
    h.fakeSlack.setChannel('G0PRIVATE', { isPrivate: true, member: false });
    // A setting changed for the channel is a public answer: `in_channel` through the response_url.
    const answers = (responseUrl: string) => [
      ...h.fakeSlack.visibleFrom(responseUrl),
      ...h.fakeSlack.publicFrom(responseUrl),
    ];
    const seen = (responseUrl: string) => JSON.stringify(answers(responseUrl));
    const pub = await h.slackDriver.command('digest subscribe monday 09:00 UTC', {
      userId: 'UADMIN1',
      channelId: 'C0PUBLIC',
    });
    await h.fakeSlack.waitFor('response', () => answers(pub.responseUrl).length > 0);
    expect(h.fakeSlack.publicFrom(pub.responseUrl)).toHaveLength(1);
    expect(seen(pub.responseUrl)).toContain('gets the weekly spend digest');
    expect(h.fakeSlack.callsTo('conversations.join').map((c) => c.body.channel)).toContain('C0PUBLIC');
    expect(h.fakeSlack.isMember('C0PUBLIC')).toBe(true);
    expect(seen(pub.responseUrl)).not.toContain('/invite');

    const priv = await h.slackDriver.command('alert below 5', { userId: 'UADMIN1', channelId: 'G0PRIVATE' });
    await h.fakeSlack.waitFor('response', () => answers(priv.responseUrl).length > 0);
    expect(h.fakeSlack.publicFrom(priv.responseUrl)).toHaveLength(1);
    expect(seen(priv.responseUrl)).toContain('Alert set');
    expect(seen(priv.responseUrl)).toContain('invite me with /invite');
    expect(h.fakeSlack.isMember('G0PRIVATE')).toBe(false);

    const actor = (channelId: string): Actor => ({ ...slackAdmin(), channelId });
    expect((await h.bot.runText('digest unsubscribe', actor('C0PUBLIC'))).outcome).toBe('ok');
    expect((await h.bot.runText('alert off', actor('G0PRIVATE'))).outcome).toBe('ok');
  });

  it('Slack history unreadable (not joined, no channels:join): the ledger keeps a taken-over digest from posting twice', async () => {
    const channel = 'C0NOJOIN';
    h.fakeSlack.setChannel(channel, { member: false });
    h.fakeSlack.removeScope('channels:join');
    const actor: Actor = { ...slackAdmin(), channelId: channel }; // subscribed before the bot joined channels
    h.clock.now = new Date('2026-12-01T10:00:00Z');
    expect((await h.bot.runText('digest subscribe monday 09:00 UTC', actor)).outcome).toBe('ok');
    const due = new Date('2026-12-07T09:05:00Z');
    h.openrouter.sim.setNow(due);
    for (const d of dates('2026-11-30', '2026-12-07'))
      addActivity(h.openrouter.sim.state, day(d, DEMO_KEYS.production, A, 6));
    const slackOnly = new Map<Platform, ChatAdapter>([['slack', h.slack]]);
    const postsHere = () => h.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
    h.clock.now = due;
    await expect(
      runDueDigests({
        services: h.services,
        adapters: slackOnly,
        at: due,
        owner: 'crashy',
        hooks: {
          afterSend: () => {
            throw new Error('killed');
          },
        },
      }),
    ).rejects.toThrow('aborted by a hook');
    await h.slack.idle();
    expect(postsHere()).toHaveLength(1); // chat:write.public: posting works without membership
    // The chart upload needs membership too: refused, and the text still went out.
    expect(
      h.fakeSlack.calls.some((c) => c.method === 'files.completeUploadExternal' && c.body.channel_id === channel),
    ).toBe(true);

    h.clock.now = new Date(due.getTime() + 11 * 60_000);
    const r = await runDueDigests({ services: h.services, adapters: slackOnly, at: due, owner: 'survivor' });
    expect(r.results.map((x) => [x.channelId, x.outcome])).toEqual([[channel, 'deduplicated']]);
    await h.slack.idle();
    expect(postsHere()).toHaveLength(1);
    const [row] = await h.db.db.select().from(digestDeliveries).where(sql`window_start = '2026-11-30'`);
    expect(row).toMatchObject({ status: 'sent', claimedBy: 'survivor', messageId: null });
    expect((await h.bot.runText('digest unsubscribe', actor)).outcome).toBe('ok');
  });

  it('Discord: a digest claim taken over after the enforce_nonce window finds the earlier post, no second post', async () => {
    h.clock.now = new Date('2026-12-08T10:00:00Z');
    const sub = await h.bot.runCommand(
      'digest',
      { action: 'subscribe', weekday: 'monday', time: '09:00', timezone: 'UTC' },
      discordAdmin(),
    );
    expect(sub.outcome).toBe('ok');
    const due = new Date('2026-12-14T09:05:00Z');
    h.openrouter.sim.setNow(due);
    for (const d of dates('2026-12-07', '2026-12-14'))
      addActivity(h.openrouter.sim.state, day(d, DEMO_KEYS.production, A, 5));
    const discordOnly = new Map<Platform, ChatAdapter>([['discord', h.discord]]);
    const channelPosts = () =>
      h.fakeDiscord.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith(`/channels/${h.fakeDiscord.channelId}/messages`),
      );
    const before = channelPosts().length;
    const created = () => [...h.fakeDiscord.messages.values()].filter((m) => m.channel_id === h.fakeDiscord.channelId);
    const createdBefore = created().length;
    h.clock.now = due;
    await expect(
      runDueDigests({
        services: h.services,
        adapters: discordOnly,
        at: due,
        owner: 'crashy',
        hooks: {
          afterSend: () => {
            throw new Error('killed');
          },
        },
      }),
    ).rejects.toThrow('aborted by a hook');
    expect(channelPosts()).toHaveLength(before + 1);
    h.discordClock.ms += 11 * 60_000; // Discord forgets the nonce after its window (2 minutes here)
    h.clock.now = new Date(due.getTime() + 11 * 60_000);
    const r = await runDueDigests({ services: h.services, adapters: discordOnly, at: due, owner: 'survivor' });
    expect(r.results.map((x) => x.outcome)).toEqual(['deduplicated']);
    expect(created()).toHaveLength(createdBefore + 1);
    const [row] = await h.db.db.select().from(digestDeliveries).where(sql`window_start = '2026-12-07'`);
    expect(row).toMatchObject({ status: 'sent', claimedBy: 'survivor' });
    expect(row?.messageId).toBeTruthy();
  });
});
