/**
 * Every command of the registry as a real `/credits` interaction through discord.js against
 * fake-discord, answered by the real core on a real store synced from the seeded OpenRouter simulator;
 * each answer checked against the simulator's figures, settings in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordOptionName } from '../../src/adapters/discord/definitions.js';
import { parseCommandText } from '../../src/commands/grammar.js';
import { buttons, commands } from '../../src/commands/index.js';
import { keyButtons } from '../../src/commands/keys/actions.js';
import { ALERT_ACK, ALERT_SNOOZE } from '../../src/core/buttons.js';
import { listRules } from '../../src/db/queries/alerts.js';
import { formatUsd } from '../../src/domain/money.js';
import { checkAlerts } from '../../src/jobs/alert-check.js';
import { DEMO_GENERATION_IDS } from '../../src/openrouter/simulator/seed.js';
import { type ChatService, shownText, startChatService } from '../support/chat-harness.js';
import { type CaseContext, COMMAND_CASES, caseContext, uncoveredForms } from '../support/command-cases.js';
import { allBackends } from '../support/db.js';
import {
  type FakeDiscord,
  type FakeUser,
  type RecordedRequest,
  snowflake,
  startFakeDiscord,
} from '../support/fake-discord.js';

const EPHEMERAL = 64;
/** In BOT_ADMINS, for the button presses (fake-discord presses buttons without Manage Server). */
const ADMIN_USER: FakeUser = { id: snowflake(), username: 'bob' };

it('every command of the registry, and every action and grouping, has a Discord end-to-end case', () => {
  expect(uncoveredForms(commands, COMMAND_CASES)).toEqual([]);
  // The core's press buttons: the alert test below presses each one.
  // Alert buttons are pressed below; the key buttons through both platforms in keys-actions.test.ts.
  expect(Object.keys(buttons).sort()).toEqual(
    [ALERT_ACK.action, ALERT_SNOOZE.action, ...Object.keys(keyButtons)].sort(),
  );
});

