/**
 * The OpenRouter simulator on 127.0.0.1:0 with a fixed test clock, plus a client pointed at it.
 * @module
 */
import {
  createOpenRouterClient,
  type OpenRouterClientConfig,
  type OpenRouterHttpClient,
} from '../../src/openrouter/client.js';
import { createDemoSeed, DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/openrouter/simulator/server.js';
import type { SimState } from '../../src/openrouter/simulator/state.js';

/** A Wednesday, midday UTC. */
export const TEST_NOW = new Date('2026-03-18T12:00:00.000Z');

export interface TestOpenRouter {
  sim: Simulator;
  client: OpenRouterHttpClient;
  /** Another client on the same simulator (own cache and breaker). */
  makeClient(config?: Partial<OpenRouterClientConfig>): OpenRouterHttpClient;
  close(): Promise<void>;
}

export async function startTestOpenRouter(
  opts: {
    now?: Date;
    seed?: SimState;
    inferenceCreditsMode?: SimulatorOptions['inferenceCreditsMode'];
    client?: Partial<OpenRouterClientConfig>;
  } = {},
): Promise<TestOpenRouter> {
  const now = opts.now ?? TEST_NOW;
  const sim = await startSimulator({
    seed: opts.seed ?? createDemoSeed(now),
    now: () => now,
    ...(opts.inferenceCreditsMode ? { inferenceCreditsMode: opts.inferenceCreditsMode } : {}),
  });
  const makeClient = (config: Partial<OpenRouterClientConfig> = {}) =>
    createOpenRouterClient({
      baseUrl: sim.url,
      apiKey: DEMO_INFERENCE_KEY,
      managementKey: DEMO_MANAGEMENT_KEY,
      timeoutMs: 2_000,
      defaultBudgetMs: 5_000,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      ...opts.client,
      ...config,
    });
  return { sim, client: makeClient(), makeClient, close: () => sim.close() };
}
