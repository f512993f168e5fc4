/**
 * End to end: the real Bolt app, in HTTP mode (signed requests to `POST /slack/events` on the bot's
 * own server) and in Socket Mode (envelopes over a WebSocket), against a loopback fake of Slack.
 * Assertions are on what Slack receives: response_url bodies, chat.postMessage / chat.update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { defineCommand } from '../../src/commands/command.js';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import { reply } from '../../src/core/reply.js';
import { markProcessed } from '../../src/db/queries/processed-events.js';
import { formatUsd } from '../../src/domain/money.js';
import { registerHealthRoutes } from '../../src/http/health.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { Simulator } from '../../src/openrouter/simulator/server.js';
import { type ChatCore, startChatCore } from '../support/chat-harness.js';
import {
  BOT_ID,
  BOT_USER_ID,
  blockActionPayload,
  createSlackDriver,
  eventCallbackPayload,
  type FakeSlack,
  messageEvent,
  type RecordedCall,
  type SlackDriver,
  signSlackRequest,
  slashCommandPayload,
  startFakeSlack,
} from '../support/fake-slack.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const GEN_A = 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ';
const genId = (n: number) => `gen-17545537${String(n).padStart(2, '0')}-AbCdEfGhIjKlMnOpQrSt`;
const INTERVAL_MS = 250;

// ---- the real core (src/commands/index.ts on a real store, synced from the seeded simulator), with one
// stand-in: a controllable `request`. The pending-answer and pasted-id cases need a lookup that is pending
// first and final 200 ms later, on cue, for ids of our choosing; the real `request` command is covered
// end to end in slack-commands.test.ts.

const request = defineCommand({
  name: 'request',
  summary: 'One generation',
  usage: 'request <gen-id>',
  examples: [`request ${GEN_A}`],
  options: { id: { kind: 'string', required: true, description: 'gen-… id', pattern: /^gen-[A-Za-z0-9-]+$/ } },
  async run({ args }) {
    return reply({
      title: `Request ${args.id}`,
      summary:
        'Pending: OpenRouter has not published this generation yet. Looking it up; the answer follows in a moment.',
      pending: true,
      followUp: async () => {
        await new Promise((r) => setTimeout(r, 200));
        return reply({ title: `Request ${args.id}`, fields: [{ label: 'Total cost', value: '$0.001502' }] });
      },
    });
  },
});

interface Harness {
  fake: FakeSlack;
  driver: SlackDriver;
  adapter: SlackAdapter;
  http: HttpServer;
  url: string;
  logs: string[];
  /** Keys claimed through the store's cross-replica dedupe. */
  claims: string[];
  sim: Simulator;
  chat: ChatCore;
  /** The balance as the answer shows it, from the simulator's account. */
  balance: string;
}

async function startHarness(mode: 'http' | 'socket'): Promise<Harness> {
  const fake = await startFakeSlack();
  fake.setUser('UOWNER1', { is_owner: true });
  const chat = await startChatCore({
    env: {
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
      SLACK_API_URL: fake.apiUrl,
      ...(mode === 'http' ? { SLACK_SIGNING_SECRET: SIGNING_SECRET } : { SLACK_APP_TOKEN: 'xapp-1-A0001-test-token' }),
      BOT_ADMINS: 'slack:UADMIN1',
    },
  });
  const { config, log, metrics, services } = chat.core;
  const logs = chat.logs;
  const sim = chat.or.sim;
  const bot = createBot(
    services,
    commands.map((c) => (c.name === 'request' ? request : c)),
    buttons,
  );
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log });
  const claims: string[] = [];
  const adapter = createSlackAdapter(config, {
    bot,
    log,
    metrics,
    http,
    markProcessed: async (key) => {
      claims.push(key);
      return markProcessed(chat.db.db, { platform: 'slack', eventId: key });
    },
    tuning: { webApiRetries: 0, perChannelIntervalMs: INTERVAL_MS, autoReconnect: false },
  });
  registerHealthRoutes(http, { metrics, checks: () => [{ name: 'slack', ready: () => adapter.ready() }] });
  const { url } = await http.start();
  await adapter.start();
  const driver =
    mode === 'http'
      ? createSlackDriver(fake, { mode: 'http', eventsUrl: `${url}/slack/events`, signingSecret: SIGNING_SECRET })
      : createSlackDriver(fake, { mode: 'socket' });
  const balance = `Balance ${formatUsd(sim.state.account.totalCredits - sim.state.account.totalUsage)}`;
  return { fake, driver, adapter, http, url, logs, claims, sim, chat, balance };
}