for (const { backend, skipReason } of allBackends()) {
  const block = skipReason ? describe.skip : describe;
  block(`/credits on Discord, real core [${backend}]${skipReason ? ` (${skipReason})` : ''}`, () => {
    let fake: FakeDiscord;
    let bot: ChatService;
    let ctx: CaseContext;

    beforeAll(async () => {
      fake = await startFakeDiscord();
      bot = await startChatService({
        backend,
        env: {
          DISCORD_TOKEN: 'fake.discord.token-abcd',
          DISCORD_API_URL: fake.apiUrl,
          // Closed by default: the bot answers in its own guild (DISCORD_GUILD_ID).
          DISCORD_GUILD_ID: fake.guildId,
          BOT_ADMINS: `discord:${ADMIN_USER.id}`,
        },
      });
      ctx = caseContext(bot, { platform: 'discord', workspaceId: fake.guildId, channelId: fake.channelId });
    }, 120_000);

    afterAll(async () => {
      await bot?.close();
      await fake?.close();
    });

    async function waitForRequest(predicate: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = fake.requests.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('no such request to fake-discord in time');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    /** `/credits <sub>` with the text's arguments as typed options; resolves with what Discord shows. */
    async function ask(text: string, admin: boolean): Promise<{ shown: string; public: boolean }> {
      const parsed = parseCommandText(text, bot.core.bot.commands);
      if (!parsed.ok) throw new Error(`"${text}" does not parse: ${parsed.message}`);
      const options = Object.fromEntries(
        Object.entries(parsed.args as Record<string, string | number>).map(([k, v]) => [discordOptionName(k), v]),
      );
      const token = fake.slashCommand(parsed.command.name, options, { admin });
      const deferred = await waitForRequest((r) => r.path.includes(`/${token}/callback`));
      expect(deferred.body).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
      const edit = await waitForRequest((r) => r.method === 'PATCH' && r.path.includes(`/${token}/messages/@original`));
      const body = edit.body as { content?: string };
      if (body.content !== 'Posted in the channel.') return { shown: shownText(edit.body), public: false };
      // A public answer: the ephemeral deferral says so, the answer is a follow-up in the channel.
      const followUp = await waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`));
      expect((followUp.body as { flags?: number }).flags ?? 0).toBe(0);
      return { shown: shownText(followUp.body), public: true };
    }

    it('answers a pasted gen-… id in the channel with a reply showing what the simulator billed', async () => {
      const id = DEMO_GENERATION_IDS.cancelledStream;
      const cost = formatUsd(Number(ctx.sim.generations.find((g) => g.data.id === id)?.data.total_cost));
      const pasted = fake.messageCreate(`why did ${id} cost so much?`);
      const channelPath = `/channels/${fake.channelId}/messages`;
      const reply = await waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path.endsWith(channelPath) &&
          (r.body as { message_reference?: { message_id: string } }).message_reference?.message_id === pasted.id,
      );
      // Final at once, or pending first and then edited in place.
      const shown = () =>
        fake.requests
          .filter((r) => r === reply || (r.method === 'PATCH' && r.path.includes(`${channelPath}/`)))
          .map((r) => shownText(r.body))
          .join('\n');
      const deadline = Date.now() + 15_000;
      while (!shown().includes(cost) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(shown()).toContain(cost);
      expect(shown()).toContain(id);
    });

    for (const c of COMMAND_CASES) {
      it(`/credits ${c.text || '(empty)'}${c.admin ? ' (Manage Server)' : ''}`, async () => {
        await c.setup?.(ctx);
        const expected = await c.shows(ctx);
        const answer = await ask(c.text, c.admin ?? false);
        for (const part of expected) expect(answer.shown, `"${part}" in:\n${answer.shown}`).toContain(part);
        expect(answer.public).toBe(c.public ?? false);
        await c.stored?.(ctx);
      });
    }

    it('a fired alert is posted with Acknowledge and Snooze; an admin presses them, answered and recorded', async () => {
      const balance = ctx.sim.account.totalCredits - ctx.sim.account.totalUsage;
      const threshold = Math.ceil(balance) + 100;
      await ask(`alert below ${threshold}`, true);
      const summary = await checkAlerts({ services: bot.core.services, adapters: bot.adapters });
      expect(summary.fired).toBeGreaterThanOrEqual(1);
      const title = `Balance below ${formatUsd(threshold)}`;
      const posted = await waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path.endsWith(`/channels/${fake.channelId}/messages`) &&
          shownText(r.body).includes(title),
      );
      expect(shownText(posted.body)).toContain(formatUsd(balance));
      const message = [...fake.messages.values()].find((m) => shownText(m.embeds).includes(title));
      if (!message) throw new Error('fake-discord holds no alert message');
      const customIds = (message.components as { components: { custom_id: string }[] }[]).flatMap((row) =>
        row.components.map((b) => b.custom_id),
      );
      const idOf = (action: string) => customIds.find((id) => id.startsWith(`${action}:`)) ?? '';
      const scope = { platform: 'discord' as const, workspaceId: fake.guildId, channelId: fake.channelId };
      const below = async () => (await listRules(ctx.db, scope)).find((r) => r.kind === 'below');

      const press = async (action: string, user: FakeUser) => {
        const token = fake.pressButton(idOf(action), message, { user });
        const answer = await waitForRequest(
          (r) => r.method === 'PATCH' && r.path.includes(`/${token}/messages/@original`),
        );
        return shownText(answer.body);
      };
      // A member's press is refused; the alert stays unacknowledged.
      expect(await press(ALERT_ACK.action, fake.alice)).toContain('Only admins');
      expect((await below())?.acknowledgedBy).toBeNull();
      expect(await press(ALERT_ACK.action, ADMIN_USER)).toContain(
        `acknowledged the alert (balance below ${formatUsd(threshold)})`,
      );
      expect((await below())?.acknowledgedBy).toBe(`discord:${ADMIN_USER.id}`);
      expect(await press(ALERT_SNOOZE.action, ADMIN_USER)).toContain('snoozed the alert');
      const snoozed = await below();
      expect(snoozed?.snoozedUntil?.getTime()).toBe(ctx.now.getTime() + 24 * 3_600_000);
      expect(snoozed?.state).toBe('armed');
    });
  });
}
