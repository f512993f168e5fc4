/**
 * De-duplication state that must not grow without end or be per-process when replicas share
 * Postgres: the scheduler's prune job drops `processed_events` older than DEDUP_RETENTION_HOURS (and
 * spent rate-limit windows); the per-user command rate limit is counted in Postgres across two
 * handles ("replicas"), and in memory on PGlite.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import type { Actor, Services } from '../../src/core/services.js';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { markProcessed } from '../../src/db/queries/processed-events.js';
import { bumpRateWindow } from '../../src/db/queries/rate-windows.js';
import { commandRateWindows, processedEvents } from '../../src/db/schema.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { describeEachBackend } from '../support/db.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const NOW = new Date('2026-11-23T08:00:30.000Z');
const HOUR = 3_600_000;
const ALICE: Actor = { platform: 'slack', userId: 'U0ALICE1', workspaceId: 'T0ACME01', channelId: 'C0GENERAL' };
const BOB: Actor = { ...ALICE, userId: 'U0BOB001' };

let or: TestOpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter({ now: NOW });
});
afterAll(async () => {
  await or?.close();
});

function services(handle: DbHandle, env: Record<string, string>, now: () => Date = () => NOW): Services {
  return {
    config: loadConfig(env),
    openrouter: or.client,
    store: { available: () => true, get: () => handle },
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now,
  };
}

describeEachBackend('dedup tables', (s) => {
  it('the prune job drops processed events older than the retention and keeps newer ones', async () => {
    const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR);
    await markProcessed(s.db, { platform: 'slack', eventId: 'Ev-old-1', at: at(25) });
    await markProcessed(s.db, { platform: 'discord', eventId: 'old-2', at: at(24 * 30) });
    await markProcessed(s.db, { platform: 'slack', eventId: 'Ev-new-1', at: at(23) });
    await markProcessed(s.db, { platform: 'slack', eventId: 'Ev-new-2', at: at(0) });
    await bumpRateWindow(s.db, 'slack:U0OLD', new Date(NOW.getTime() - 10 * 60_000));
    await bumpRateWindow(s.db, 'slack:U0NOW', new Date(NOW.getTime() - (NOW.getTime() % 60_000)));

    const svc = services(s.t.handle, { DEDUP_RETENTION_HOURS: '24' });
    const scheduler = createScheduler({ services: svc, adapters: new Map(), log: svc.log });
    const r = await scheduler.runNow('prune');
    expect(r).toEqual({ ran: true, value: { processedEvents: 2, rateWindows: 1 } });

    const left = await s.db.select({ id: processedEvents.eventId }).from(processedEvents);
    expect(left.map((e) => e.id).sort()).toEqual(['Ev-new-1', 'Ev-new-2']);
    const windows = await s.db.select({ user: commandRateWindows.userKey }).from(commandRateWindows);
    expect(windows.map((w) => w.user)).toEqual(['slack:U0NOW']);
    // Still de-duplicating what is kept; a pruned id is new again.
    expect(await markProcessed(s.db, { platform: 'slack', eventId: 'Ev-new-1' })).toBe(false);
    expect(await markProcessed(s.db, { platform: 'slack', eventId: 'Ev-old-1' })).toBe(true);
    expect((await scheduler.runNow('prune')).value).toEqual({ processedEvents: 0, rateWindows: 0 });
  });

  it('the rate limit holds across two replicas on Postgres (per replica on the embedded store)', async () => {
    const second = s.backend === 'postgres' ? await createDb({ databaseUrl: s.t.url ?? '', max: 2 }) : undefined;
    try {
      let now = NOW;
      const env = { COMMAND_RATE_LIMIT: '3' };
      const a = createBot(
        services(s.t.handle, env, () => now),
        commands,
        buttons,
      );
      const b = createBot(
        services(second ?? s.t.handle, env, () => now),
        commands,
        buttons,
      );
      const outcomes = [];
      for (const bot of [a, b, a, b, a]) outcomes.push((await bot.runText('help', ALICE)).outcome);
      if (s.backend === 'postgres') {
        // One counter for both replicas: the 4th command of the minute is refused wherever it lands.
        expect(outcomes).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
        const refused = await b.runText('help', ALICE);
        expect(refused.reply.summary).toContain('at most 3 commands a minute');
      } else {
        // PGlite is one process: each bot instance counts its own (a: 3 of 3, b: 2 of 3).
        expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
        expect((await a.runText('help', ALICE)).outcome).toBe('rate_limited');
      }
      // Someone else is not limited by Alice, and the next minute starts afresh.
      expect((await b.runText('help', BOB)).outcome).toBe('ok');
      now = new Date(NOW.getTime() + 60_000);
      expect((await a.runText('help', ALICE)).outcome).toBe('ok');
      expect((await b.runText('help', ALICE)).outcome).toBe('ok');
    } finally {
      await second?.close();
    }
  });
});
