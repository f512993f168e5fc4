/**
 * Every command of the registry through the real Bolt app (HTTP mode, signed requests to the bot's own
 * server) against fake-slack, answered by the real core on a real store synced from the seeded
 * OpenRouter simulator; each answer checked against the simulator's figures, settings in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  blockActionPayload,
  createSlackDriver,
  eventCallbackPayload,
  type FakeSlack,
  messageEvent,
  type RecordedCall,
  type SlackDriver,
  startFakeSlack,
  TEAM_ID,
} from '../support/fake-slack.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const ADMIN = 'UADMIN1';
const MEMBER = 'U0MEMBER';
const CHANNEL = 'C0CREDITS';

it('every command of the registry, and every action and grouping, has a Slack end-to-end case', () => {
  expect(uncoveredForms(commands, COMMAND_CASES)).toEqual([]);
  // The core's press buttons: the alert test below presses each one.
  // Alert buttons are pressed below; the key buttons through both platforms in keys-actions.test.ts.
  expect(Object.keys(buttons).sort()).toEqual(
    [ALERT_ACK.action, ALERT_SNOOZE.action, ...Object.keys(keyButtons)].sort(),
  );
});

/** The value of the button `actionId` in a recorded message. */
function buttonValue(call: RecordedCall | undefined, actionId: string): string {
  const blocks = (call?.body.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  const button = blocks
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === actionId);
  if (!button?.value) throw new Error(`no ${actionId} button in ${JSON.stringify(call?.body.blocks)}`);
  return button.value;
}

