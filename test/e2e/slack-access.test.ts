/**
 * Slack access (issue 14 item 1) with the real Bolt app in HTTP mode against the loopback fake:
 * `SLACK_ALLOWED_TEAMS` is also checked against the person's own team, since a Slack Connect shared
 * channel in an allowed workspace brings people of other organisations; guests are refused unless
 * `SLACK_ALLOW_GUESTS=true`. A refusal is one line and never carries a figure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { createBot } from '../../src/commands/dispatch.js';
import { commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import { SHARE } from '../../src/core/buttons.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { DEMO_GENERATION_IDS } from '../../src/openrouter/simulator/seed.js';
import {
  blockActionPayload,
  createSlackDriver,
  eventCallbackPayload,
  type FakeSlack,
  messageEvent,
  type SlackDriver,
  startFakeSlack,
  TEAM_ID,
} from '../support/fake-slack.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';
import { testServices } from '../support/services.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const MONEY = /\$\d/;
const EXTERNAL = 'UEXT0001';
const GUEST = 'UGUEST01';

interface Harness {
  fake: FakeSlack;
  driver: SlackDriver;
  adapter: SlackAdapter;
  http: HttpServer;
  or: TestOpenRouter;
}
const running: Harness[] = [];

afterEach(async () => {
  for (const h of running.splice(0)) {
    await h.adapter.stop();
    await h.http.stop();
    await h.fake.close();
    await h.or.close();
  }
});

async function start(env: Record<string, string>): Promise<Harness> {
  const fake = await startFakeSlack();
  // Someone of another organisation in a Slack Connect channel, and a guest of our own workspace.
  fake.setUser(EXTERNAL, { team_id: 'T0EXTERN' });
  fake.setUser(GUEST, { is_restricted: true });
  const or = await startTestOpenRouter();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    COMMAND_RATE_LIMIT: '1000',
    ...env,
  });
  const log = createLogger({ level: 'silent' });
  const services = testServices({ config, openrouter: or.client, log, now: () => TEST_NOW });
  const { metrics } = services;
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log });
  const adapter = createSlackAdapter(config, {
    bot: createBot(services, commands),
    log,
    metrics,
    http,
    tuning: { webApiRetries: 0, perChannelIntervalMs: 1 },
  });
  const { url } = await http.start();
  await adapter.start();
  const driver = createSlackDriver(fake, {
    mode: 'http',
    eventsUrl: `${url}/slack/events`,
    signingSecret: SIGNING_SECRET,
  });
  const h = { fake, driver, adapter, http, or };
  running.push(h);
  return h;
}

/** The answer Slack got on a command's response_url, as text (Markdown escapes removed). */
async function answerTo(h: Harness, text: string, userId: string): Promise<string> {
  const sent = await h.driver.command(text, { userId });
  expect(sent.status).toBe(200);
  const path = new URL(sent.responseUrl).pathname;
  const calls = await h.fake.waitFor('response', (cs) => cs.some((c) => c.path === path));
  return JSON.stringify(calls.filter((c) => c.path === path).map((c) => c.body)).replaceAll('\\', '');
}

describe('Slack: SLACK_ALLOWED_TEAMS and the person’s own team', () => {
  it('refuses someone of another organisation in an allowed workspace’s shared channel', async () => {
    const h = await start({ SLACK_ALLOWED_TEAMS: TEAM_ID });
    const refused = await answerTo(h, 'balance', EXTERNAL);
    expect(refused).toContain('SLACK_ALLOWED_TEAMS');
    expect(refused).not.toMatch(MONEY);
    expect(await answerTo(h, 'balance', 'U0001')).toMatch(MONEY);

    // A pasted id from them gets no reply at all, while one from a member is answered.
    await h.driver.event(
      eventCallbackPayload(messageEvent({ text: `cost of ${DEMO_GENERATION_IDS.simple}?`, user: EXTERNAL })),
    );
    await h.driver.event(
      eventCallbackPayload(messageEvent({ text: `cost of ${DEMO_GENERATION_IDS.simple}?`, user: 'U0001' })),
    );
    await h.fake.waitFor('chat.postMessage');
    await new Promise((r) => setTimeout(r, 300));
    await h.adapter.idle();
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('asks users.info once per person, not once per command', async () => {
    const h = await start({ SLACK_ALLOWED_TEAMS: TEAM_ID });
    await answerTo(h, 'help', 'U0001');
    await answerTo(h, 'help', 'U0001');
    expect(h.fake.callsTo('users.info').filter((c) => c.body.user === 'U0001')).toHaveLength(1);
  });
});

describe('Slack guests', () => {
  it('are refused by default, with the setting that allows them', async () => {
    const h = await start({});
    const refused = await answerTo(h, 'balance', GUEST);
    expect(refused).toContain('SLACK_ALLOW_GUESTS=true');
    expect(refused).not.toMatch(MONEY);
  });

  it('cannot share a kept answer in the channel either', async () => {
    const h = await start({});
    const answered = await h.driver.command('balance', { userId: 'U0001' });
    const answerPath = new URL(answered.responseUrl).pathname;
    const kept = (await h.fake.waitFor('response', (cs) => cs.some((c) => c.path === answerPath))).find(
      (c) => c.path === answerPath,
    );
    const blocks = (kept?.body.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
    const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === SHARE.action)?.value;
    expect(value).toBeDefined();

    // The guest presses Share on that answer (its button value names the kept answer).
    const responseUrl = h.fake.responseUrl();
    const pressed = await h.driver.action(
      blockActionPayload({ actionId: SHARE.action, value: String(value), responseUrl, userId: GUEST }),
    );
    expect(pressed.status).toBe(200);
    const path = new URL(responseUrl).pathname;
    const refusal = (await h.fake.waitFor('response', (cs) => cs.some((c) => c.path === path))).find(
      (c) => c.path === path,
    );
    expect(JSON.stringify(refusal?.body)).toContain('SLACK_ALLOW_GUESTS=true');
    await h.adapter.idle();
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('may run commands with SLACK_ALLOW_GUESTS=true', async () => {
    const h = await start({ SLACK_ALLOW_GUESTS: 'true' });
    expect(await answerTo(h, 'balance', GUEST)).toMatch(MONEY);
  });
});
