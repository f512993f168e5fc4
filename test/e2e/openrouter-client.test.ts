import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingKeyError, OpenRouterError } from '../../src/errors.js';
import { createOpenRouterClient } from '../../src/openrouter/client.js';
import {
  DEMO_GENERATION_IDS,
  DEMO_INFERENCE_KEY,
  DEMO_KEYS,
  DEMO_MANAGEMENT_KEY,
} from '../../src/openrouter/simulator/seed.js';
import { addKey, sha256Hex } from '../../src/openrouter/simulator/state.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';

const ALL_KEYS = Object.values(DEMO_KEYS);

async function caught(p: Promise<unknown>): Promise<OpenRouterError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof OpenRouterError) return error;
    throw error;
  }
  throw new Error('expected an OpenRouterError');
}

function expectNoSecret(text: string): void {
  for (const key of ALL_KEYS) expect(text).not.toContain(key);
  expect(text).not.toMatch(/sk-or-v1-demo-[a-z-]+-not-a-real-key-0{8}/);
}

let or: TestOpenRouter;
beforeEach(async () => {
  or = await startTestOpenRouter();
});
afterEach(async () => {
  await or.close();
});

describe('OpenRouter client against the simulator', () => {
  it('reads credits, the current key, keys, activity, models and a generation', async () => {
    const credits = await or.client.getCredits();
    expect(credits.totalCredits).toBeGreaterThan(credits.totalUsage);
    const balance = credits.totalCredits - credits.totalUsage;
    expect(balance).toBeGreaterThan(200);
    expect(balance).toBeLessThan(400);

    const key = await or.client.getCurrentKey();
    expect(key).toMatchObject({
      label: 'sk-or-v1-dem...prod',
      isManagementKey: false,
      limit: 600,
      limitReset: 'monthly',
    });
    expect(key.usageDaily).toBeGreaterThan(0);
    expect(key.usageMonthly).toBeGreaterThanOrEqual(key.usageDaily);
    expect(key.raw.rate_limit).toMatchObject({ requests: -1 });

    const keys = await or.client.listKeys();
    // Both workspaces (issue 12): the Research workspace's keys are listed too.
    expect(keys.map((k) => k.name).sort()).toEqual([
      'alice-dev',
      'ci',
      'production',
      'research-batch',
      'research-notebook',
      'staging',
    ]);
    const withDisabled = await or.client.listKeys({ includeDisabled: true });
    expect(withDisabled.find((k) => k.disabled)?.name).toBe('old-prototype');
    expect(withDisabled.find((k) => k.name === 'production')?.hash).toBe(sha256Hex(DEMO_INFERENCE_KEY));

    const rows = await or.client.getActivity();
    const dates = new Set(rows.map((r) => r.date));
    expect(dates.size).toBe(30);
    expect(dates.has('2026-03-18')).toBe(false);
    expect(dates.has('2026-03-17')).toBe(true);
    expect(dates.has('2026-02-16')).toBe(true);

    const models = await or.client.listModels();
    expect(models.length).toBeGreaterThanOrEqual(12);
    expect(models.find((m) => m.id.endsWith(':free'))?.pricing.prompt).toBe(0);
    expect(models.find((m) => m.pricing.overrides.length > 0)).toBeDefined();
    expect(models.find((m) => m.expirationDate !== null)).toBeDefined();

    const g = await or.client.getGeneration(DEMO_GENERATION_IDS.byok);
    expect(g).toMatchObject({ isByok: true, totalCost: 0, upstreamInferenceCost: 0.020415 });
  });

  it('filters activity by date and key, and rejects a bad date with 400 (no retry)', async () => {
    const all = await or.client.getActivity();
    const day = await or.client.getActivity({ date: '2026-03-10' });
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((r) => r.date === '2026-03-10')).toBe(true);
    const staging = sha256Hex(DEMO_KEYS.staging);
    const stagingRows = await or.client.getActivity({ apiKeyHash: staging });
    const stagingModels = new Set(stagingRows.map((r) => r.model));
    expect([...stagingModels].sort()).toEqual([
      'anthropic/claude-haiku-4.5',
      'openai/gpt-4.1-mini',
      'x-ai/grok-4-fast',
    ]);
    const sum = (rs: typeof all) => rs.reduce((s, r) => s + r.usage, 0);
    expect(sum(stagingRows)).toBeLessThan(sum(all));
    // one row per (date, model, endpoint) in the account view
    const ids = all.map((r) => `${r.date}|${r.model}|${r.endpointId}`);
    expect(new Set(ids).size).toBe(ids.length);

    or.sim.resetCalls();
    for (const date of ['2026-13-01', '2026-03-18', '2026-01-01', 'yesterday']) {
      const err = await caught(or.client.getActivity({ date }));
      expect(err.status).toBe(400);
    }
    expect(or.sim.calls['/activity']).toBe(4);
  });

  it('throws MissingKeyError before any call', async () => {
    const bare = or.makeClient({ apiKey: undefined, managementKey: undefined });
    await expect(bare.getCredits()).rejects.toBeInstanceOf(MissingKeyError);
    await expect(bare.getActivity()).rejects.toMatchObject({ variable: 'OPENROUTER_MANAGEMENT_KEY' });
    await expect(bare.listKeys()).rejects.toMatchObject({ variable: 'OPENROUTER_MANAGEMENT_KEY' });
    await expect(bare.getCurrentKey()).rejects.toMatchObject({ variable: 'OPENROUTER_API_KEY' });
    await expect(bare.getGeneration('gen-1')).rejects.toBeInstanceOf(MissingKeyError);
    expect(or.sim.calls).toEqual({});
    // /models needs no key; it lists text-output models unless asked for all (reference §6, §12)
    const textOnly = or.sim.state.models.filter((m) =>
      ((m.architecture as { output_modalities: string[] }).output_modalities ?? []).includes('text'),
    );
    expect(await bare.listModels()).toHaveLength(textOnly.length);
    expect(await bare.listModels({ all: true })).toHaveLength(or.sim.state.models.length);
    expect(textOnly.length).toBeLessThan(or.sim.state.models.length);
    expect(bare.hasInferenceKey || bare.hasManagementKey).toBe(false);
  });

  it('uses the management key for /generation when there is no inference key', async () => {
    const mgmt = or.makeClient({ apiKey: undefined });
    expect(await mgmt.getGeneration(DEMO_GENERATION_IDS.simple)).toMatchObject({ id: DEMO_GENERATION_IDS.simple });
  });

  it('maps 401 and 403 without retrying, and never shows the key', async () => {
    const unknownKey = 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000bad';
    const unknown = or.makeClient({ apiKey: unknownKey });
    const e401 = await caught(unknown.getCurrentKey());
    expect(e401).toMatchObject({ status: 401, code: 401, kind: 'http' });
    expect(e401.message).toContain('User not found.');
    expect(e401.message).not.toContain(unknownKey);

    const disabled = or.makeClient({ apiKey: DEMO_KEYS.disabled });
    expect((await caught(disabled.getCurrentKey())).status).toBe(401);

    const wrong = or.makeClient({ managementKey: DEMO_INFERENCE_KEY });
    or.sim.resetCalls();
    const e403 = await caught(wrong.getActivity());
    expect(e403).toMatchObject({ status: 403, code: 403 });
    expect(e403.message).toContain('Only management keys can perform this operation');
    expect(or.sim.calls['/activity']).toBe(1);
    expect((await caught(wrong.getCredits())).status).toBe(403);
    expect((await caught(wrong.listKeys())).status).toBe(403);

    const noHeader = await fetch(`${or.sim.url}/key`);
    expect(noHeader.status).toBe(401);
    expect(await noHeader.json()).toEqual({ error: { code: 401, message: 'No auth credentials found' } });
  });

  it('does not trust /credits from an inference key (403 or zeros) even with the legacy fallback', async () => {
    const inferenceOnly = or.makeClient({ managementKey: undefined, inferenceCreditsFallback: true });
    await expect(inferenceOnly.getCredits()).rejects.toBeInstanceOf(MissingKeyError);
    or.sim.inferenceCreditsMode = 'zeros';
    await expect(
      or.makeClient({ managementKey: undefined, inferenceCreditsFallback: true }).getCredits(),
    ).rejects.toBeInstanceOf(MissingKeyError);
    or.sim.inferenceCreditsMode = 'real';
    const legacy = await or.makeClient({ managementKey: undefined, inferenceCreditsFallback: true }).getCredits();
    expect(legacy.totalCredits).toBeGreaterThan(0);
    or.sim.resetCalls();
    await expect(or.makeClient({ managementKey: undefined }).getCredits()).rejects.toBeInstanceOf(MissingKeyError);
    expect(or.sim.calls['/credits']).toBeUndefined();
  });

  it('maps 402, including the older doubly nested shape, without retrying', async () => {
    or.sim.inject({ endpoint: '/key', status: 402 });
    const e = await caught(or.client.getCurrentKey({ fresh: true }));
    expect(e).toMatchObject({ status: 402, code: 402 });
    expect(e.message).toContain('Insufficient credits');
    expect(or.sim.calls['/key']).toBe(1);

    or.sim.inject({
      endpoint: '/key',
      status: 402,
      body: {
        error: {
          error: {
            message: 'More credits are required to run this request. 128000 token capacity required, 19484 available',
            code: 402,
            metadata: { limit_source: 'openrouter_credits' },
          },
          code: 402,
        },
      },
    });
    const nested = await caught(or.client.getCurrentKey({ fresh: true }));
    expect(nested).toMatchObject({ status: 402, code: 402, metadata: { limit_source: 'openrouter_credits' } });
    expect(nested.message).toContain('19484 available');
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    or.sim.inject({ endpoint: '/credits', status: 429, retryAfter: 1 });
    const started = Date.now();
    const credits = await or.client.getCredits();
    expect(credits.totalCredits).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(or.sim.calls['/credits']).toBe(2);
  });

  it('gives up at once when Retry-After is beyond the budget, with the 429 and its headers', async () => {
    or.sim.inject({ endpoint: '/credits', status: 429, retryAfter: 30 });
    const started = Date.now();
    const e = await caught(or.client.getCredits({ budgetMs: 2_000 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(e).toMatchObject({ status: 429, retryAfterMs: 30_000 });
    const raw = await (async () => {
      or.sim.inject({ endpoint: '/credits', status: 429 });
      return fetch(`${or.sim.url}/credits`, { headers: { authorization: `Bearer ${DEMO_MANAGEMENT_KEY}` } });
    })();
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(raw.headers.get('x-ratelimit-reset'))).toBeGreaterThan(TEST_NOW.getTime());
  });

  it('retries 500s with backoff and then succeeds; stops after maxAttempts', async () => {
    or.sim.inject({ endpoint: '/activity', status: 500, times: 2 });
    const rows = await or.client.getActivity();
    expect(rows.length).toBeGreaterThan(0);
    expect(or.sim.calls['/activity']).toBe(3);

    or.sim.resetCalls();
    or.sim.inject({ endpoint: '/activity', status: 503, times: 10 });
    const e = await caught(or.makeClient({ retry: { maxAttempts: 3, baseDelayMs: 5 } }).getActivity());
    expect(e.status).toBe(503);
    expect(or.sim.calls['/activity']).toBe(3);
  });

  it('cuts a hang by the per-attempt timeout and retries', async () => {
    or.sim.inject({ endpoint: '/key', hang: true });
    const c = or.makeClient({ timeoutMs: 200 });
    const key = await c.getCurrentKey();
    expect(key.label).toContain('sk-or-v1-');
    expect(or.sim.calls['/key']).toBe(2);
  });

  it('cuts a hang by the remaining budget', async () => {
    or.sim.inject({ endpoint: '/credits', hang: true, times: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const e = await caught(or.client.getCredits({ budgetMs: 400 }));
    const took = Date.now() - started;
    expect(e).toMatchObject({ status: 0, kind: 'budget' });
    expect(took).toBeLessThan(1_000);
    expect(or.sim.calls['/credits']).toBe(1);
  });

  it('reports a timeout kind when the per-attempt timeout fires', async () => {
    or.sim.inject({ endpoint: '/credits', hang: true, times: Number.POSITIVE_INFINITY });
    const e = await caught(
      or.makeClient({ timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 5 } }).getCredits({ budgetMs: 3_000 }),
    );
    expect(e).toMatchObject({ status: 0, kind: 'timeout' });
    expect(or.sim.calls['/credits']).toBe(2);
  });

  it('reports a malformed body and a body missing required fields as kind malformed, without retrying', async () => {
    or.sim.inject({ endpoint: '/credits', malformed: true });
    const e = await caught(or.client.getCredits());
    expect(e).toMatchObject({ status: 0, kind: 'malformed' });
    expect(or.sim.calls['/credits']).toBe(1);
    or.sim.inject({ endpoint: '/credits', body: { data: { total_credits: 10 } } });
    expect((await caught(or.client.getCredits({ fresh: true }))).kind).toBe('malformed');
    or.sim.inject({ endpoint: '/credits', body: '\n\n  {"data":{"total_credits":"12.5","total_usage":"2.25"}}' });
    expect(await or.client.getCredits({ fresh: true })).toMatchObject({ totalCredits: 12.5, totalUsage: 2.25 });
  });

  it('a connection refused is a network error', async () => {
    const dead = createOpenRouterClient({
      baseUrl: 'http://127.0.0.1:9/api/v1',
      managementKey: DEMO_MANAGEMENT_KEY,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    const e = await caught(dead.getCredits({ budgetMs: 2_000 }));
    expect(e).toMatchObject({ status: 0, kind: 'network' });
    expectNoSecret(e.message);
  });

  it('pages /keys by 100 until a short page', async () => {
    for (let i = 0; i < 256; i++) {
      addKey(or.sim.state, {
        secret: `sk-or-v1-bulk-${String(i).padStart(4, '0')}-${'0'.repeat(48)}`,
        name: `bulk-${i}`,
        createdAt: new Date(TEST_NOW.getTime() - i * 60_000).toISOString(),
      });
    }
    const keys = await or.client.listKeys({ includeDisabled: true });
    expect(keys).toHaveLength(263); // 256 + 5 in the default workspace + 2 in Research
    expect(new Set(keys.map((k) => k.hash)).size).toBe(263);
    expect(keys[0]?.name).toBe('bulk-0'); // most recent first
    expect(or.sim.calls['/keys']).toBe(4); // 3 pages of the default workspace, 1 of Research
  });

  it('shares one upstream call between 50 identical concurrent fresh calls', async () => {
    or.sim.inject({ endpoint: '/credits', latencyMs: 50 });
    const results = await Promise.all(Array.from({ length: 50 }, () => or.client.getCredits({ fresh: true })));
    expect(new Set(results).size).toBe(1);
    expect(or.sim.calls['/credits']).toBe(1);
  });

  it('caches /credits, /key and /models for their TTL; fresh bypasses the cache', async () => {
    let now = TEST_NOW.getTime();
    const c = or.makeClient({ now: () => now });
    await c.getCredits();
    await c.getCredits();
    await c.getCurrentKey();
    await c.getCurrentKey();
    await c.listModels();
    expect(or.sim.calls).toMatchObject({ '/credits': 1, '/key': 1, '/models': 1 });
    await c.getCredits({ fresh: true });
    expect(or.sim.calls['/credits']).toBe(2);
    now += 15_001;
    await c.getCredits();
    await c.getCurrentKey();
    await c.listModels();
    expect(or.sim.calls).toMatchObject({ '/credits': 3, '/key': 2, '/models': 1 });
    now += 3_600_000;
    await c.listModels();
    expect(or.sim.calls['/models']).toBe(2);

    const uncached = or.makeClient({ cacheTtlMs: { credits: 0 } });
    await uncached.getCredits();
    await uncached.getCredits();
    expect(or.sim.calls['/credits']).toBe(5);
  });

  it('opens the circuit after 5 unavailable failures, fails fast, probes after the cool-down and recovers', async () => {
    let now = TEST_NOW.getTime();
    const c = or.makeClient({
      now: () => now,
      retry: { maxAttempts: 1 },
      cacheTtlMs: { credits: 0, key: 0 },
      circuitBreaker: { threshold: 5, cooldownMs: 30_000, maxCooldownMs: 300_000 },
    });
    or.sim.inject({ status: 502, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) expect((await caught(c.getCredits())).status).toBe(502);
    expect(c.circuitState).toBe('open');
    const open = await caught(c.getCredits());
    expect(open).toMatchObject({ status: 0, kind: 'circuit-open' });
    expect(or.sim.calls['/credits']).toBe(5);
    // One breaker per endpoint (issue 12): /key still goes out while /credits is open.
    expect((await caught(c.getCurrentKey())).status).toBe(502);
    expect(c.circuitStateOf('/key')).toBe('closed');

    now += 30_000; // the probe goes out, fails, and the cool-down doubles
    expect((await caught(c.getCredits())).status).toBe(502);
    expect(or.sim.calls['/credits']).toBe(6);
    now += 30_000;
    expect((await caught(c.getCredits())).kind).toBe('circuit-open');
    now += 30_000;
    or.sim.clearFaults();
    expect((await c.getCredits()).totalCredits).toBeGreaterThan(0);
    expect(c.circuitState).toBe('closed');
    expect(await c.getCurrentKey()).toBeDefined();
  });

  it('does not count 4xx answers towards the circuit', async () => {
    const c = or.makeClient({ retry: { maxAttempts: 1 }, circuitBreaker: { threshold: 2 } });
    or.sim.inject({ endpoint: '/activity', status: 402, times: 5 });
    for (let i = 0; i < 5; i++) expect((await caught(c.getActivity())).status).toBe(402);
    expect(c.circuitState).toBe('closed');
  });

  it('answers null for a generation until it is published, then the generation', async () => {
    expect(await or.client.getGeneration(DEMO_GENERATION_IDS.pending)).toBeNull();
    expect(await or.client.getGeneration('gen-0000000000-unknownunknownunknow')).toBeNull();
    or.sim.setNow(new Date(TEST_NOW.getTime() + 3_000));
    const g = await or.client.getGeneration(DEMO_GENERATION_IDS.pending);
    expect(g).toMatchObject({ id: DEMO_GENERATION_IDS.pending, model: 'anthropic/claude-4.5-haiku-20251001' });
    const fallback = await or.client.getGeneration(DEMO_GENERATION_IDS.fallbackAfter429);
    expect(fallback?.providerResponses.map((p) => p.status)).toEqual([429, 200]);
    const cached = await or.client.getGeneration(DEMO_GENERATION_IDS.cacheDiscount);
    expect(cached?.cacheDiscount).toBeGreaterThan(0);
    expect(cached?.nativeTokensCached).toBeGreaterThan(0);
    const cancelled = await or.client.getGeneration(DEMO_GENERATION_IDS.cancelledStream);
    expect(cancelled).toMatchObject({ cancelled: true, streamed: true });
  });

  it('reports every attempt to onCall', async () => {
    const seen: [string, number | 'error'][] = [];
    const c = or.makeClient({ onCall: (endpoint, status) => void seen.push([endpoint, status]) });
    or.sim.inject({ endpoint: '/key', status: 500 });
    await c.getCurrentKey();
    await c.getGeneration(DEMO_GENERATION_IDS.pending);
    expect(seen).toEqual([
      ['/key', 500],
      ['/key', 200],
      ['/generation', 404],
    ]);
  });

  it('keeps every key out of error messages and log lines', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const c = or.makeClient({ logger, timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    const errors: OpenRouterError[] = [];
    or.sim.inject({
      endpoint: '/credits',
      status: 400,
      body: { error: { code: 400, message: `bad key ${DEMO_MANAGEMENT_KEY} and Bearer ${DEMO_INFERENCE_KEY}` } },
    });
    errors.push(await caught(c.getCredits()));
    or.sim.inject({ endpoint: '/key', status: 500, body: `<html>oops ${DEMO_INFERENCE_KEY}</html>`, times: 2 });
    errors.push(await caught(c.getCurrentKey()));
    or.sim.inject({ endpoint: '/activity', hang: true, times: 2 });
    errors.push(await caught(c.getActivity()));
    or.sim.inject({ endpoint: '/keys', malformed: true });
    errors.push(await caught(c.listKeys()));
    errors.push(await caught(or.makeClient({ apiKey: DEMO_KEYS.disabled }).getCurrentKey()));
    expect(errors.map((e) => e.status)).toEqual([400, 500, 0, 0, 401]);
    expect(errors[0]?.message).toContain('…mgmt');
    for (const e of errors) {
      expectNoSecret(e.message);
      expectNoSecret(JSON.stringify(e.metadata ?? {}));
      expectNoSecret(String(e.stack));
    }
    expect(lines.length).toBeGreaterThan(3);
    expectNoSecret(lines.join('\n'));
  });
});

describe('OpenRouter client against the real-service behaviours (issue 12)', () => {
  let or: TestOpenRouter;
  beforeEach(async () => {
    or = await startTestOpenRouter();
  });
  afterEach(async () => {
    await or.close();
  });

  it('a burst of 429s on /generation opens no breaker, and /credits keeps answering live', async () => {
    const c = or.makeClient({
      retry: { maxAttempts: 1 },
      cacheTtlMs: { credits: 0, key: 0 },
      circuitBreaker: { threshold: 3 },
    });
    or.sim.inject({ endpoint: '/generation', status: 429, retryAfter: 1, times: 20 });
    for (let i = 0; i < 10; i++) {
      const e = await caught(c.getGeneration(DEMO_GENERATION_IDS.simple));
      expect(e.status).toBe(429);
    }
    expect(or.sim.calls['/generation']).toBe(10); // every one went out: 429 is back-pressure, not a fault
    expect(c.circuitStateOf('/generation')).toBe('closed');
    const credits = await c.getCredits();
    expect(credits.totalCredits - credits.totalUsage).toBeCloseTo(
      or.sim.state.account.totalCredits - or.sim.state.account.totalUsage,
      6,
    );
    expect(or.sim.calls['/credits']).toBe(1);
  });

  it('5xx storms on /generation open only its breaker', async () => {
    const c = or.makeClient({
      retry: { maxAttempts: 1 },
      cacheTtlMs: { credits: 0 },
      circuitBreaker: { threshold: 3 },
    });
    or.sim.inject({ endpoint: '/generation', status: 503, times: 3 });
    for (let i = 0; i < 3; i++) await caught(c.getGeneration(DEMO_GENERATION_IDS.simple));
    expect(c.circuitStateOf('/generation')).toBe('open');
    expect((await caught(c.getGeneration(DEMO_GENERATION_IDS.simple))).kind).toBe('circuit-open');
    expect((await c.getCredits()).totalCredits).toBeGreaterThan(0);
  });

  it('lists every workspace’s keys, each with its workspace', async () => {
    const keys = await or.client.listKeys({ includeDisabled: true });
    const expected = or.sim.state.keys.filter((k) => !k.management);
    expect(keys.map((k) => k.hash).sort()).toEqual(expected.map((k) => k.hash).sort());
    for (const k of keys) expect(k.workspaceId).toBe(expected.find((e) => e.hash === k.hash)?.workspaceId);
    const workspaces = await or.client.listWorkspaces();
    expect(workspaces.map((w) => w.slug)).toEqual(['default', 'research']);
    const one = await or.client.listKeys({ workspaceId: workspaces[1]?.id ?? '' });
    expect(one.map((k) => k.name).sort()).toEqual(['research-batch', 'research-notebook']);
  });

  it('falls back to the plain /keys listing when /workspaces is 404 (older API)', async () => {
    or.sim.inject({ endpoint: '/workspaces', status: 404 });
    const keys = await or.client.listKeys({ includeDisabled: true });
    expect(keys.map((k) => k.name).sort()).toEqual(['alice-dev', 'ci', 'old-prototype', 'production', 'staging']);
  });

  it('reads "YYYY-MM-DD 00:00:00" activity dates as dates', async () => {
    const rows = await or.client.getActivity();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date))).toBe(true);
  });

  it('stays lenient: new fields, and missing fields the SDK requires, never break an answer', async () => {
    const key = (await (
      await fetch(`${or.sim.url}/key`, { headers: { authorization: `Bearer ${DEMO_INFERENCE_KEY}` } })
    ).json()) as { data: Record<string, unknown> };
    const {
      workspace_id: _w,
      allowed_data_regions: _a,
      organization_id: _o,
      rate_limit: _r,
      is_provisioning_key: _p,
      ...trimmed
    } = key.data;
    or.sim.inject({ endpoint: '/key', status: 200, body: { data: { ...trimmed, brand_new_field: { x: 1 } } } });
    const current = await or.client.getCurrentKey({ fresh: true });
    expect(current.limit).toBe(key.data.limit);
    expect(current.workspaceId).toBeNull();
    or.sim.inject({
      endpoint: '/workspaces',
      status: 200,
      body: { data: [{ id: 'ws-1', unknown: true }], total_count: 1, extra: 'x' },
    });
    expect(await or.client.listWorkspaces()).toEqual([{ id: 'ws-1', name: 'ws-1', slug: 'ws-1' }]);
    or.sim.inject({
      endpoint: '/keys',
      status: 200,
      body: { data: [{ hash: 'abc', usage: '1.5', new_counter: 3 }] },
    });
    const [item] = await or.client.listKeys({ workspaceId: 'ws-1' });
    expect(item).toMatchObject({ hash: 'abc', usage: 1.5, externalUser: null, workspaceId: 'ws-1' });
  });
});
