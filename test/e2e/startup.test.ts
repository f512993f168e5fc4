/**
 * Start-up (issue 14 item 5): `/healthz` answers as soon as the port is open, so Slack and Discord
 * may deliver while the store is still connecting (a fresh embedded store takes seconds) and Bolt is
 * still starting. Such a command is acknowledged at once (Slack's 3-second ack budget) and waits for
 * them, instead of a 503 "slack adapter not ready" or "cannot reach its database". The test holds
 * the store's opening and Bolt's `auth.test` until it releases them, so nothing depends on how fast
 * this machine happens to be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDb } from '../../src/db/managed-store.js';
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

/** A promise the test settles when it chooses. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

interface Started {
  service: RunningService;
  slack: FakeSlack;
  discord: FakeDiscord;
  /** Lets the embedded store open. */
  store: ReturnType<typeof gate>;
  /** Lets Bolt's start-up call (`auth.test`) answer. */
  bolt: ReturnType<typeof gate>;
  /** Resolves once `n` commands are waiting for the store. */
  storeWaiters(n: number): Promise<void>;
}

async function startAll(): Promise<Started> {
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
  // Bolt's start-up call answers only when the test says, as on a slow network: requests arrive before Bolt is ready.
  const bolt = gate();
  slack.slow('auth.test', bolt.opened);
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
  // A restart: the embedded store exists and takes a second or more to open (shared/facts.md); here
  // it opens (the real DATA_DIR) only once the test lets it, so it is still connecting when the first requests arrive.
  const store = gate();
  const log = createLogger({ level: process.env.DEBUG_LOG ? 'debug' : 'silent' });
  const service = await startService(config, {
    log,
    store: {
      open: async () => {
        await store.opened;
        return openDb(config, log);
      },
    },
  });
  cleanup.push(
    () => service.stop(),
    // Never leave the service's start-up waiting on a gate when a test fails early.
    async () => {
      store.open();
      bolt.open();
    },
  );
  // Counts the commands that wait for the store (dispatch calls `whenStarted` while it is connecting).
  const managed = service.core.store;
  const whenStarted = managed.whenStarted.bind(managed);
  let waiting = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  managed.whenStarted = (ms) => {
    waiting += 1;
    for (const w of waiters.filter((x) => x.n <= waiting)) w.resolve();
    return whenStarted(ms);
  };
  const storeWaiters = (n: number) =>
    n <= waiting ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  return { service, slack, discord, store, bolt, storeWaiters };
}

describe('a command in the first second of start-up', () => {
  it('is acknowledged on Slack before Bolt and the store are ready, and answered on Slack and Discord once the store is there', async () => {
    const { service, slack, discord, store, bolt, storeWaiters } = await startAll();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.core.store.available()).toBe(false);
    expect(service.adapters.get('slack')?.ready()).toBe(false);

    const driver = createSlackDriver(slack, {
      mode: 'http',
      eventsUrl: `${service.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });
    // Acknowledged while Bolt's start-up call and the store are both still held: the ack waits for
    // neither, so it is within Slack's 3 s however long they take.
    const sent = await driver.command('digest list');
    expect(sent.status).toBe(200);
    expect(service.core.store.available()).toBe(false);
    expect(service.adapters.get('slack')?.ready()).toBe(false);

    // Bolt finishes starting; the command reaches the bot and waits for the store.
    bolt.open();
    await storeWaiters(1);

    // Discord: the interaction arrives as soon as the gateway is up, here before the store.
    while (!discord.connected()) await new Promise((r) => setTimeout(r, 10));
    const token = discord.slashCommand('digest', { action: 'list' });
    await storeWaiters(2);
    expect(service.core.store.available()).toBe(false);

    store.open();
    const path = new URL(sent.responseUrl).pathname;
    const [answer] = await slack.waitFor('response', (cs) => cs.some((c) => c.path === path), 40_000);
    const text = JSON.stringify(answer?.body);
    expect(text).not.toMatch(/database|not ready/i);
    expect(text).toMatch(/digest/i);

    const edit = await discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
      40_000,
    );
    const shown = JSON.stringify(edit.body);
    expect(shown).not.toMatch(/database|went wrong/i);
    expect(shown).toMatch(/digest/i);
  }, 120_000);
});

describe('stopping during start-up', () => {
  it('leaves no uncaught error when the Discord gateway handshake was still in progress', async () => {
    // @discordjs/ws drops the socket's error handler when a shard is destroyed mid-handshake; the
    // handshake failing afterwards (here: the fake refuses it on close) used to crash the process.
    const discord = await startFakeDiscord({ holdHandshakes: true });
    cleanup.push(() => discord.close());
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DISCORD_TOKEN: 'fake.discord.token-abcd',
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_GUILD_ID: discord.guildId,
    });
    const service = await startService(config, {
      log: createLogger({ level: process.env.DEBUG_LOG ? 'debug' : 'silent' }),
      memoryStore: true,
    });
    await discord.handshakeArrived();
    await service.stop();
    // close() refuses the held handshake; without the fix the socket's 'error' had no listener.
    await discord.close();
    await new Promise((r) => setImmediate(r));
    expect(discord.connected()).toBe(false);
  });
});
