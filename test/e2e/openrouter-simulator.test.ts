import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDemoSeed,
  DEMO_INFERENCE_KEY,
  DEMO_KEYS,
  DEMO_MANAGEMENT_KEY,
} from '../../src/openrouter/simulator/seed.js';
import { addActivity, keyUsage, sha256Hex } from '../../src/openrouter/simulator/state.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
beforeEach(async () => {
  or = await startTestOpenRouter();
});
afterEach(async () => {
  await or.close();
});

async function json<T>(r: Response | Promise<Response>): Promise<T> {
  return (await (await r).json()) as T;
}
type Data = { data: Record<string, unknown> };
type ModelList = {
  total_count: number;
  data: { id: string; pricing: { prompt: unknown } }[];
  links: { next: string | null };
};

const get = (path: string, key?: string) =>
  fetch(`${or.sim.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('OpenRouter simulator', () => {
  it('binds 127.0.0.1 and serves under /api/v1', () => {
    expect(or.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('serves /auth/key as an alias of /key, with the deprecated rate_limit', async () => {
    const a = await json<Data>(get('/key', DEMO_INFERENCE_KEY));
    const b = await json<Data>(get('/auth/key', DEMO_INFERENCE_KEY));
    expect(b).toEqual(a);
    expect(a.data.rate_limit).toEqual({
      requests: -1,
      interval: '10s',
      note: 'This field is deprecated and safe to ignore.',
    });
    expect(or.sim.calls).toMatchObject({ '/key': 1, '/auth/key': 1 });
  });

  it('serves /keys/{hash} and 404s an unknown hash; management keys only', async () => {
    const hash = sha256Hex(DEMO_KEYS.staging);
    const one = await json<Data>(get(`/keys/${hash}`, DEMO_MANAGEMENT_KEY));
    expect(one.data).toMatchObject({ hash, name: 'staging', limit_reset: 'weekly' });
    const missing = await get(`/keys/${'0'.repeat(64)}`, DEMO_MANAGEMENT_KEY);
    expect(missing.status).toBe(404);
    expect((await json<{ error: { code: number } }>(missing)).error.code).toBe(404);
    expect((await get(`/keys/${hash}`, DEMO_INFERENCE_KEY)).status).toBe(403);
  });

  it('serves /models without auth with string prices, and /model/{author}/{slug}', async () => {
    const list = await json<ModelList>(get('/models'));
    expect(list.total_count).toBe(list.data.length);
    expect(list.links.next).toBeNull();
    expect(typeof list.data[0]?.pricing.prompt).toBe('string');
    const one = await get('/model/openai/gpt-4.1');
    expect((await json<Data>(one)).data.id).toBe('openai/gpt-4.1');
    expect((await get('/model/nobody/nothing')).status).toBe(404);
  });

  it('computes key usage windows from activity on the simulator clock (UTC week from Monday)', () => {
    const state = or.sim.state;
    const key = state.keys.find((k) => k.name === 'staging');
    if (!key) throw new Error('no staging key');
    const before = keyUsage(state, key, TEST_NOW);
    const row = {
      keyHash: key.hash,
      model: 'openai/gpt-4.1-mini',
      permaslug: 'openai/gpt-4.1-mini-2025-04-14',
      endpointId: 'e',
      providerName: 'OpenAI',
      usage: 1,
      byokUsageInference: 0,
      requests: 1,
      promptTokens: 1,
      completionTokens: 1,
      reasoningTokens: 0,
    };
    const totalBefore = state.account.totalUsage;
    addActivity(state, [
      { ...row, date: '2026-03-18' }, // today (Wednesday)
      { ...row, date: '2026-03-16' }, // this week's Monday
      { ...row, date: '2026-03-15' }, // last week's Sunday, same month
      { ...row, date: '2026-02-28' }, // last month
    ]);
    const after = keyUsage(state, key, TEST_NOW);
    expect(after.usage_daily - before.usage_daily).toBeCloseTo(1);
    expect(after.usage_weekly - before.usage_weekly).toBeCloseTo(2);
    expect(after.usage_monthly - before.usage_monthly).toBeCloseTo(3);
    expect(after.usage - before.usage).toBeCloseTo(4);
    expect(state.account.totalUsage - totalBefore).toBeCloseTo(4);
  });

  it('keeps account usage consistent with activity and stays deterministic', () => {
    const a = createDemoSeed(TEST_NOW);
    const b = createDemoSeed(TEST_NOW);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const activity = a.activity.reduce((s, r) => s + r.usage, 0);
    const historical = a.keys.reduce((s, k) => s + k.historicalUsage, 0);
    expect(a.account.totalUsage).toBeGreaterThan(activity + historical);
    const perKey = a.keys.reduce((s, k) => s + keyUsage(a, k, TEST_NOW).usage, 0);
    expect(perKey).toBeLessThanOrEqual(a.account.totalUsage);
    expect(a.keys.filter((k) => !k.management)).toHaveLength(7); // five in the default workspace, two in Research
    expect(a.generations.length).toBeGreaterThanOrEqual(10);
  });

  it('pins and moves the clock; faults apply the given number of times', async () => {
    or.sim.inject({ endpoint: '/credits', status: 503, times: 2 });
    expect((await get('/credits', DEMO_MANAGEMENT_KEY)).status).toBe(503);
    expect((await get('/credits', DEMO_MANAGEMENT_KEY)).status).toBe(503);
    expect((await get('/credits', DEMO_MANAGEMENT_KEY)).status).toBe(200);
    or.sim.inject({ status: 500, times: Number.POSITIVE_INFINITY });
    or.sim.clearFaults();
    expect((await get('/key', DEMO_INFERENCE_KEY)).status).toBe(200);
    or.sim.setNow(new Date('2026-04-01T00:00:00Z'));
    expect(or.sim.now().toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });
});
