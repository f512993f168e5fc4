/**
 * End to end with the real commands and a real store: `usage … csv` / `usage … chart` arrive as file
 * uploads through the real Bolt (files.getUploadURLExternal → upload → completeUploadExternal) and
 * the real discord.js (a multipart attachment), and the Slack App Home: `app_home_opened` → one
 * `views.publish` of a home view with the balance; its Refresh button publishes it again.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import type { Services } from '../../src/core/services.js';
import { formatUsd } from '../../src/domain/money.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { describeEachBackend } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import {
  blockActionPayload,
  eventCallbackPayload,
  type FakeSlack,
  type SlackDriver,
  startFakeSlack,
} from '../support/fake-slack.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';
import { type SlackHttp, startSlackHttp } from '../support/slack-http.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
type Json = Record<string, unknown>;

let or: TestOpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter();
});
afterAll(async () => {
  await or?.close();
});

/** The CSV's rows (without the `total` row) add up to its total row. */
function checkCsv(text: string): { rows: Record<string, string>[]; total: number } {
  const records = parse(text, { columns: true }) as Record<string, string>[];
  const totalRow = records.at(-1);
  expect(totalRow?.model).toBe('total');
  const rows = records.slice(0, -1);
  expect(rows.length).toBeGreaterThan(1);
  const total = Number(totalRow?.spend_usd);
  expect(rows.reduce((s, r) => s + Number(r.spend_usd), 0)).toBeCloseTo(total, 5);
  expect(total).toBeGreaterThan(0);
  return { rows, total };
}