/** Lets late (wrong) extra deliveries show up before counting. */
async function settle(h: Harness): Promise<void> {
  await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
  await h.adapter.idle();
}

/** Everything Slack would render from a recorded body, as one string. */
const rendered = (call: RecordedCall | undefined) => JSON.stringify([call?.body.text, call?.body.blocks]);

function responseTo(fake: FakeSlack, responseUrl: string): RecordedCall[] {
  const path = new URL(responseUrl).pathname;
  return fake.callsTo('response').filter((c) => c.path === path);
}

async function waitForResponses(fake: FakeSlack, responseUrl: string, count: number): Promise<RecordedCall[]> {
  const path = new URL(responseUrl).pathname;
  const calls = await fake.waitFor('response', (cs) => cs.filter((c) => c.path === path).length >= count);
  return calls.filter((c) => c.path === path);
}

function buttonValue(call: RecordedCall | undefined, actionId: string): string {
  const blocks = (call?.body.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  const button = blocks
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === actionId);
  if (!button?.value) throw new Error(`no ${actionId} button in ${rendered(call)}`);
  return button.value;
}

describe.each(['http', 'socket'] as const)('Slack adapter, real Bolt in %s mode', (mode) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(mode);
    if (mode === 'socket') await h.fake.socketConnected();
  });

  afterAll(async () => {
    await h?.adapter.stop();
    await h?.http.stop();
    await h?.fake.close();
    await h?.chat.close();
  });

  it('starts: auth.test once, Socket Mode only when an app token is set, and reports ready', async () => {
    expect(h.fake.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
    const opens = h.fake.callsTo('apps.connections.open');
    if (mode === 'socket') expect(opens[0]?.authorization).toBe('Bearer xapp-1-A0001-test-token');
    else expect(opens).toHaveLength(0);
    expect(h.adapter.ready()).toBe(true);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('acknowledges /credits within 3 s and answers the balance through response_url, ephemeral, with Share', async () => {
    const { status, ms, responseUrl } = await h.driver.command('');
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
    const [answer] = await waitForResponses(h.fake, responseUrl, 1);
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(rendered(answer)).toContain(h.balance);
    expect(rendered(answer)).toContain('as of <!date^');
    expect(h.sim.calls['/credits']).toBeGreaterThanOrEqual(1);
    expect(buttonValue(answer, 'share')).toBeTruthy();
    expect(buttonValue(answer, 'refresh')).toBe('balance');
  });

  it('"Share in channel" posts the same answer in the channel, saying who shared it', async () => {
    const { responseUrl } = await h.driver.command('balance', { userId: 'U0042', channelId: 'C0SHARE' });
    const [answer] = await waitForResponses(h.fake, responseUrl, 1);
    const before = h.fake.callsTo('chat.postMessage').length;
    const actionUrl = h.fake.actionResponseUrl(h.fake.visibleFrom(responseUrl)[0]?.id);
    const { status } = await h.driver.action(
      blockActionPayload({
        actionId: 'share',
        value: buttonValue(answer, 'share'),
        responseUrl: actionUrl,
        userId: 'U0042',
        channelId: 'C0SHARE',
      }),
    );
    expect(status).toBe(200);
    const posts = await h.fake.waitFor('chat.postMessage', (cs) => cs.length > before);
    const post = posts.at(-1);
    expect(post?.body.channel).toBe('C0SHARE');
    expect(rendered(post)).toContain(h.balance);
    expect(rendered(post)).toContain('Shared by <@U0042>');
    expect(rendered(post)).not.toContain('"action_id":"share"');
    const cleanup = await waitForResponses(h.fake, actionUrl, 1);
    expect(cleanup[0]?.body.delete_original).toBe(true);
    expect(h.fake.visibleFrom(responseUrl)).toHaveLength(0);
  });

  it('Refresh re-runs the command and replaces the ephemeral answer', async () => {
    const { responseUrl } = await h.driver.command('balance');
    await waitForResponses(h.fake, responseUrl, 1);
    const actionUrl = h.fake.actionResponseUrl(h.fake.visibleFrom(responseUrl)[0]?.id);
    await h.driver.action(blockActionPayload({ actionId: 'refresh', value: 'balance', responseUrl: actionUrl }));
    const [answer] = await waitForResponses(h.fake, actionUrl, 1);
    expect(answer?.body.replace_original).toBe(true);
    const visible = h.fake.visibleFrom(responseUrl);
    expect(visible).toHaveLength(1);
    expect(JSON.stringify(visible[0])).toContain(h.balance);
  });

  it('a pending /credits lookup says the answer follows, then shows it; nothing stale claims it will update', async () => {
    // A slash command's response_url cannot replace its own message: the answer is a new message.
    const { responseUrl } = await h.driver.command(`request ${GEN_A}`);
    await h.fake.waitFor(
      'response',
      () => h.fake.visibleFrom(responseUrl).some((m) => JSON.stringify(m).includes('$0.001502')),
      8000,
    );
    const visible = h.fake.visibleFrom(responseUrl).map((m) => JSON.stringify([m.text, m.blocks]));
    expect(visible[0]).toContain('Pending');
    expect(visible[0]).toMatch(/follows/);
    expect(visible.at(-1)).toContain('$0.001502');
    for (const text of visible) expect(text).not.toMatch(/will update|update(s)? (itself|in place|when)/i);
  });

  it('answers a pasted id with a threaded reply, pending first, then chat.update in place', async () => {
    const event = messageEvent({ text: `why did ${GEN_A} cost so much?`, channel: 'C0PASTE' });
    const { status } = await h.driver.event(eventCallbackPayload(event));
    expect(status).toBe(200);
    const [post] = await h.fake
      .waitFor('chat.postMessage', (cs) => cs.some((c) => c.body.channel === 'C0PASTE'))
      .then((cs) => cs.filter((c) => c.body.channel === 'C0PASTE'));
    expect(post?.body.thread_ts).toBe(event.ts);
    expect(rendered(post)).toContain('Pending');
    const updates = await h.fake.waitFor('chat.update', (cs) => cs.some((c) => c.body.channel === 'C0PASTE'));
    const update = updates.find((c) => c.body.channel === 'C0PASTE');
    const posted = h.fake.messages.find((m) => m.channel === 'C0PASTE');
    expect(update?.body.ts).toBe(posted?.ts);
    expect(rendered(update)).toContain('$0.001502');
  });

  it('handles a retried event (same event_id) once, and a mention delivered as message + app_mention once', async () => {
    const event = messageEvent({ text: `look: ${GEN_A}`, channel: 'C0RETRY' });
    const body = eventCallbackPayload(event);
    await h.driver.event(body);
    await h.driver.event(body, { retryNum: 1 });
    await h.driver.event(body, { retryNum: 2 });
    const mention = { ...messageEvent({ text: `<@${BOT_USER_ID}> ${genId(1)}`, channel: 'C0RETRY' }) };
    await h.driver.event(eventCallbackPayload(mention));
    await h.driver.event(eventCallbackPayload({ ...mention, type: 'app_mention' }));
    await h.fake.waitFor('chat.postMessage', (cs) => cs.filter((c) => c.body.channel === 'C0RETRY').length >= 2);
    await settle(h);
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0RETRY');
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.body.thread_ts).sort()).toEqual([event.ts, mention.ts].sort());
  });

  it('leaves ordinary channel chatter alone, without touching the dedupe store', async () => {
    const event = messageEvent({ text: 'lunch at noon? <!here>', channel: 'C0CHAT' });
    await h.driver.event(eventCallbackPayload(event, 'EvCHAT1'));
    await settle(h);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0CHAT')).toHaveLength(0);
    expect(h.claims).not.toContain('event:EvCHAT1');
  });

  it('ignores its own messages and other bot posts, and at most 3 ids are looked up per message', async () => {
    await h.driver.event(eventCallbackPayload(messageEvent({ text: GEN_A, channel: 'C0SELF', user: BOT_USER_ID })));
    await h.driver.event(eventCallbackPayload(messageEvent({ text: GEN_A, channel: 'C0SELF', botId: BOT_ID })));
    const many = [1, 2, 3, 4, 5].map(genId).join(' ');
    await h.driver.event(eventCallbackPayload(messageEvent({ text: many, channel: 'C0MANY' })));
    await h.fake.waitFor('chat.postMessage', (cs) => cs.filter((c) => c.body.channel === 'C0MANY').length >= 3);
    await settle(h);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0SELF')).toHaveLength(0);
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0MANY');
    expect(posts).toHaveLength(3);
    // paced: new messages in one channel are at least the interval apart
    for (let i = 1; i < posts.length; i += 1) {
      expect((posts[i]?.at ?? 0) - (posts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(INTERVAL_MS - 20);
    }
  });

  it('keeps mentions in echoed text inert (slash command and @mention)', async () => {
    const { responseUrl } = await h.driver.command('<!channel> <@U0BOSS> hello');
    const [answer] = await waitForResponses(h.fake, responseUrl, 1);
    const text = rendered(answer);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0BOSS>/);

    await h.driver.event(
      eventCallbackPayload({
        ...messageEvent({ text: `<@${BOT_USER_ID}> <!here> & <!everyone>`, channel: 'C0MENTION' }),
        type: 'app_mention',
      }),
    );
    const posts = await h.fake.waitFor('chat.postMessage', (cs) => cs.some((c) => c.body.channel === 'C0MENTION'));
    const post = posts.find((c) => c.body.channel === 'C0MENTION');
    expect(rendered(post)).toContain('&lt;!here&gt;');
    expect(rendered(post)).not.toMatch(/<!here>|<!everyone>|<!channel>/);
  });

  it('retries chat.postMessage after Retry-After when Slack answers 429', async () => {
    h.fake.rateLimit('chat.postMessage', 1);
    await h.driver.event(eventCallbackPayload(messageEvent({ text: genId(9), channel: 'C0LIMIT' })));
    await h.fake.waitFor('chat.postMessage', (cs) => cs.some((c) => c.body.channel === 'C0LIMIT'));
    const attempts = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0LIMIT');
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('retries chat.postMessage after a short backoff when Slack answers 5xx', async () => {
    h.fake.fail('chat.postMessage', 503, 1);
    await h.driver.event(eventCallbackPayload(messageEvent({ text: genId(10), channel: 'C0FLAKY' })));
    await h.fake.waitFor('chat.postMessage', (cs) => cs.some((c) => c.body.channel === 'C0FLAKY' && c.status === 200));
    const attempts = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0FLAKY');
    expect(attempts.map((a) => a.status)).toEqual([503, 200]);
  });

  it('refuses setting changes to non-admins; BOT_ADMINS and workspace owners may', async () => {
    const member = await h.driver.command('alert below 5', { userId: 'U0MEMBER' });
    const [refusal] = await waitForResponses(h.fake, member.responseUrl, 1);
    expect(rendered(refusal)).toContain('Only admins');
    expect(h.fake.callsTo('users.info').some((c) => c.body.user === 'U0MEMBER')).toBe(true);

    const listed = await h.driver.command('alert below 5', { userId: 'UADMIN1' });
    expect(rendered((await waitForResponses(h.fake, listed.responseUrl, 1))[0])).toContain('Alert set');
    const owner = await h.driver.command('alert below 5', { userId: 'UOWNER1' });
    expect(rendered((await waitForResponses(h.fake, owner.responseUrl, 1))[0])).toContain('Alert set');
    const reading = await h.driver.command('alert list', { userId: 'U0MEMBER' });
    expect(rendered((await waitForResponses(h.fake, reading.responseUrl, 1))[0])).toContain(
      `balance below ${formatUsd(5)}`,
    );
  });

  it('posts scheduled messages (digests, alerts) once per dedupe key', async () => {
    const first = await h.adapter.post(
      { channelId: 'C0DIGEST' },
      reply({ title: 'Weekly digest', visibility: 'public' }),
      {
        dedupeKey: 'digest:1:2026-W48',
      },
    );
    const again = await h.adapter.post(
      { channelId: 'C0DIGEST' },
      reply({ title: 'Weekly digest', visibility: 'public' }),
      {
        dedupeKey: 'digest:1:2026-W48',
      },
    );
    expect(first.deduplicated).toBe(false);
    expect(again).toEqual({ messageId: first.messageId, deduplicated: true });
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0DIGEST')).toHaveLength(1);
  });
  it('joins a public channel it never joined when the history check answers not_in_channel, then finds its post', async () => {
    h.fake.setChannel('C0NEVER', { member: false });
    const digest = reply({ title: 'Weekly digest', visibility: 'public' });
    const first = await h.adapter.post({ channelId: 'C0NEVER' }, digest, { dedupeKey: 'digest:9:2026-W48' });
    expect(
      h.fake.calls.filter((c) => c.method === 'conversations.history' && c.body.channel === 'C0NEVER'),
    ).toHaveLength(2);
    expect(h.fake.callsTo('conversations.join').map((c) => c.body.channel)).toContain('C0NEVER');
    const again = await h.adapter.post({ channelId: 'C0NEVER' }, digest, {
      dedupeKey: 'digest:9:2026-W48',
      mayHavePosted: true,
    });
    expect(again).toEqual({ messageId: first.messageId, deduplicated: true });
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0NEVER')).toHaveLength(1);
  });

  it('no message sent to Slack in this suite carries a configured secret (credentials aside)', () => {
    // The Web API client may send its own token as a `token` form field: that is the credential, not content.
    const bodies = JSON.stringify(
      h.fake.calls.map((c) => {
        const { token: _credential, ...rest } = (c.body ?? {}) as Record<string, unknown>;
        return rest;
      }),
    );
    expect(bodies.length).toBeGreaterThan(1000);
    for (const secret of ['xoxb-1111-2222-test-token', 'xapp-1-A0001-test-token', SIGNING_SECRET]) {
      expect(bodies).not.toContain(secret);
    }
  });
});

describe('Slack HTTP mode: signature checks on the shared server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('http');
  });
  afterAll(async () => {
    await h?.adapter.stop();
    await h?.http.stop();
    await h?.fake.close();
    await h?.chat.close();
  });

  const post = (raw: string, headers: Record<string, string>) =>
    fetch(`${h.url}/slack/events`, {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });

  it('answers 401 to a bad signature and to a stale timestamp, and runs nothing', async () => {
    const responseUrl = h.fake.responseUrl();
    const raw = new URLSearchParams(slashCommandPayload({ text: 'balance', responseUrl })).toString();
    const bad = await post(raw, signSlackRequest('not-the-secret', raw));
    expect(bad.status).toBe(401);
    const stale = await post(raw, signSlackRequest(SIGNING_SECRET, raw, Math.floor(Date.now() / 1000) - 301));
    expect(stale.status).toBe(401);
    const unsigned = await post(raw, {});
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(responseTo(h.fake, responseUrl)).toHaveLength(0);
  });

  it('answers a signed url_verification challenge', async () => {
    const raw = JSON.stringify({ token: 'x', challenge: 'chal-123', type: 'url_verification' });
    const res = await fetch(`${h.url}/slack/events`, {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', ...signSlackRequest(SIGNING_SECRET, raw) },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'chal-123' });
  });

  it('serves /healthz, /readyz and /metrics on the same port as /slack/events', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${h.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('credits_bot_slack_events_total');
  });
});

describe('Slack adapter configuration and start-up failures', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token', PORT: '0', HOST: '127.0.0.1' };
  const deps = () => {
    const log = createLogger({ level: 'silent', destination: { write: () => {} } });
    const metrics = createMetrics({ defaults: false });
    const http = createHttpServer({ host: '127.0.0.1', port: 0, log });
    const bot = {
      commands: [],
      runText: async () => ({}),
      runCommand: async () => ({}),
      lookupPastedIds: async () => [],
    };
    return { log, metrics, http, bot: bot as unknown as Parameters<typeof createSlackAdapter>[1]['bot'] };
  };

  it('refuses HTTP mode without a signing secret, naming the variable', () => {
    expect(() => createSlackAdapter(loadConfig(base), deps())).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('does not report ready when Slack cannot be reached, and start() says why', async () => {
    const fake = await startFakeSlack();
    const apiUrl = fake.apiUrl;
    await fake.close(); // nothing listens there any more
    const adapter = createSlackAdapter(
      loadConfig({ ...base, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }),
      { ...deps(), tuning: { webApiRetries: 0 } },
    );
    await expect(adapter.start()).rejects.toThrow();
    expect(adapter.ready()).toBe(false);
    await adapter.stop();
  });
});
