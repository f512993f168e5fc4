import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Services } from '../core/services.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import { createScheduler } from './scheduler.js';

const services: Services = {
  config: loadConfig({ SYNC_CREDITS_MINUTES: '7', SYNC_ACTIVITY_MINUTES: '90' }),
  openrouter: { hasManagementKey: false, hasInferenceKey: false } as unknown as OpenRouterClient,
  store: {
    available: () => false,
    get() {
      throw new Error('store down');
    },
  },
  log: createLogger({ level: 'silent' }),
  metrics: createMetrics({ defaults: false }),
  now: () => new Date('2026-11-23T08:00:00Z'),
};

describe('scheduler', () => {
  it('starts and stops its cron jobs (intervals that do not divide an hour included)', async () => {
    const s = createScheduler({ services, adapters: new Map(), log: services.log });
    s.start();
    s.start();
    await s.stop();
    await s.stop();
  });

  it('skips a job while the store is down instead of failing', async () => {
    const s = createScheduler({ services, adapters: new Map(), log: services.log });
    expect(await s.runNow('digests')).toEqual({ ran: false });
    expect(await s.runNow('credits')).toEqual({ ran: false });
  });
});
