/**
 * The real discord.js Client against a loopback fake Discord (REST + gateway): login and READY,
 * command registration, every subcommand deferred then edited, buttons, autocomplete, the
 * context menu, pasted ids, mention safety, resume / re-identify and the 4014 intent fallback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCommandDefinitions, discordOptionName, LOOKUP_COMMAND } from '../../src/adapters/discord/definitions.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { sameDefinitions } from '../../src/adapters/discord/register.js';
import { REFRESH_PREFIX, renderReply, SHARE_ID } from '../../src/adapters/discord/render.js';
import { runDiscordCli } from '../../src/cli/discord.js';
import { autocomplete } from '../../src/commands/autocomplete.js';
import { type AnyCommand, defineCommand } from '../../src/commands/command.js';
import { type Bot, createBot } from '../../src/commands/dispatch.js';
import { parseCommandText } from '../../src/commands/grammar.js';
import { buttons, commands as coreCommands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import { reply } from '../../src/core/reply.js';
import type { Services } from '../../src/core/services.js';
import { listRules } from '../../src/db/queries/alerts.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { DEMO_GENERATION_IDS } from '../../src/openrouter/simulator/seed.js';
import { type ChatCore, startChatCore } from '../support/chat-harness.js';
import { type FakeDiscord, type RecordedRequest, snowflake, startFakeDiscord } from '../support/fake-discord.js';
import { TEST_NOW } from '../support/openrouter.js';

const NOW = TEST_NOW;
const GEN_ID = DEMO_GENERATION_IDS.simple;
const EPHEMERAL = 64;
type Json = Record<string, unknown>;

// Stand-ins only where a test needs a controllable command; every other answer comes from the real
// core (src/commands/index.ts on a store synced from the seeded simulator). `slowlookup`: a pending
// answer completed on cue (the real `request` needs an id OpenRouter publishes later); `echo`: arbitrary
// user text back, with a counter that shows Refresh re-ran it; `announce`: a public answer that needs
// no admin and changes no setting.
const pendingCommand = defineCommand({
  name: 'slowlookup',
  summary: 'Test: a pending answer that is completed later',
  usage: 'slowlookup',
  examples: ['slowlookup'],
  options: {},
  async run() {
    return reply({
      title: 'Still looking',
      summary: 'OpenRouter has not published it yet',
      pending: true,
      followUp: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return reply({ title: 'Found it', tone: 'good', fields: [{ label: 'Total cost', value: '$0.001502' }] });
      },
    });
  },
});

let echoes = 0;
const echoCommand = defineCommand({
  name: 'echo',
  summary: 'Test: echoes user text back',
  usage: 'echo <text>',
  examples: ['echo hello'],
  options: { text: { kind: 'text', description: 'Anything', required: true, maxLength: 500 } },
  async run({ args, commandText }) {
    echoes += 1;
    return reply({
      title: `Echo #${echoes}`,
      summary: args.text,
      asOf: NOW,
      buttons: [
        { action: 'refresh', label: 'Refresh', value: commandText },
        { action: 'share', label: 'Share in channel', value: commandText },
      ],
    });
  },
});

const announceCommand = defineCommand({
  name: 'announce',
  summary: 'Test: a public answer',
  usage: 'announce',
  examples: ['announce'],
  options: {},
  async run() {
    return reply({ title: 'For everyone', visibility: 'public' });
  },
});

const TEST_COMMANDS = [pendingCommand, echoCommand, announceCommand];
const ISSUE_SUBCOMMANDS = [
  'balance',
  'usage',
  'request',
  'explain',
  'digest',
  'alert',
  'estimate',
  'reconcile',
  'help',
];
const missingFromCore = ISSUE_SUBCOMMANDS.filter((name) => !coreCommands.some((c) => c.name === name));

interface Harness {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  bot: Bot;
  logs: string[];
}

const running: Harness[] = [];
let chat: ChatCore;

beforeAll(async () => {
  chat = await startChatCore({ now: NOW });
}, 60_000);

afterAll(async () => {
  await chat?.close();
});

async function startBot(
  opts: { fake?: FakeDiscord; refuseMessageContent?: boolean; commands?: readonly AnyCommand[] } = {},
): Promise<Harness> {
  const fake = opts.fake ?? (await startFakeDiscord({ refuseMessageContent: opts.refuseMessageContent ?? false }));
  const config = loadConfig({
    DISCORD_TOKEN: 'fake.discord.token-abcd',
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    LOG_LEVEL: 'debug',
    COMMAND_RATE_LIMIT: '1000',
  });
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
  const metrics = createMetrics({ defaults: false });
  // The real core's services, with this bot's config (its Discord settings) and log.
  const services: Services = { ...chat.core.services, config, log, metrics };
  const bot = createBot(services, opts.commands ?? [...coreCommands, ...TEST_COMMANDS], buttons);
  const adapter = createDiscordAdapter(config, {
    bot,
    log,
    metrics,
    now: () => NOW,
    autocomplete: (source, partial) => autocomplete(services, source, partial),
  });
  echoes = 0;
  const harness = { fake, adapter, bot, logs };
  running.push(harness);
  await adapter.start();
  return harness;
}

afterEach(async () => {
  const all = running.splice(0);
  for (const h of all) await h.adapter.stop();
  for (const fake of new Set(all.map((h) => h.fake))) await fake.close();
});

function callbacks(fake: FakeDiscord, token: string): RecordedRequest[] {
  return fake.forToken(token).filter((r) => r.path.endsWith('/callback'));
}

async function waitForEdit(fake: FakeDiscord, token: string, n = 1): Promise<RecordedRequest[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const edits = fake.forToken(token).filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    if (edits.length >= n) return edits;
    if (Date.now() > deadline) throw new Error(`expected ${n} edit(s) of the original response`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function embedOf(r: RecordedRequest): Json {
  const body = r.body as { embeds?: Json[]; data?: { embeds?: Json[] } };
  const embed = body.embeds?.[0] ?? body.data?.embeds?.[0];
  if (!embed) throw new Error(`no embed in ${r.method} ${r.path}`);
  return embed;
}

/** Every body that can carry text must carry `allowed_mentions` without `everyone`. */
function expectMentionSafety(fake: FakeDiscord): void {
  const messageBodies = fake.requests
    .map((r) => {
      const body = (r.body ?? {}) as Json & { data?: Json };
      return r.path.endsWith('/callback') ? body.data : body;
    })
    .filter((b): b is Json => b !== undefined && ('content' in b || 'embeds' in b));
  expect(messageBodies.length).toBeGreaterThan(0);
  for (const body of messageBodies) {
    const allowed = body.allowed_mentions as { parse?: string[] } | undefined;
    expect(allowed, JSON.stringify(body).slice(0, 200)).toBeDefined();
    expect(allowed?.parse ?? []).not.toContain('everyone');
  }
}

