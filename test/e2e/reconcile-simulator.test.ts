import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { createOpenRouterClient } from '../../src/openrouter/client.js';
import { createDemoSeed } from '../../src/openrouter/simulator/seed.js';
import { type Simulator, startSimulator } from '../../src/openrouter/simulator/server.js';
import { addGeneration, addKey } from '../../src/openrouter/simulator/state.js';
import type { OpenRouterClient } from '../../src/openrouter/types.js';
import { createEnrichWorker } from '../../src/reconcile/enrich.js';
import { buildReport, reconcileFile } from '../../src/reconcile/run-reconcile.js';

const KEY = 'sk-or-v1-reconcile-test-key-000000000000000000000000000000000000000000000';
const DAY = '2026-11-20';
let sim: Simulator;
let handle: DbHandle;
let dir: string;
let client: OpenRouterClient;

beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date('2026-11-26T12:00:00Z') });
  addKey(sim.state, { secret: KEY, name: 'app' });
  client = createOpenRouterClient({ baseUrl: sim.url, apiKey: KEY, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  handle = await createDb({ memory: true });
  await migrate(handle);
  dir = await mkdtemp(join(tmpdir(), 'reconcile-sim-'));
});

afterAll(async () => {
  await sim?.close();
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

const gen = (id: string, fields: Record<string, unknown> = {}) =>
  addGeneration(sim.state, {
    id,
    created_at: `${DAY}T10:00:00.000Z`,
    total_cost: 0.0015,
    native_tokens_prompt: 1000,
    native_tokens_completion: 100,
    tokens_prompt: 1000,
    tokens_completion: 100,
    ...fields,
  });

describe('reconcile against the OpenRouter simulator', () => {
  it('finds each kind of discrepancy and looks each id up exactly once', async () => {
    gen('gen-sim-match');
    gen('gen-sim-cost', { total_cost: 0.003, usage: 0.003 });
    gen('gen-sim-byok', { total_cost: 0, usage: 0, is_byok: true, upstream_inference_cost: 0.0015 });
    gen('gen-sim-cache', { total_cost: 0.001, usage: 0.001, cache_discount: 0.0005 });
    gen('gen-sim-tokens', { native_tokens_prompt: 2000, tokens_prompt: 2000 });
    gen('gen-sim-foreign', {}).foreign = true;
    const base = {
      timestamp: `${DAY}T10:00:00Z`,
      model: 'openai/gpt-4.1',
      tokens_in: 1000,
      tokens_out: 100,
      cost: 0.0015,
    };
    const ids = ['match', 'cost', 'byok', 'cache', 'tokens', 'foreign', 'unknown', 'match'].map((s) => `gen-sim-${s}`);
    const file = join(dir, 'sim.jsonl');
    await writeFile(file, `${ids.map((id) => JSON.stringify({ request_id: id, ...base })).join('\n')}\n{oops}\n`);
    sim.resetCalls();
    const result = await reconcileFile(file, { db: handle.db, openrouter: client });
    expect(result.summary?.byStatus).toEqual({
      match: 2,
      mismatch: 3,
      unknown: 1,
      other_account: 1,
      duplicate: 1,
      pending: 0,
      failed: 0,
    });
    expect(result.summary?.byKind).toMatchObject({
      cost: 2,
      tokens_in: 1,
      unknown_id: 1,
      other_account: 1,
      duplicate: 1,
    });
    expect(result.text).toMatch(/line 9 +- +malformed/);
    expect(result.text).toContain('ignores the cache discount');
    expect(sim.calls['/generation']).toBe(7);
  });

  it('a run killed halfway resumes without repeating a lookup', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `gen-resume-${i}`);
    for (const id of ids) gen(id);
    const file = join(dir, 'resume.jsonl');
    await writeFile(
      file,
      ids.map((id) => JSON.stringify({ request_id: id, cost: 0.0015, timestamp: `${DAY}T10:00:00Z` })).join('\n'),
    );
    sim.resetCalls();
    let answered = 0;
    // The first process: it dies once 12 answers are in; its later lookups never leave the machine.
    const dying: Pick<OpenRouterClient, 'getGeneration'> = {
      getGeneration: (id, opts) => {
        if (answered >= 12) return new Promise(() => {});
        answered += 1;
        return client.getGeneration(id, opts);
      },
    };
    let clock = Date.now();
    const now = () => new Date(clock);
    void reconcileFile(file, {
      db: handle.db,
      openrouter: dying,
      now,
      enrich: { concurrency: 4, ratePerSecond: 1000 },
    });
    while (answered < 12) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.calls['/generation']).toBe(12);
    clock += 120_000; // the dead process's leases run out
    const second = await reconcileFile(file, { db: handle.db, openrouter: client, now });
    expect(second.summary?.byStatus.match).toBe(30);
    expect(sim.calls['/generation']).toBe(30);
    const worker = createEnrichWorker({ db: handle.db, openrouter: client, now });
    expect((await worker.drain()).lookups).toBe(0);
    expect(sim.calls['/generation']).toBe(30);
    const report = await buildReport(handle.db, {
      from: new Date(`${DAY}T00:00:00Z`),
      to: new Date(`${DAY}T23:59:59Z`),
    });
    expect(report.summary.byStatus.match).toBeGreaterThanOrEqual(30);
  });

  it('waits out a 429 from OpenRouter and finishes', async () => {
    gen('gen-rl-1');
    gen('gen-rl-2');
    const file = join(dir, 'rl.jsonl');
    await writeFile(file, '{"request_id":"gen-rl-1"}\n{"request_id":"gen-rl-2"}\n');
    sim.inject({ endpoint: '/generation', status: 429, retryAfter: 1, times: 3 });
    // a client whose circuit breaker stays closed, so the worker sees the 429s themselves
    const patient = createOpenRouterClient({
      baseUrl: sim.url,
      apiKey: KEY,
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 1 },
      circuitBreaker: { threshold: 100 },
    });
    const result = await reconcileFile(file, { db: handle.db, openrouter: patient, maxWaitMs: 20_000 });
    sim.clearFaults();
    expect(result.lookups?.rateLimited).toBeGreaterThan(0);
    expect(result.summary?.byStatus.match).toBe(2);
  });

  it('matches a logged slug with the permaslug OpenRouter bills, and flags only genuinely different models', async () => {
    sim.state.models = createDemoSeed(new Date('2026-11-26T12:00:00Z')).models;
    const day = { created_at: `${DAY}T11:00:00.000Z` };
    gen('gen-id-sonnet', { ...day, model: 'anthropic/claude-4.5-sonnet-20250929' });
    gen('gen-id-qwen', { ...day, model: 'qwen/qwen3-235b-a22b-07-25' });
    gen('gen-id-mini', { ...day, model: 'openai/gpt-4.1-mini-2025-04-14' });
    gen('gen-id-haiku', { ...day, model: 'anthropic/claude-4.5-haiku-20251001' });
    const logged: [string, string][] = [
      ['gen-id-sonnet', 'anthropic/claude-sonnet-4.5'], // same model: slug vs permaslug
      ['gen-id-qwen', 'qwen/qwen3-235b-a22b-2507'], // same model: the permaslug is not slug + date
      ['gen-id-mini', 'openai/gpt-4.1'], // different: gpt-4.1 was logged, gpt-4.1-mini billed
      ['gen-id-haiku', 'anthropic/claude-sonnet-4.5'], // different: sonnet logged, haiku billed
    ];
    const file = join(dir, 'models.jsonl');
    const line = ([id, model]: [string, string]) =>
      JSON.stringify({
        request_id: id,
        timestamp: `${DAY}T11:00:00Z`,
        model,
        tokens_in: 1000,
        tokens_out: 100,
        cost: 0.0015,
      });
    await writeFile(file, `${logged.map(line).join('\n')}\n`);
    // A fresh client: the shared one cached the empty /models list of the earlier tests for an hour.
    const fresh = createOpenRouterClient({ baseUrl: sim.url, apiKey: KEY, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const result = await reconcileFile(file, { db: handle.db, openrouter: fresh, maxWaitMs: 5_000 });
    expect(result.summary?.byStatus).toMatchObject({ match: 2, mismatch: 2 });
    expect(result.summary?.byKind).toMatchObject({ model: 2 });
    expect(result.text).toContain('model openai/gpt-4.1 vs openai/gpt-4.1-mini-2025-04-14');
    expect(result.text).toContain('model anthropic/claude-sonnet-4.5 vs anthropic/claude-4.5-haiku-20251001');
    expect(result.text).not.toContain('gen-id-sonnet');
  });
});
