/**
 * Core `Services` for suites that build a bot by hand: a given store, or none (`NO_STORE`, for suites
 * that exercise only OpenRouter-backed answers and platform behaviour), and metrics without the
 * process defaults.
 * @module
 */
import type { Config } from '../../src/config.js';
import type { Services, Store } from '../../src/core/services.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { OpenRouterClient } from '../../src/openrouter/types.js';

export const NO_STORE: Store = {
  available: () => false,
  get() {
    throw new Error('no store in this test');
  },
};

export function testServices(p: {
  config: Config;
  openrouter: OpenRouterClient;
  now: () => Date;
  store?: Store;
  log?: Logger;
}): Services {
  return {
    config: p.config,
    openrouter: p.openrouter,
    store: p.store ?? NO_STORE,
    log: p.log ?? createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now: p.now,
  };
}