/** Discord options for a command's first example, through the core's own grammar. */
function exampleOptions(command: AnyCommand, all: readonly AnyCommand[]): Record<string, string | number> {
  const example = command.examples[0] ?? command.name;
  const parsed = parseCommandText(example, all);
  if (!parsed.ok) throw new Error(`example "${example}" of ${command.name} does not parse: ${parsed.message}`);
  return Object.fromEntries(Object.entries(parsed.args).map(([k, v]) => [discordOptionName(k), v]));
}

describe('discord adapter against a fake Discord', () => {
  it('logs in, gets READY, and registers the generated commands once', async () => {
    const first = await startBot();
    const { fake } = first;
    expect(first.adapter.ready()).toBe(true);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]?.intents).toBe(1 + 512 + 32768);
    expect(first.adapter.messageContentIntent()).toBe(true);

    const registered = fake.commands.get(fake.guildId) ?? [];
    const expected = buildCommandDefinitions(first.bot.commands);
    expect(sameDefinitions(expected, registered)).toBe(true);
    const credits = registered.find((c) => c.name === 'credits') as { options: { name: string; type: number }[] };
    expect(credits.options.map((o) => o.name)).toEqual(first.bot.commands.map((c) => c.name));
    expect(credits.options.every((o) => o.type === 1)).toBe(true);
    expect(registered.some((c) => c.name === LOOKUP_COMMAND && c.type === 3)).toBe(true);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(first.adapter.registration()?.changed).toBe(true);

    await first.adapter.stop();
    const second = await startBot({ fake });
    expect(second.adapter.registration()?.changed).toBe(false);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('answers every subcommand: deferred (ephemeral) within 3 s, then edited with the core reply', async () => {
    const { fake, bot } = await startBot();
    for (const command of bot.commands) {
      const options = exampleOptions(command, bot.commands);
      const sent = Date.now();
      const token = fake.slashCommand(command.name, options, { admin: true });
      const [edit] = await waitForEdit(fake, token);
      const [callback] = callbacks(fake, token);
      expect(callback?.body, command.name).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
      expect((callback?.at ?? Infinity) - sent, command.name).toBeLessThan(3_000);
      if (!edit) throw new Error('no edit');
      const direct = await bot.runCommand(
        command.name,
        Object.fromEntries(Object.keys(command.options).map((k) => [k, options[discordOptionName(k)]])),
        {
          platform: 'discord',
          userId: fake.alice.id,
          workspaceId: fake.guildId,
          channelId: fake.channelId,
          isPlatformAdmin: async () => true,
        },
      );
      const expected = renderReply(direct.reply).embeds[0];
      const answer =
        direct.reply.visibility === 'public'
          ? await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`))
          : edit;
      const shown = embedOf(answer);
      // The audit lists the commands run so far: the direct run above adds its own row.
      const normalise = (t: unknown) =>
        String(t)
          .replace(/#\d+/, '#')
          .replace(/^Audit: last \d+ commands$/, 'Audit: last n commands');
      expect(normalise(shown.title), command.name).toBe(normalise(expected?.title));
      if (command.name !== 'audit') expect(shown.description, command.name).toBe(expected?.description);
    }
    expectMentionSafety(fake);
  });

  it.skipIf(missingFromCore.length > 0)(
    `generates /credits from the full core list (${missingFromCore.length ? `not yet declared: ${missingFromCore.join(', ')}` : 'all nine'})`,
    () => {
      const credits = buildCommandDefinitions(coreCommands)[0] as { options: { name: string }[] };
      expect(credits.options.map((o) => o.name)).toEqual(expect.arrayContaining(ISSUE_SUBCOMMANDS));
    },
  );

  it('posts a public answer in the channel after the ephemeral deferral', async () => {
    const { fake } = await startBot();
    const token = fake.slashCommand('announce');
    const [edit] = await waitForEdit(fake, token);
    expect(edit?.body).toMatchObject({ content: 'Posted in the channel.', embeds: [] });
    const followUp = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`));
    expect((followUp.body as { flags?: number }).flags ?? 0).toBe(0);
    expect(embedOf(followUp).title).toBe('For everyone');
  });

  it('edits a pending answer in place when it becomes final', async () => {
    const { fake } = await startBot();
    const token = fake.slashCommand('slowlookup');
    const edits = await waitForEdit(fake, token, 2);
    expect(embedOf(edits[0] as RecordedRequest).title).toBe('Still looking');
    expect(embedOf(edits[1] as RecordedRequest)).toMatchObject({ title: 'Found it', fields: [{ name: 'Total cost' }] });
  });

  it('needs Manage Server (or BOT_ADMINS) for setting-changing commands', async () => {
    const { fake } = await startBot();
    const below5 = { action: 'below', value: '5' };
    const member = fake.slashCommand('alert', below5, { admin: false });
    expect(embedOf((await waitForEdit(fake, member))[0] as RecordedRequest).title).toBe('Sorry');
    const admin = fake.slashCommand('alert', below5, { admin: true });
    // A public answer: the deferral is edited to say so, and the answer follows in the channel.
    await waitForEdit(fake, admin);
    const posted = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${admin}`));
    expect(embedOf(posted).title).toBe('Alert set');
    const rules = await listRules(chat.db.db, { platform: 'discord', workspaceId: fake.guildId });
    expect(rules.filter((r) => r.channelId === fake.channelId).map((r) => [r.kind, r.threshold])).toContainEqual([
      'below',
      5,
    ]);
  });

  it('escapes user text and never lets @everyone ping', async () => {
    const { fake } = await startBot();
    const token = fake.slashCommand('echo', { text: '@everyone look <@123456789012345678> **now**' });
    const shown = embedOf((await waitForEdit(fake, token))[0] as RecordedRequest);
    expect(String(shown.description)).not.toMatch(/@everyone|<@1/);
    expect(String(shown.description)).toContain('\\*\\*now\\*\\*');
    expectMentionSafety(fake);
  });

  it('shares an ephemeral answer in the channel and refreshes it in place', async () => {
    const { fake } = await startBot();
    const token = fake.slashCommand('echo', { text: 'hi' });
    await waitForEdit(fake, token);
    const original = fake.originals.get(token) as Json & { components: { components: { custom_id: string }[] }[] };
    const ids = original.components.flatMap((row) => row.components.map((b) => b.custom_id));
    expect(ids).toEqual([`${REFRESH_PREFIX}echo text:hi`, SHARE_ID]);
    expect(original.flags).toBe(EPHEMERAL);

    const share = fake.pressButton(SHARE_ID, original);
    const shared = await fake.waitForRequest((r) => r.path.includes(`/${share}/callback`));
    const body = shared.body as { type: number; data: { content: string; flags?: number; embeds: Json[] } };
    expect(body.type).toBe(4);
    expect(body.data.flags ?? 0).toBe(0);
    expect(body.data.content).toBe(`Shared by <@${fake.alice.id}>`);
    expect(body.data.embeds[0]?.title).toBe('Echo #1');

    const refresh = fake.pressButton(`${REFRESH_PREFIX}echo text:hi`, original);
    const refreshed = await waitForEdit(fake, refresh);
    expect(callbacks(fake, refresh)[0]?.body).toMatchObject({ type: 6 });
    expect(embedOf(refreshed[0] as RecordedRequest).title).toBe('Echo #2');
    expectMentionSafety(fake);
  });

  it('offers autocomplete for model names', async () => {
    const { fake } = await startBot();
    // The simulator's /models: only openai/gpt-4.1-mini has "4.1-mini" in its id.
    const token = fake.autocomplete('estimate', 'model', '4.1-mini');
    const answer = await fake.waitForRequest((r) => r.path.includes(`/${token}/callback`));
    expect(answer.body).toEqual({
      type: 8,
      data: { choices: [{ name: 'openai/gpt-4.1-mini', value: 'openai/gpt-4.1-mini' }] },
    });
  });

  it('replies to a pasted id with a message reference, ignores bots, and serves the context menu', async () => {
    const { fake } = await startBot();
    fake.messageCreate(`from a bot ${GEN_ID}`, { author: { id: '400000000000000099', username: 'other', bot: true } });
    const pasted = fake.messageCreate(`why did ${GEN_ID} cost so much? @everyone`);
    const answer = await fake.waitForRequest(
      (r) => r.method === 'POST' && r.path.endsWith(`/channels/${fake.channelId}/messages`),
    );
    const body = answer.body as { message_reference: { message_id: string }; allowed_mentions: { parse: string[] } };
    expect(body.message_reference.message_id).toBe(pasted.id);
    expect(body.allowed_mentions.parse).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/channels/'))).toHaveLength(1);

    const token = fake.contextMenu(LOOKUP_COMMAND, fake.messagePayload(`see ${GEN_ID}`));
    await waitForEdit(fake, token);
    expect(callbacks(fake, token)[0]?.body).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expectMentionSafety(fake);
  });

  it('resumes after the connection drops, and identifies again after an invalid session', async () => {
    const { fake, adapter } = await startBot();
    fake.dropConnection(4000);
    await waitFor(() => fake.resumes.length === 1 && fake.connected());
    expect(fake.resumes[0]).toMatchObject({ session_id: 'session-1' });
    const token = fake.slashCommand('help');
    await waitForEdit(fake, token);

    // discord.js waits out its 5-second identify throttle before identifying again.
    fake.invalidateSession();
    await waitFor(() => fake.identifies.length === 2 && fake.connected(), 10_000);
    await waitFor(() => adapter.ready());
    const again = fake.slashCommand('help');
    await waitForEdit(fake, again);
  });

  it('falls back without the Message Content intent on close code 4014, and says so once', async () => {
    const { fake, adapter, logs } = await startBot({ refuseMessageContent: true });
    expect(fake.identifies.map((i) => Number(i.intents) & 32768)).toEqual([32768, 0]);
    expect(adapter.ready()).toBe(true);
    expect(adapter.messageContentIntent()).toBe(false);
    expect(logs.filter((l) => l.includes('refused the privileged Message Content intent'))).toHaveLength(1);

    fake.messageCreate(`plain message ${GEN_ID}`);
    const mention = fake.messageCreate(`<@${fake.botUser.id}> ${GEN_ID}`, { mentionBot: true });
    const answer = await fake.waitForRequest((r) => r.method === 'POST' && r.path.includes('/channels/'));
    expect((answer.body as { message_reference: { message_id: string } }).message_reference.message_id).toBe(
      mention.id,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/channels/'))).toHaveLength(1);
  });
});

describe('discord adapter: posting, memory and the command line', () => {
  it('posts digests and alerts publicly with a nonce that makes a resend a no-op', async () => {
    const { fake, adapter } = await startBot();
    const result = await adapter.post(
      { workspaceId: fake.guildId, channelId: fake.channelId },
      reply({ title: 'Weekly digest', summary: '@everyone spent $12.00', tone: 'good' }),
      { dedupeKey: 'digest:42:2026-W09' },
    );
    const posted = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    const body = posted.body as Json & { embeds: Json[]; flags?: number };
    expect(result.messageId).toMatch(/^\d{17,20}$/);
    expect(body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(String(body.nonce)).toHaveLength(25);
    expect(body.flags ?? 0).toBe(0);
    expect(String(body.embeds[0]?.description)).not.toContain('@everyone');
  });

  it('enforce_nonce holds only within Discord’s window; later, a resend that may have posted looks at the channel first', async () => {
    const { fake, adapter } = await startBot();
    let clock = Date.now();
    fake.options.now = () => clock;
    const target = { workspaceId: fake.guildId, channelId: fake.channelId };
    const digest = reply({ title: 'Weekly digest', summary: 'spent $12.00', tone: 'good', visibility: 'public' });
    const channelMessages = () => [...fake.messages.values()].filter((m) => m.channel_id === fake.channelId);
    const first = await adapter.post(target, digest, { dedupeKey: 'digest:7:2026-W10' });
    const footer = JSON.stringify(channelMessages()[0]?.embeds ?? []);
    expect(footer).toMatch(/ref [\w-]{10}/);
    clock += 60_000; // within the window: Discord answers with the earlier message
    expect((await adapter.post(target, digest, { dedupeKey: 'digest:7:2026-W10' })).messageId).toBe(first.messageId);
    expect(channelMessages()).toHaveLength(1);
    clock += 5 * 60_000; // past the window: the nonce alone would post again …
    const taken = await adapter.post(target, digest, { dedupeKey: 'digest:7:2026-W10', mayHavePosted: true });
    expect(taken).toEqual({ messageId: first.messageId, deduplicated: true }); // … the channel's recent messages say no
    expect(channelMessages()).toHaveLength(1);
    const fresh = await adapter.post(target, digest, { dedupeKey: 'digest:7:2026-W10' });
    expect(fresh.messageId).not.toBe(first.messageId); // the fake forgets the nonce, as Discord does
    expect(channelMessages()).toHaveLength(2);
  });

  it('keeps caches flat: no messages and no other users are kept', async () => {
    const { fake, adapter } = await startBot();
    for (let n = 0; n < 200; n += 1) {
      fake.messageCreate(`chatter ${n}`, { author: { id: snowflake(), username: `user${n}` } });
    }
    const last = fake.messageCreate(`and one id ${GEN_ID}`);
    await fake.waitForRequest(
      (r) => (r.body as { message_reference?: { message_id: string } })?.message_reference?.message_id === last.id,
    );
    const client = adapter.client();
    const channel = client?.channels.cache.get(fake.channelId);
    expect(channel && 'messages' in channel ? channel.messages.cache.size : -1).toBe(0);
    expect(client?.users.cache.filter((u) => u.id !== client.user?.id).size).toBe(0);
  });

  it('`credits-bot discord register` registers globally without a guild, and `invite` prints the URL', async () => {
    const fake = await startFakeDiscord();
    try {
      const config = loadConfig({
        DISCORD_TOKEN: 'fake.discord.token-abcd',
        DISCORD_API_URL: fake.apiUrl,
        LOG_LEVEL: 'silent',
      });
      const out: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
      expect(await runDiscordCli(config, 'register')).toBe(0);
      expect(await runDiscordCli(config, 'register')).toBe(0);
      expect(await runDiscordCli(config, 'invite')).toBe(0);
      expect(await runDiscordCli(config, 'nonsense')).toBe(2);
      vi.restoreAllMocks();
      expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
        `/api/v10/applications/${fake.applicationId}/commands`,
      ]);
      expect(out[0]).toBe('Registered /credits globally.\n');
      expect(out[1]).toContain('already registered');
      expect(out[2]).toContain(`client_id=${fake.applicationId}`);
      expect(out[2]).toContain('scope=bot+applications.commands');
    } finally {
      await fake.close();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
