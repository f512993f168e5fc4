/**
 * Closed by default on Discord (issue 14 item 1), with the real discord.js Client against the
 * loopback fake: the bot is in its own server and in a stranger's (someone invited it while
 * "Public Bot" was on). No figure is ever shown in a server that is not allowed: slash commands,
 * pasted ids, buttons and autocomplete; with neither DISCORD_ALLOWED_GUILDS nor DISCORD_GUILD_ID set
 * it answers in no server, only DMs from BOT_ADMINS, and warns once at start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { REFRESH_PREFIX, SHARE_ID } from '../../src/adapters/discord/render.js';
import { createBot } from '../../src/commands/dispatch.js';
import { commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DEMO_GENERATION_IDS } from '../../src/openrouter/simulator/seed.js';
import { type FakeDiscord, type RecordedRequest, snowflake, startFakeDiscord } from '../support/fake-discord.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';
import { testServices } from '../support/services.js';

const GEN_ID = DEMO_GENERATION_IDS.simple;
const MONEY = /\$\d/;
type Json = Record<string, unknown>;

let openrouter: TestOpenRouter;
const running: { fake: FakeDiscord; adapter: DiscordAdapter }[] = [];

beforeAll(async () => {
  openrouter = await startTestOpenRouter();
});
afterAll(async () => {
  await openrouter.close();
});
afterEach(async () => {
  for (const { fake, adapter } of running.splice(0)) {
    await adapter.stop();
    await fake.close();
  }
});

async function startBot(env: (fake: FakeDiscord) => Record<string, string>) {
  const fake = await startFakeDiscord();
  const config = loadConfig({
    DISCORD_TOKEN: 'fake.discord.token-abcd',
    DISCORD_API_URL: fake.apiUrl,
    COMMAND_RATE_LIMIT: '1000',
    ...env(fake),
  });
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const services = testServices({ config, openrouter: openrouter.client, log, now: () => TEST_NOW });
  const { metrics } = services;
  const bot = createBot(services, commands);
  const adapter = createDiscordAdapter(config, {
    bot,
    log,
    metrics,
    autocomplete: async () => ['openai/gpt-4.1-mini'],
  });
  running.push({ fake, adapter });
  await adapter.start();
  return { fake, adapter, logs };
}

/** The embed of the first edit of the deferred answer, without Markdown escapes (`DISCORD\\_…`). */
async function edited(fake: FakeDiscord, token: string): Promise<Json> {
  const edit = await fake.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
  );
  const embed = (edit.body as { embeds: Json[] }).embeds[0] ?? {};
  return { ...embed, description: String(embed.description).replaceAll('\\', '') };
}

/** Everything the bot sent for one interaction token. */
const sentFor = (fake: FakeDiscord, token: string) =>
  JSON.stringify(fake.forToken(token).map((r) => r.body)).replaceAll('\\', '');

