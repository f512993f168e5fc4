/**
 * Start-up (issue 14 item 5): `/healthz` answers as soon as the port is open, so Slack and Discord
 * may deliver while the store is still connecting (a fresh embedded store takes seconds) and Bolt is
 * still starting. Such a command waits for them, within Slack's 3-second ack budget, instead of a
 * 503 "slack adapter not ready" or "cannot reach its database".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/main.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { migratedDataDir } from '../support/db.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { createSlackDriver, type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function startAll(): Promise<{ service: RunningService; slack: FakeSlack; discord: FakeDiscord }> {
  const or: TestOpenRouter = await startTestOpenRouter({ now: new Date() });
  const slack = await startFakeSlack();
  const discord = await startFakeDiscord();
  const dataDir = mkdtempSync(join(tmpdir(), 'credits-startup-'));
  await migratedDataDir(dataDir);
  cleanup.push(
    async () => rmSync(dataDir, { recursive: true, force: true }),
    () => or.close(),
    () => slack.close(),
    () => discord.close(),
  );
  // Bolt's start-up call answers slowly, as on a slow network: requests arrive before Bolt is ready.
  slack.slow('auth.test', 1_000);
  const config = loadConfig({
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: 'fake.discord.token-abcd',
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: discord.guildId,
    COMMAND_RATE_LIMIT: '1000',
    DATA_DIR: dataDir,
  });
  // A restart: the embedded store exists and takes a second or more to open (shared/facts.md), so
  // it is still connecting when the first requests arrive.
  const service = await startService(config, {
    log: createLogger({ level: process.env.DEBUG_LOG ? 'debug' : 'silent' }),
  });
  cleanup.push(() => service.stop());
  return { service, slack, discord };
}

describe('a command in the first second of start-up', () => {
  it('is answered on Slack (acked within 3 s) and on Discord, once the store is there', async () => {
    const { service, slack, discord } = await startAll();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.core.store.available()).toBe(false);

    const driver = createSlackDriver(slack, {
      mode: 'http',
      eventsUrl: `${service.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });
    const sent = await driver.command('digest list');
    expect(sent.status).toBe(200);
    expect(sent.ms).toBeLessThan(3_000);
    const path = new URL(sent.responseUrl).pathname;
    const [answer] = await slack.waitFor('response', (cs) => cs.some((c) => c.path === path), 40_000);
    const text = JSON.stringify(answer?.body);
    expect(text).not.toMatch(/database|not ready/i);
    expect(text).toMatch(/digest/i);

    // Discord: the interaction arrives as soon as the gateway is up, possibly before the store.
    const deadline = Date.now() + 10_000;
    while (!discord.connected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const token = discord.slashCommand('digest', { action: 'list' });
    const edit = await discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
      40_000,
    );
    const shown = JSON.stringify(edit.body);
    expect(shown).not.toMatch(/database|went wrong/i);
    expect(shown).toMatch(/digest/i);
  }, 120_000);
});
