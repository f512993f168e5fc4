/**
 * End to end (issue 13): `keys` and the key actions through the real Bolt app (against the fake Slack)
 * and the real discord.js client (against the fake Discord), with the OpenRouter simulator over HTTP.
 * The list covers both workspaces; a non-admin's Disable is refused with no PATCH; an admin's Disable
 * asks for confirmation, then sends exactly one `PATCH /keys/{hash}` with `disabled: true`, updates
 * the message in place and writes an audit row; Enable undoes it; `two-person` needs a second admin;
 * a failed PATCH says why and changes nothing.
 */
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import type { SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { createBot } from '../../src/commands/dispatch.js';
import { keyButtons } from '../../src/commands/keys/actions.js';
import { keyActionButtons } from '../../src/commands/keys/buttons.js';
import { keys } from '../../src/commands/keys/command.js';
import type { Config } from '../../src/config.js';
import type { Actor, Services } from '../../src/core/services.js';
import { keySnoozedUntil } from '../../src/db/queries/key-actions.js';
import { listKeys } from '../../src/db/queries/keys.js';
import { auditLog, keyActions } from '../../src/db/schema.js';
import { runawayMessage } from '../../src/digest/key-alert-message.js';
import { formatUsd } from '../../src/domain/money.js';
import type { HttpServer } from '../../src/http/server.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { DEMO_RESEARCH_WORKSPACE_ID } from '../../src/openrouter/simulator/seed.js';
import type { SimKey } from '../../src/openrouter/simulator/state.js';
import { type TestDb, testDb } from '../support/db.js';
import {
  type FakeDiscord,
  type FakeUser,
  type RecordedRequest,
  snowflake,
  startFakeDiscord,
} from '../support/fake-discord.js';
import {
  blockActionPayload,
  type FakeSlack,
  type SlackDriver,
  startFakeSlack,
  TEAM_ID,
} from '../support/fake-slack.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { startTwoPlatforms, type TwoPlatforms } from '../support/two-platforms.js';

type Json = Record<string, unknown>;
const NOW = new Date('2026-11-24T15:00:00Z');
const CHANNEL = 'C0KEYS';

interface Harness {
  platforms: TwoPlatforms;
  db: TestDb;
  services: Services;
  config: Config;
  slack: SlackAdapter;
  discord: DiscordAdapter;
  fakeSlack: FakeSlack;
  fakeDiscord: FakeDiscord;
  driver: SlackDriver;
  http: HttpServer;
  openrouter: TestOpenRouter;
  bob: FakeUser;
}

let h: Harness;
const clock = { now: NOW };

beforeAll(async () => {
  const db = await testDb();
  const openrouter = await startTestOpenRouter({ now: NOW });
  const fakeSlack = await startFakeSlack();
  const fakeDiscord = await startFakeDiscord({ refuseMessageContent: false });
  const bob: FakeUser = { id: snowflake(), username: 'bob' };
  const platforms = await startTwoPlatforms({
    store: db.handle,
    openrouter,
    fakeSlack,
    fakeDiscord,
    commands: [keys],
    buttons: keyButtons,
    now: () => clock.now,
    env: { BOT_ADMINS: `slack:UADMIN1,slack:UADMIN2,discord:${fakeDiscord.alice.id},discord:${bob.id}` },
  });
  const { services, config, slack, discord, driver, http } = platforms;
  h = { platforms, db, services, config, slack, discord, fakeSlack, fakeDiscord, driver, http, openrouter, bob };
});

afterAll(async () => {
  if (!h) return;
  await h.platforms.closeAll(h.db);
});

const simKey = (name: string): SimKey => {
  const k = h.openrouter.sim.state.keys.find((x) => x.name === name);
  if (!k) throw new Error(`no key ${name}`);
  return k;
};

/** Responses posted to response_urls since `from`. */
async function responses(n: number): Promise<Json[]> {
  const calls = await h.fakeSlack.waitFor('response', (c) => c.length >= n);
  return calls.map((c) => c.body as Json);
}

/** A button press through Bolt on a message in CHANNEL (`ts` given: a public message). */
async function press(actionId: string, value: string, userId: string, ts?: string): Promise<void> {
  const payload = blockActionPayload({
    actionId,
    value,
    responseUrl: h.fakeSlack.responseUrl(),
    userId,
    channelId: CHANNEL,
    ephemeral: ts === undefined,
  });
  if (ts) (payload.container as Json).message_ts = ts;
  expect((await h.driver.action(payload)).status).toBe(200);
}

/** The value of the button `actionId` in a Slack message body. */
function buttonValue(body: Json, actionId: string): string {
  const blocks = (body.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[];
  const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId)?.value;
  if (!value) throw new Error(`no ${actionId} button in ${JSON.stringify(body.blocks)}`);
  return value;
}

describe('keys through Slack and Discord', () => {
  it('`keys` lists the keys of both workspaces with their limits and month spend', async () => {
    const listed = await h.openrouter.client.listKeys({ includeDisabled: true });
    expect(new Set(listed.map((k) => k.workspaceId))).toContain(DEMO_RESEARCH_WORKSPACE_ID);
    const production = listed.find((k) => k.name === 'production');
    const researchBatch = listed.find((k) => k.name === 'research-batch');
    if (!production || !researchBatch) throw new Error('demo keys missing');

    await h.driver.command('keys', { userId: 'U0PLAIN1', channelId: CHANNEL });
    const [answer] = await responses(1);
    const text = JSON.stringify(answer);
    expect(text).toContain(`API keys: ${listed.length} in 2 workspaces`);
    for (const k of [production, researchBatch]) {
      expect(text).toContain(k.name);
      expect(text).toContain(formatUsd(k.usageMonthly));
    }
    expect(text).toContain('$600.00 monthly');
    expect(text).toContain('$150.00 monthly');
    expect(text).toContain('Research');
    // Sorted by this month's spend: production (the biggest) comes before research-batch.
    expect(text.indexOf('production')).toBeLessThan(text.indexOf('research-batch'));

    const token = h.fakeDiscord.slashCommand('keys', { by: 'workspace' });
    const edit = await h.fakeDiscord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(token));
    const shown = JSON.stringify(edit.body);
    expect(shown).toContain('research-batch');
    expect(shown).toContain('Research');
    expect(shown).toContain('$600.00 monthly');
  });

  it('Slack: a non-admin is refused with no PATCH; an admin disables after confirming, in place, audited; Enable undoes', async () => {
    const sim = h.openrouter.sim;
    const production = simKey('production');
    // The message the buttons are on: `keys production`, posted publicly (as an alert would be).
    const detail = await createBot(h.services, [keys], keyButtons).runText('keys production', {
      platform: 'slack',
      userId: 'UADMIN1',
      workspaceId: TEAM_ID,
      channelId: CHANNEL,
    } satisfies Actor);
    const { messageId: ts } = await h.slack.post(
      { workspaceId: TEAM_ID, channelId: CHANNEL },
      { ...detail.reply, visibility: 'public' },
    );
    expect(JSON.stringify(detail.reply.buttons)).toContain('key-disable');
    const before = h.fakeSlack.callsTo('response').length;

    await press('key-disable', production.hash, 'U0PLAIN1', ts);
    const refused = (await responses(before + 1))[before] as Json;
    expect(JSON.stringify(refused)).toMatch(/Only admins/);
    expect(refused.response_type).toBe('ephemeral');
    expect(sim.patches).toHaveLength(0);
    const [denied] = await h.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.command, 'button:key-disable'))
      .orderBy(desc(auditLog.id));
    expect(denied).toMatchObject({ outcome: 'denied', userId: 'U0PLAIN1' });

    await press('key-disable', production.hash, 'UADMIN1', ts);
    const confirm = (await responses(before + 2))[before + 1] as Json;
    expect(confirm.response_type).toBe('ephemeral');
    expect(JSON.stringify(confirm)).toContain('Confirm: disable key production?');
    expect(sim.patches).toHaveLength(0); // nothing changes before the confirmation
    const confirmValue = buttonValue(confirm, 'key-confirm');
    expect(confirmValue).toMatch(new RegExp(`^\\d+@${CHANNEL}/${ts.replace('.', '\\.')}$`));

    await press('key-confirm', confirmValue, 'UADMIN1');
    const done = (await responses(before + 3))[before + 2] as Json;
    expect(done.replace_original).toBe(true);
    expect(JSON.stringify(done)).toMatch(/disabled key production at 2026-11-24 15:00 UTC/);
    expect(sim.patches).toEqual([{ hash: production.hash, body: { disabled: true } }]);
    expect(production.disabled).toBe(true);
    // The public message it came from is updated in place, with the Enable key undo button.
    const updated = await h.fakeSlack.waitFor('chat.update', (c) => c.length >= 1);
    expect(updated[0]?.body).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(updated[0]?.body)).toContain('"action_id":"key-enable"');
    const [audit] = await h.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.command, 'keys disable'))
      .orderBy(desc(auditLog.id));
    expect(audit).toMatchObject({ outcome: 'ok', userId: 'UADMIN1' });
    expect(audit?.args).toContain('before: enabled, limit $600.00 monthly');
    expect(audit?.args).toContain('after: disabled, limit $600.00 monthly');
    expect(audit?.args).not.toContain(production.secret);

    // A second press of the same Confirm changes nothing.
    await press('key-confirm', confirmValue, 'UADMIN1');
    const again = (await responses(before + 4))[before + 3] as Json;
    expect(JSON.stringify(again)).toMatch(/already done/);
    expect(sim.patches).toHaveLength(1);

    // Undo: Enable key on the updated message, confirmed.
    await press('key-enable', production.hash, 'UADMIN1', ts);
    const enableConfirm = (await responses(before + 5))[before + 4] as Json;
    await press('key-confirm', buttonValue(enableConfirm, 'key-confirm'), 'UADMIN1');
    const enabled = (await responses(before + 6))[before + 5] as Json;
    expect(JSON.stringify(enabled)).toMatch(/enabled key production/);
    expect(sim.patches).toHaveLength(2);
    expect(sim.patches[1]).toEqual({ hash: production.hash, body: { disabled: false } });
    expect(production.disabled).toBe(false);
  });

  it('Slack: Disable on a runaway alert, confirmed, sends one PATCH and updates the alert itself in place', async () => {
    const sim = h.openrouter.sim;
    const staging = simKey('staging');
    const patchesBefore = sim.patches.length;
    // The alert as the credits check posts it (jobs/key-alert-check.ts with main.ts's runawayButtons).
    await syncOnce({
      db: h.db.db,
      openrouter: h.openrouter.client,
      now: () => clock.now,
      logger: h.services.log,
      parts: ['keys'],
    });
    const stored = (await listKeys(h.db.db)).find((k) => k.hash === staging.hash);
    if (!stored) throw new Error('staging was not synced');
    const alert = runawayMessage(
      {
        ruleId: 1,
        crossingNo: 1,
        factor: 5,
        key: stored,
        assessment: {
          status: 'runaway',
          perHour: 36,
          normalPerHour: 0.1,
          level: 1,
          since: new Date(clock.now.getTime() - 600_000),
          projectedToday: 300,
          cleared: false,
        },
        asOf: clock.now,
      },
      (key) => keyActionButtons(key),
    );
    const { messageId: ts } = await h.slack.post({ workspaceId: TEAM_ID, channelId: CHANNEL }, alert, {
      dedupeKey: `key-alert:1:${staging.hash}:1`,
    });
    const before = h.fakeSlack.callsTo('response').length;
    const updatesBefore = h.fakeSlack.callsTo('chat.update').length;

    await press('key-disable', staging.hash, 'UADMIN1', ts);
    const confirm = (await responses(before + 1))[before] as Json;
    expect(JSON.stringify(confirm)).toContain('Confirm: disable key staging?');
    expect(sim.patches).toHaveLength(patchesBefore);
    await press('key-confirm', buttonValue(confirm, 'key-confirm'), 'UADMIN1');
    await responses(before + 2);
    expect(sim.patches.slice(patchesBefore)).toEqual([{ hash: staging.hash, body: { disabled: true } }]);
    const updated = await h.fakeSlack.waitFor('chat.update', (c) => c.length > updatesBefore);
    expect(updated.at(-1)?.body).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(updated.at(-1)?.body)).toContain('"action_id":"key-enable"');
    const [audit] = await h.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.command, 'keys disable'))
      .orderBy(desc(auditLog.id));
    expect(audit).toMatchObject({ outcome: 'ok', userId: 'UADMIN1' });
    // Leave the key as the other tests expect it.
    staging.disabled = false;
  });

  it('a failed PATCH says why and changes nothing', async () => {
    const sim = h.openrouter.sim;
    const ci = simKey('ci');
    const before = h.fakeSlack.callsTo('response').length;
    await h.driver.command('keys limit ci 12 weekly', { userId: 'UADMIN1', channelId: CHANNEL });
    const confirm = (await responses(before + 1))[before] as Json;
    expect(JSON.stringify(confirm)).toContain('After');
    expect(JSON.stringify(confirm)).toContain('limit $12.00 weekly');
    sim.inject({
      endpoint: '/keys/:hash',
      status: 400,
      body: { error: { code: 400, message: 'Invalid value for limit' } },
    });
    const patches = sim.patches.length;
    await press('key-confirm', buttonValue(confirm, 'key-confirm'), 'UADMIN1');
    const failed = (await responses(before + 2))[before + 1] as Json;
    expect(failed.replace_original).toBe(false);
    expect(JSON.stringify(failed)).toMatch(
      /OpenRouter did not set the limit of key ci \(.*Invalid value for limit.*\)\. Nothing changed\./,
    );
    expect(sim.patches).toHaveLength(patches);
    expect(ci.limit).toBe(5);
    const [row] = await h.db.db.select().from(keyActions).where(eq(keyActions.keyHash, ci.hash));
    expect(row).toMatchObject({ status: 'failed', action: 'limit' });
    const [audit] = await h.db.db.select().from(auditLog).where(eq(auditLog.command, 'keys limit'));
    expect(audit?.outcome).toBe('error');
  });

  it('Discord, two-person: the admin who asked cannot approve; a second admin can', async () => {
    h.services.config = { ...h.config, keyActions: 'two-person' };
    const sim = h.openrouter.sim;
    const staging = simKey('staging');
    const patches = sim.patches.length;
    const token = h.fakeDiscord.slashCommand('keys', { action: 'disable', name: 'staging' });
    const posted = await h.fakeDiscord
      .waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${token}`))
      .catch((error: unknown) => {
        throw new Error(`${String(error)}: ${JSON.stringify(h.fakeDiscord.forToken(token))}`);
      });
    const body = posted.body as Json & { components: { components: { custom_id: string }[] }[] };
    expect(JSON.stringify(body)).toContain('Approval needed: disable key staging');
    expect(body.flags ?? 0).toBe(0); // public: another admin must see it
    const approveId = body.components
      .flatMap((r) => r.components.map((c) => c.custom_id))
      .find((id) => id.startsWith('key-approve:'));
    if (!approveId) throw new Error('no Approve button');
    const message = { ...body, id: snowflake(), channel_id: h.fakeDiscord.channelId, flags: 0 };

    const mine = h.fakeDiscord.pressButton(approveId, message);
    const refusal = await h.fakeDiscord.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${mine}`));
    expect(JSON.stringify(refusal.body)).toContain('needs a second admin');
    expect((refusal.body as Json).flags).toBe(64);
    expect(sim.patches).toHaveLength(patches);
    expect(staging.disabled).toBe(false);

    const second = h.fakeDiscord.pressButton(approveId, message, { user: h.bob });
    const edit: RecordedRequest = await h.fakeDiscord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.includes(second) && r.path.endsWith('@original'),
    );
    expect(JSON.stringify(edit.body)).toMatch(/disabled key staging/);
    expect(JSON.stringify(edit.body)).toContain('key-enable:');
    expect(sim.patches.slice(patches)).toEqual([{ hash: staging.hash, body: { disabled: true } }]);
    expect(staging.disabled).toBe(true);
    h.services.config = h.config;
  });

  it('Discord, confirm: an ephemeral Confirm/Cancel; Confirm updates it and the public message it came from', async () => {
    const sim = h.openrouter.sim;
    const alice = simKey('alice-dev');
    const patches = sim.patches.length;
    // A public message with the key's buttons, as an alert would carry them.
    const { messageId } = await h.discord.post(
      { workspaceId: h.fakeDiscord.guildId, channelId: h.fakeDiscord.channelId },
      {
        title: 'Key alice-dev',
        tone: 'warning',
        visibility: 'public',
        buttons: [{ action: 'key-disable', label: 'Disable key', value: alice.hash }],
      },
    );
    const message = { ...(h.fakeDiscord.messages.get(messageId) as Json), flags: 0 };
    const asked = h.fakeDiscord.pressButton(`key-disable:${alice.hash}`, message);
    const confirm = await h.fakeDiscord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.includes(asked) && r.path.endsWith('@original'),
    );
    expect(callbacksOf(asked)[0]?.body).toMatchObject({ data: { flags: 64 } }); // ephemeral
    const confirmBody = confirm.body as Json & { components: { components: { custom_id: string }[] }[] };
    expect(JSON.stringify(confirmBody)).toContain('Confirm: disable key alice-dev?');
    const ids = confirmBody.components.flatMap((r) => r.components.map((c) => c.custom_id));
    const confirmId = ids.find((id) => id.startsWith('key-confirm:'));
    expect(confirmId).toMatch(new RegExp(`^key-confirm:\\d+@${messageId}$`));
    expect(sim.patches).toHaveLength(patches);

    const ephemeral = { ...confirmBody, id: snowflake(), channel_id: h.fakeDiscord.channelId, flags: 64 };
    const confirmed = h.fakeDiscord.pressButton(confirmId ?? '', ephemeral);
    const replaced = await h.fakeDiscord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.includes(confirmed) && r.path.endsWith('@original'),
    );
    expect(callbacksOf(confirmed)[0]?.body).toMatchObject({ type: 6 }); // in place
    expect(JSON.stringify(replaced.body)).toMatch(/disabled key alice-dev/);
    const origin = await h.fakeDiscord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/channels/${h.fakeDiscord.channelId}/messages/${messageId}`),
    );
    expect(JSON.stringify(origin.body)).toContain(`key-enable:${alice.hash}`);
    expect(sim.patches.slice(patches)).toEqual([{ hash: alice.hash, body: { disabled: true } }]);
  });

  it('a confirmation lapses after 15 minutes, and Cancel changes nothing', async () => {
    const sim = h.openrouter.sim;
    const patches = sim.patches.length;
    const before = h.fakeSlack.callsTo('response').length;
    await h.driver.command('keys disable research-notebook', { userId: 'UADMIN1', channelId: CHANNEL });
    const first = (await responses(before + 1))[before] as Json;
    clock.now = new Date(NOW.getTime() + 16 * 60_000);
    try {
      await press('key-confirm', buttonValue(first, 'key-confirm'), 'UADMIN1');
      const lapsed = (await responses(before + 2))[before + 1] as Json;
      expect(JSON.stringify(lapsed)).toMatch(/lapsed; nothing changed/);
    } finally {
      clock.now = NOW;
    }
    await h.driver.command('keys disable research-notebook', { userId: 'UADMIN1', channelId: CHANNEL });
    const second = (await responses(before + 3))[before + 2] as Json;
    await press('key-cancel', buttonValue(second, 'key-cancel'), 'UADMIN1');
    const cancelled = (await responses(before + 4))[before + 3] as Json;
    expect(cancelled.replace_original).toBe(true);
    expect(JSON.stringify(cancelled)).toMatch(
      /cancelled the request to disable key research-notebook; nothing changed/,
    );
    expect(sim.patches).toHaveLength(patches);
    expect(simKey('research-notebook').disabled).toBe(false);
    const rows = await h.db.db.select().from(keyActions).where(eq(keyActions.keyName, 'research-notebook'));
    expect(rows.map((r) => r.status).sort()).toEqual(['cancelled', 'expired']);
  });

  it('the console confirms by text: `keys limit` keeps the current reset, `keys confirm <n>` sends the PATCH', async () => {
    const sim = h.openrouter.sim;
    const patches = sim.patches.length;
    const bot = createBot(h.services, [keys], keyButtons);
    const operator: Actor = { platform: 'console', userId: 'operator' };
    const asked = await bot.runText('keys limit staging 80', operator);
    expect(asked.outcome).toBe('ok');
    const hint = /`keys confirm (\d+)`/.exec(asked.reply.notes?.join(' ') ?? '');
    expect(hint).not.toBeNull();
    expect(sim.patches).toHaveLength(patches);
    const done = await bot.runText(`keys confirm ${hint?.[1]}`, operator);
    expect(done.reply.summary).toMatch(/operator set the limit of key staging to \$80\.00 weekly/);
    expect(sim.patches.slice(patches)).toEqual([
      { hash: simKey('staging').hash, body: { limit: 80, limit_reset: 'weekly' } },
    ]);
    expect(simKey('staging').limit).toBe(80);
  });

  it('Snooze quiets a key’s alerts for 24 hours without a PATCH; Set limit… answers with the text form', async () => {
    const sim = h.openrouter.sim;
    const patches = sim.patches.length;
    const ci = simKey('ci');
    const before = h.fakeSlack.callsTo('response').length;
    await press('key-snooze', ci.hash, 'UADMIN1', '1700000002.000001');
    const snoozed = (await responses(before + 1))[before] as Json;
    expect(snoozed.response_type).toBe('in_channel');
    expect(JSON.stringify(snoozed)).toContain('snoozed the alerts for key ci until 2026-11-25 15:00 UTC');
    expect(await keySnoozedUntil(h.db.db, ci.hash, NOW)).toEqual(new Date(NOW.getTime() + 24 * 3_600_000));
    expect(await keySnoozedUntil(h.db.db, ci.hash, new Date(NOW.getTime() + 25 * 3_600_000))).toBeNull();
    await press('key-limit', ci.hash, 'UADMIN1');
    const limit = (await responses(before + 2))[before + 1] as Json;
    expect(limit.response_type).toBe('ephemeral');
    expect(JSON.stringify(limit)).toContain('keys limit ci 50 daily');
    expect(sim.patches).toHaveLength(patches);
  });
});

function callbacksOf(token: string): RecordedRequest[] {
  return h.fakeDiscord.forToken(token).filter((r) => r.path.endsWith('/callback'));
}
