/**
 * `topup` against the OpenRouter simulator and a real store (PGlite, or the Postgres server of
 * TEST_DATABASE_URL), through the dispatch boundary the adapters use: the amount follows from the
 * live balance and the synced daily spend; bad input gets one clear line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import type { Actor, Services } from '../../src/core/services.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { setCredits } from '../../src/openrouter/simulator/state.js';
import { type TestDb, testDb } from '../support/db.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const NOW = new Date('2026-12-30T12:00:00.000Z');
const ALICE: Actor = { platform: 'slack', userId: 'U0ALICE1', workspaceId: 'T0ACME01', channelId: 'C0GENERAL' };

let or: TestOpenRouter;
let store: TestDb;
let services: Services;

beforeAll(async () => {
  or = await startTestOpenRouter({ now: NOW, client: { cacheTtlMs: { credits: 0 } } });
  store = await testDb();
  await store.reset();
  services = {
    config: loadConfig({ COMMAND_RATE_LIMIT: '1000' }),
    openrouter: or.client,
    store: { available: () => true, get: () => store.handle },
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now: () => NOW,
  };
  await syncOnce({ db: store.db, openrouter: or.client, now: () => NOW, logger: services.log });
});
afterAll(async () => {
  await store?.close();
  await or?.close();
});

describe('topup', () => {
  it('says how much to buy to last past the year end, and when credits run out without it', async () => {
    const state = or.sim.state.account;
    setCredits(or.sim.state, { totalCredits: state.totalUsage + 20 }); // $20 left
    const r = await createBot(services, commands, buttons).runText('topup 2027-01-31', ALICE);
    expect(r.outcome).toBe('ok');
    expect(r.reply.title).toMatch(/^Top up \$\d+\.\d{2}$/);
    expect(r.reply.summary).toContain('To last through 2027-01-31 (UTC) at the current burn');
    expect(r.reply.summary).toContain('against a balance of $20.00');
    const runsOut = r.reply.fields?.find((f) => f.label === 'Runs out without a top-up')?.value ?? '';
    expect(runsOut >= '2026-12-30' && runsOut < '2027-01-31').toBe(true);
    expect(r.reply.notes?.[0]).toMatch(/last 28 complete days \(UTC\): \$[\d.]+\/weekday, \$[\d.]+\/weekend day/);
  });

  it('refuses absurd days and past dates in one line with the right form', async () => {
    const bot = createBot(services, commands, buttons);
    for (const [text, why] of [
      ['topup 0', 'at least 1 day'],
      ['topup 5000', 'at most 366 days'],
      ['topup 2026-01-01', 'not in the future'],
      ['topup tomorrow', 'not a number of days or a date'],
    ] as const) {
      const r = await bot.runText(text, ALICE);
      expect(r.outcome, text).toBe('user_error');
      expect(r.reply.summary, text).toContain(why);
    }
  });
});
