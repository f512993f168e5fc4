/**
 * The client's `notAfter` (issue 14 item 5): every call ends by then whatever budget its caller
 * asked for, so a one-shot `credits-bot ask` answers in time when OpenRouter hangs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterError } from '../../src/errors.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter();
});
afterAll(async () => {
  await or.close();
});

describe('OpenRouter client notAfter', () => {
  it('ends a call to a hanging OpenRouter by notAfter, not by the caller’s longer budget', async () => {
    or.sim.inject({ hang: true, times: Infinity });
    try {
      const started = Date.now();
      const client = or.makeClient({ timeoutMs: 10_000, notAfter: started + 500 });
      const error = await client.getCredits({ budgetMs: 8_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenRouterError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      or.sim.clearFaults();
    }
  });

  it('leaves calls alone before notAfter', async () => {
    const client = or.makeClient({ notAfter: Date.now() + 60_000 });
    expect((await client.getCredits({ budgetMs: 8_000 })).totalCredits).toBeGreaterThan(0);
  });
});