for (const { backend, skipReason } of allBackends()) {
  const block = skipReason ? describe.skip : describe;
  block(`/credits on Slack, real core [${backend}]${skipReason ? ` (${skipReason})` : ''}`, () => {
    let fake: FakeSlack;
    let bot: ChatService;
    let driver: SlackDriver;
    let ctx: CaseContext;

    beforeAll(async () => {
      fake = await startFakeSlack();
      bot = await startChatService({
        backend,
        env: {
          SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
          SLACK_API_URL: fake.apiUrl,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          BOT_ADMINS: `slack:${ADMIN}`,
        },
      });
      driver = createSlackDriver(fake, {
        mode: 'http',
        eventsUrl: `${bot.url}/slack/events`,
        signingSecret: SIGNING_SECRET,
      });
      ctx = caseContext(bot, { platform: 'slack', workspaceId: TEAM_ID, channelId: CHANNEL });
    }, 120_000);

    afterAll(async () => {
      await bot?.close();
      await fake?.close();
    });

    /** `/credits <text>` as the user; resolves with what Slack shows from the (first) answer, and to whom. */
    async function ask(text: string, userId: string): Promise<{ shown: string; responseType: unknown }> {
      const { status, responseUrl } = await driver.command(text, { userId, channelId: CHANNEL });
      expect(status).toBe(200);
      const path = new URL(responseUrl).pathname;
      const answers = await fake.waitFor('response', (cs) => cs.some((c) => c.path === path), 15_000);
      const answer = answers.find((c) => c.path === path);
      return { shown: shownText([answer?.body.text, answer?.body.blocks]), responseType: answer?.body.response_type };
    }

    it('answers a pasted gen-… id in a channel with a threaded reply showing what the simulator billed', async () => {
      const id = DEMO_GENERATION_IDS.cacheDiscount;
      const cost = formatUsd(Number(ctx.sim.generations.find((g) => g.data.id === id)?.data.total_cost));
      const event = messageEvent({ text: `why did ${id} cost so much?`, channel: 'C0PASTED', user: MEMBER });
      expect((await driver.event(eventCallbackPayload(event))).status).toBe(200);
      const inChannel = (cs: RecordedCall[]) => cs.filter((c) => c.body.channel === 'C0PASTED');
      const [post] = inChannel(await fake.waitFor('chat.postMessage', (cs) => inChannel(cs).length > 0, 15_000));
      expect(post?.body.thread_ts).toBe(event.ts);
      // Final at once, or pending first and then updated in place.
      const shown = () =>
        [...inChannel(fake.callsTo('chat.postMessage')), ...inChannel(fake.callsTo('chat.update'))]
          .map((c) => shownText([c.body.text, c.body.blocks]))
          .join('\n');
      const deadline = Date.now() + 15_000;
      while (!shown().includes(cost) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(shown()).toContain(cost);
      expect(shown()).toContain(id);
    });

    for (const c of COMMAND_CASES) {
      it(`/credits ${c.text || '(empty)'}${c.admin ? ' (admin)' : ''}`, async () => {
        await c.setup?.(ctx);
        const expected = await c.shows(ctx);
        const { shown, responseType } = await ask(c.text, c.admin ? ADMIN : MEMBER);
        for (const part of expected) expect(shown, `"${part}" in:\n${shown}`).toContain(part);
        expect(responseType).toBe(c.public ? 'in_channel' : 'ephemeral');
        await c.stored?.(ctx);
      });
    }

    it('a fired alert is posted with Acknowledge and Snooze; an admin presses them, in the channel and the store', async () => {
      const channel = 'C0ALERTS';
      const balance = ctx.sim.account.totalCredits - ctx.sim.account.totalUsage;
      const threshold = Math.ceil(balance) + 100;
      const set = await driver.command(`alert below ${threshold}`, { userId: ADMIN, channelId: channel });
      await fake.waitFor('response', (cs) => cs.some((c) => c.path === new URL(set.responseUrl).pathname));
      const summary = await checkAlerts({ services: bot.core.services, adapters: bot.adapters });
      expect(summary.fired).toBeGreaterThanOrEqual(1);
      const inChannel = (cs: RecordedCall[]) => cs.filter((c) => c.body.channel === channel);
      const [alert] = inChannel(await fake.waitFor('chat.postMessage', (cs) => inChannel(cs).length > 0));
      const shown = shownText([alert?.body.text, alert?.body.blocks]);
      expect(shown).toContain(`Balance below ${formatUsd(threshold)}`);
      expect(shown).toContain(formatUsd(balance));
      const scope = { platform: 'slack' as const, workspaceId: TEAM_ID, channelId: channel };

      const press = async (actionId: string, userId: string) => {
        const responseUrl = fake.responseUrl();
        const value = buttonValue(alert, actionId);
        await driver.action(
          blockActionPayload({ actionId, value, responseUrl, userId, channelId: channel, ephemeral: false }),
        );
        const path = new URL(responseUrl).pathname;
        const answers = await fake.waitFor('response', (cs) => cs.some((c) => c.path === path), 15_000);
        const answer = answers.find((c) => c.path === path);
        return { shown: shownText([answer?.body.text, answer?.body.blocks]), responseType: answer?.body.response_type };
      };
      // A member's press is refused to them alone; the alert stays unacknowledged.
      expect(await press(ALERT_ACK.action, MEMBER)).toMatchObject({
        shown: expect.stringContaining('Only admins'),
        responseType: 'ephemeral',
      });
      expect((await listRules(ctx.db, scope))[0]?.acknowledgedBy).toBeNull();
      expect(await press(ALERT_ACK.action, ADMIN)).toMatchObject({
        shown: expect.stringContaining(`acknowledged the alert (balance below ${formatUsd(threshold)})`),
        responseType: 'in_channel',
      });
      expect((await listRules(ctx.db, scope))[0]?.acknowledgedBy).toBe(`slack:${ADMIN}`);
      expect(await press(ALERT_SNOOZE.action, ADMIN)).toMatchObject({
        shown: expect.stringContaining('snoozed the alert'),
        responseType: 'in_channel',
      });
      const [snoozed] = await listRules(ctx.db, scope);
      expect(snoozed?.snoozedUntil?.getTime()).toBe(ctx.now.getTime() + 24 * 3_600_000);
      expect(snoozed?.state).toBe('armed');
    });
  });
}
