/**
 * The demo's "runaway" scene (`demo runaway` at the demo prompt): a runaway alert rule for a demo
 * channel, two calm credits checks, then the simulator makes the `staging` key spend $6 in ten
 * minutes and the next credits check — the same one the service runs and `credits-bot alert check`
 * runs — reports it. The posted alert is shown in the console.
 * @module
 */

import type { Bot, CommandResult } from '../commands/dispatch.js';
import { keyActionButtons } from '../commands/keys/buttons.js';
import type { ChatAdapter } from '../core/chat-adapter.js';
import { type Reply, reply } from '../core/reply.js';
import type { Platform, Services } from '../core/services.js';
import { upsertKeyRule } from '../db/queries/key-alerts.js';
import { runCreditsCheck } from '../jobs/credits-check.js';
import type { Logger } from '../logger.js';
import type { Simulator } from '../openrouter/simulator/server.js';

const STEP_MS = 10 * 60_000;
const BURN_USD = 6;
const BURN_KEY = 'staging';

/** Wraps the demo's bot so `demo runaway` plays the scene; every other line goes to the bot. */
export function withRunawayScene(
  bot: Bot,
  p: { services: Services; sim: Simulator; log: Logger; advance: (ms: number) => void },
): Bot {
  const posted: Reply[] = [];
  const channel: ChatAdapter = {
    name: 'slack',
    start: async () => {},
    stop: async () => {},
    ready: () => true,
    async post(_target, message) {
      posted.push(message);
      return { messageId: `demo-${posted.length}`, deduplicated: false };
    },
  };
  const adapters = new Map<Platform, ChatAdapter>([['slack', channel]]);
  const check = () =>
    runCreditsCheck({ services: p.services, adapters, log: p.log, runawayButtons: (key) => keyActionButtons(key) });

  async function scene(): Promise<CommandResult> {
    const { db } = p.services.store.get();
    await upsertKeyRule(db, {
      platform: 'slack',
      workspaceId: 'T0DEMO',
      channelId: 'C0DEMOALERTS',
      kind: 'runaway',
      target: 'all',
      threshold: 5,
      createdBy: 'demo',
      now: p.services.now(),
    });
    const before = posted.length;
    await check(); // the first readings of every key
    p.advance(STEP_MS);
    await check(); // calm: normal spend
    p.advance(STEP_MS);
    const key = p.sim.state.keys.find((k) => k.name === BURN_KEY);
    if (!key) throw new Error(`the demo seed has no ${BURN_KEY} key`);
    p.sim.spend(key.hash, BURN_USD);
    await check();
    const alert = posted.slice(before).at(-1);
    const intro = `(demo) The simulator made key ${BURN_KEY} spend $${BURN_USD} in 10 minutes; the next credits check (as \`credits-bot alert check\` runs it) posted this to the alert channel:`;
    if (!alert) {
      return { outcome: 'ok', reply: reply({ title: 'Runaway scene', summary: `${intro} nothing (see the logs).` }) };
    }
    return { outcome: 'ok', command: 'demo', reply: { ...alert, notes: [intro, ...(alert.notes ?? [])], buttons: [] } };
  }

  return {
    ...bot,
    runText: (text, actor) => (text.trim().toLowerCase() === 'demo runaway' ? scene() : bot.runText(text, actor)),
  };
}