const postsIn = (fake: FakeDiscord, channelId: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/channels/${channelId}/messages`));

describe('Discord: a server that is not allowed gets no figure', () => {
  it('refuses slash commands there with one line naming DISCORD_ALLOWED_GUILDS, and answers at home', async () => {
    const { fake } = await startBot((f) => ({ DISCORD_GUILD_ID: f.guildId }));
    const home = fake.slashCommand('balance');
    expect(String((await edited(fake, home)).description)).toMatch(MONEY);

    const stranger = fake.slashCommand('balance', {}, { where: 'other', admin: true });
    const refusal = await edited(fake, stranger);
    expect(refusal.title).toBe('Sorry');
    expect(String(refusal.description)).toContain('DISCORD_ALLOWED_GUILDS');
    expect(String(refusal.description)).toContain(fake.otherGuildId);
    expect(sentFor(fake, stranger)).not.toMatch(MONEY);
  });

  it('stays silent on a pasted id there, while a pasted id at home is answered', async () => {
    const { fake } = await startBot((f) => ({ DISCORD_GUILD_ID: f.guildId }));
    fake.messageCreate(`what did ${GEN_ID} cost?`, { where: 'other' });
    const home = fake.messageCreate(`what did ${GEN_ID} cost?`);
    const answer = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect((answer.body as { message_reference: { message_id: string } }).message_reference.message_id).toBe(home.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postsIn(fake, fake.otherChannelId)).toHaveLength(0);
    expect(postsIn(fake, fake.channelId)).toHaveLength(1);
  });

  it('answers autocomplete there with nothing, and refuses Share and Refresh', async () => {
    const { fake } = await startBot((f) => ({ DISCORD_GUILD_ID: f.guildId }));
    const complete = fake.autocomplete('estimate', 'model', 'mini', {}, 'other');
    const suggestions = await fake.waitForRequest((r) => r.path.includes(`/${complete}/callback`));
    expect(suggestions.body).toEqual({ type: 8, data: { choices: [] } });
    const atHome = fake.autocomplete('estimate', 'model', 'mini');
    const homeSuggestions = await fake.waitForRequest((r) => r.path.includes(`/${atHome}/callback`));
    expect((homeSuggestions.body as { data: { choices: unknown[] } }).data.choices).toHaveLength(1);

    // A message with figures (e.g. copied there by a stranger) must not be re-shared or refreshed there.
    const message = fake.messagePayload('', { where: 'other' });
    const withFigures = { ...message, flags: 64, embeds: [{ title: 'Balance', description: 'Balance: $74.50' }] };
    const share = fake.pressButton(SHARE_ID, withFigures, { where: 'other' });
    const shared = await fake.waitForRequest((r) => r.path.includes(`/${share}/callback`));
    expect(shared.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(sentFor(fake, share)).toContain('DISCORD_ALLOWED_GUILDS');
    expect(JSON.stringify(shared.body)).not.toMatch(MONEY);

    const refresh = fake.pressButton(`${REFRESH_PREFIX}balance`, withFigures, { where: 'other' });
    expect(String((await edited(fake, refresh)).description)).toContain('DISCORD_ALLOWED_GUILDS');
    expect(sentFor(fake, refresh)).not.toMatch(MONEY);
  });

  it('DISCORD_ALLOWED_GUILDS wins over DISCORD_GUILD_ID', async () => {
    const { fake } = await startBot((f) => ({ DISCORD_GUILD_ID: f.guildId, DISCORD_ALLOWED_GUILDS: f.otherGuildId }));
    const home = fake.slashCommand('balance');
    expect(String((await edited(fake, home)).description)).toContain('DISCORD_ALLOWED_GUILDS');
    const other = fake.slashCommand('balance', {}, { where: 'other' });
    expect(String((await edited(fake, other)).description)).toMatch(MONEY);
  });
});

describe('Discord with neither DISCORD_ALLOWED_GUILDS nor DISCORD_GUILD_ID', () => {
  it('warns once at start, answers in no server, and answers DMs only from BOT_ADMINS', async () => {
    const { fake, logs } = await startBot((f) => ({ BOT_ADMINS: `discord:${f.alice.id}` }));
    expect(logs.filter((l) => l.includes('"level":40') && l.includes('DISCORD_ALLOWED_GUILDS'))).toHaveLength(1);

    for (const where of ['home', 'other'] as const) {
      const token = fake.slashCommand('balance', {}, { where, admin: true });
      expect(String((await edited(fake, token)).description)).toContain('DISCORD_ALLOWED_GUILDS');
      expect(sentFor(fake, token)).not.toMatch(MONEY);
      fake.messageCreate(`and ${GEN_ID}?`, { where });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/channels/'))).toHaveLength(0);

    const fromAdmin = fake.slashCommand('balance', {}, { where: 'dm' });
    expect(String((await edited(fake, fromAdmin)).description)).toMatch(MONEY);

    const bob = { id: snowflake(), username: 'bob' };
    const fromStranger = fake.slashCommand('balance', {}, { where: 'dm', user: bob });
    expect(String((await edited(fake, fromStranger)).description)).toContain('BOT_ADMINS');
    expect(sentFor(fake, fromStranger)).not.toMatch(MONEY);
  });
});
