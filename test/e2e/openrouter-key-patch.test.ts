/**
 * The client's `getKey` / `updateKey` against the simulator over HTTP: `PATCH /keys/{hash}` sends only
 * the fields given, with the management key, is never cached or shared between calls, and a refusal
 * is an OpenRouterError with the status and OpenRouter's message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterError } from '../../src/errors.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter();
});
afterAll(async () => {
  await or?.close();
});

const hashOf = (name: string) => or.sim.state.keys.find((k) => k.name === name)?.hash ?? '';

describe('getKey / updateKey', () => {
  it('sends exactly the given fields and answers the key as it is afterwards', async () => {
    const hash = hashOf('staging');
    const before = await or.client.getKey(hash);
    expect(before).toMatchObject({ name: 'staging', disabled: false, limit: 60, limitReset: 'weekly' });
    const after = await or.client.updateKey(hash, { limit: 80, limitReset: 'monthly' });
    expect(after).toMatchObject({ name: 'staging', disabled: false, limit: 80, limitReset: 'monthly' });
    expect(or.sim.patches).toEqual([{ hash, body: { limit: 80, limit_reset: 'monthly' } }]);
  });

  it('never shares or caches a PATCH: two identical calls are two requests', async () => {
    const hash = hashOf('ci');
    or.sim.patches.length = 0;
    await Promise.all([or.client.updateKey(hash, { disabled: true }), or.client.updateKey(hash, { disabled: true })]);
    await or.client.updateKey(hash, { disabled: true });
    expect(or.sim.patches).toHaveLength(3);
    expect((await or.client.getKey(hash)).disabled).toBe(true);
  });

  it('a refusal is an OpenRouterError with the status and message, and needs the management key', async () => {
    await expect(or.client.updateKey('0'.repeat(64), { disabled: true })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('API key not found'),
    });
    await expect(or.client.updateKey(hashOf('ci'), { limit: -1 })).rejects.toBeInstanceOf(OpenRouterError);
    const noManagement = or.makeClient({ managementKey: undefined });
    await expect(noManagement.updateKey(hashOf('ci'), { disabled: false })).rejects.toThrow(
      /OPENROUTER_MANAGEMENT_KEY/,
    );
  });
});