describeEachBackend('usage files and the App Home', (s) => {
  let fake: FakeSlack;
  let driver: SlackDriver;
  let slack: SlackHttp;
  let discordFake: FakeDiscord;
  let discord: DiscordAdapter;

  beforeAll(async () => {
    fake = await startFakeSlack();
    discordFake = await startFakeDiscord({ refuseMessageContent: false });
    const config = loadConfig({
      OPENROUTER_BASE_URL: or.sim.url,
      OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DISCORD_TOKEN: 'fake.discord.token-abcd',
      DISCORD_API_URL: discordFake.apiUrl,
      DISCORD_GUILD_ID: discordFake.guildId,
      PORT: '0',
      HOST: '127.0.0.1',
      BOT_ADMINS: 'slack:UADMIN1',
      COMMAND_RATE_LIMIT: '1000',
      LOG_LEVEL: 'warn',
    });
    const log = createLogger({ level: 'silent' });
    const metrics = createMetrics({ defaults: false });
    const services: Services = {
      config,
      openrouter: or.client,
      store: { available: () => true, get: () => s.t.handle },
      log,
      metrics,
      now: () => TEST_NOW,
    };
    // Fill the store first, so the first command does not sync inside the test's time.
    await syncOnce({ db: s.db, openrouter: or.client, now: () => TEST_NOW, logger: log });
    const bot = createBot(services, commands, buttons);
    slack = await startSlackHttp(config, fake, { bot, log, metrics, now: () => TEST_NOW });
    driver = slack.driver;
    discord = createDiscordAdapter(config, { bot, log, metrics, now: () => TEST_NOW });
    await discord.start();
  });

  afterAll(async () => {
    await slack?.stop();
    await discord?.stop();
    await fake?.close();
    await discordFake?.close();
  });

  it('Slack: `usage 7d by model csv` is uploaded to the channel as a .csv whose rows sum to the total', async () => {
    const before = fake.callsTo('files.completeUploadExternal').length;
    await driver.command('usage 7d by model csv', { channelId: 'C0REPORTS' });
    const complete = await fake.waitFor('files.completeUploadExternal', (c) => c.length > before, 120_000);
    expect(complete.at(-1)?.body.channel_id).toBe('C0REPORTS');
    const getUrl = fake.callsTo('files.getUploadURLExternal').at(-1);
    expect(String(getUrl?.body.filename)).toMatch(/^usage-7d-by-model-\d{4}-\d{2}-\d{2}\.csv$/);
    checkCsv(String(fake.callsTo('upload').at(-1)?.body.content));
  });

  it('Slack: `usage 30d chart` uploads a PNG chart', async () => {
    const before = fake.callsTo('files.completeUploadExternal').length;
    await driver.command('usage 30d chart', { channelId: 'C0REPORTS' });
    await fake.waitFor('files.completeUploadExternal', (c) => c.length > before, 120_000);
    const getUrl = fake.callsTo('files.getUploadURLExternal').at(-1);
    expect(String(getUrl?.body.filename)).toMatch(/^usage-30d-by-model-.*\.png$/);
    expect(Number(getUrl?.body.length)).toBeGreaterThan(5_000);
    expect(String(getUrl?.body.alt_text)).toMatch(/^Stacked bar chart of daily OpenRouter spend/);
  });

  it('Slack: a channel the bot is not in gets a one-line reason instead of the file', async () => {
    const { responseUrl } = await driver.command('usage 7d by model csv', { channelId: 'CNOTIN01' });
    const path = new URL(responseUrl).pathname;
    const responses = await fake.waitFor(
      'response',
      (c) => c.filter((r) => r.path === path && String(r.body.text).includes('invite me')).length > 0,
      120_000,
    );
    expect(responses.some((r) => r.path === path && String(r.body.text).includes('usage-7d-by-model'))).toBe(true);
  });

  it('Discord: `/credits usage` with format csv answers with the .csv attached', async () => {
    const token = discordFake.slashCommand('usage', { period: '7d', by: 'model', format: 'csv' });
    const edit = await discordFake.waitForRequest(
      (r) =>
        r.path.includes(`/${token}`) &&
        r.method === 'PATCH' &&
        ((r.body as Json | undefined)?._files as unknown[] | undefined)?.length === 1,
      120_000,
    );
    const uploads = (edit.body as { _uploads: { name: string; text?: string }[] })._uploads;
    expect(uploads[0]?.name).toMatch(/^usage-7d-by-model-.*\.csv$/);
    checkCsv(String(uploads[0]?.text));
  });

  it('App Home: app_home_opened leads to exactly one views.publish of a home view with the balance', async () => {
    const before = fake.callsTo('views.publish').length;
    await driver.event(
      eventCallbackPayload({ type: 'app_home_opened', user: 'U0001', channel: 'D0001', tab: 'home', event_ts: '1.2' }),
    );
    const calls = await fake.waitFor('views.publish', (c) => c.length > before, 120_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('views.publish')).toHaveLength(before + 1);
    const call = calls.at(-1);
    expect(call?.status).toBe(200);
    expect(call?.body.user_id).toBe('U0001');
    const view = call?.body.view as { type: string; blocks: Json[] };
    expect(view.type).toBe('home');
    const { account } = or.sim.state;
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(formatUsd(account.totalCredits - account.totalUsage));
    expect(text).toContain('Weekly digests');
    expect(text).toContain('Alerts');
    expect(text).not.toContain('Sync now'); // not an admin

    // The Messages tab publishes nothing.
    await driver.event(
      eventCallbackPayload({ type: 'app_home_opened', user: 'U0001', channel: 'D0001', tab: 'messages' }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('views.publish')).toHaveLength(before + 1);
  });

  it('App Home: an admin sees Sync now; Refresh on the home view publishes it again', async () => {
    const before = fake.callsTo('views.publish').length;
    await driver.event(
      eventCallbackPayload({ type: 'app_home_opened', user: 'UADMIN1', channel: 'D0002', tab: 'home' }),
    );
    const calls = await fake.waitFor('views.publish', (c) => c.length > before, 120_000);
    expect(JSON.stringify(calls.at(-1)?.body.view)).toContain('Sync now');
    // A press on a home view: no channel and no response_url; the view is in the payload.
    const {
      channel: _c,
      response_url: _r,
      ...press
    } = blockActionPayload({
      actionId: 'refresh',
      value: 'home',
      userId: 'UADMIN1',
      responseUrl: '',
    });
    await driver.action({ ...press, container: { type: 'view', view_id: 'V1' }, view: { id: 'V1', type: 'home' } });
    await fake.waitFor('views.publish', (c) => c.length > before + 1, 120_000);
    expect(fake.callsTo('views.publish').at(-1)?.body.user_id).toBe('UADMIN1');
  });
});
