/**
 * The core commands against the OpenRouter simulator and a real store (PGlite, or the Postgres
 * server of TEST_DATABASE_URL), through the same dispatch boundary the adapters use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAccountState } from '../../src/commands/account-state.js';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import type { Actor, Services } from '../../src/core/services.js';
import { upsertActivity } from '../../src/db/queries/activity.js';
import { insertAudit, recentAudit } from '../../src/db/queries/audit.js';
import { formatUsd } from '../../src/domain/money.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { OpenRouterHttpClient } from '../../src/openrouter/client.js';
import {
  DEMO_GENERATION_IDS,
  DEMO_KEYS,
  DEMO_PENDING_VISIBLE_AFTER_MS,
  DEMO_RESEARCH_WORKSPACE_ID,
} from '../../src/openrouter/simulator/seed.js';
import { addGeneration, keyUsage } from '../../src/openrouter/simulator/state.js';
import { reconcileFile } from '../../src/reconcile/run-reconcile.js';
import { type TestDb, testDb } from '../support/db.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const NOW = new Date('2026-03-18T12:00:00.000Z');
const ALICE: Actor = { platform: 'slack', userId: 'U0ALICE1', workspaceId: 'T0ACME01', channelId: 'C0GENERAL' };

let or: TestOpenRouter;
let store: TestDb;
let services: Services;

function bot(overrides: Partial<Services> = {}) {
  return createBot({ ...services, ...overrides }, commands, buttons);
}

beforeAll(async () => {
  or = await startTestOpenRouter({ now: NOW });
  store = await testDb();
  services = {
    config: loadConfig({ COMMAND_RATE_LIMIT: '1000' }),
    openrouter: or.client,
    store: { available: () => true, get: () => store.handle },
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaults: false }),
    now: () => NOW,
    pollDelaysMs: [20, 20, 20, 20, 20],
  };
});
afterAll(async () => {
  await store?.close();
  await or?.close();
});
beforeEach(async () => {
  await store.reset();
  (or.client as OpenRouterHttpClient).clearCache();
  or.sim.setNow(NOW);
  or.sim.resetCalls();
  or.sim.clearFaults();
});

describe('request', () => {
  it('answers a published request with its exact cost and details, then from the store without an API call', async () => {
    const id = DEMO_GENERATION_IDS.fallbackAfter429;
    const g = or.sim.state.generations.find((x) => x.data.id === id)?.data;
    const first = await bot().runText(id, ALICE);
    expect(first.outcome).toBe('ok');
    expect(first.reply.fields?.find((f) => f.label === 'Total cost')?.value).toBe(formatUsd(Number(g?.total_cost)));
    expect(first.reply.fields?.find((f) => f.label.startsWith('Provider attempts'))?.value).toMatch(/429 → .* 200/);
    const calls = or.sim.calls['/generation'];
    const second = await bot().runText(`request ${id}`, ALICE);
    expect(second.reply.fields).toEqual(first.reply.fields);
    expect(or.sim.calls['/generation']).toBe(calls);
  });

  it('shows BYOK, cache discount and cancelled streams', async () => {
    const byok = await bot().runText(DEMO_GENERATION_IDS.byok, ALICE);
    expect(byok.reply.fields?.find((f) => f.label === 'BYOK')?.value).toMatch(/provider billed you \$/);
    const cached = await bot().runText(DEMO_GENERATION_IDS.cacheDiscount, ALICE);
    expect(cached.reply.fields?.some((f) => /Cache (discount|write premium)/.test(f.label))).toBe(true);
    const cancelled = await bot().runText(DEMO_GENERATION_IDS.cancelledStream, ALICE);
    expect(cancelled.reply.fields?.find((f) => f.label === 'Finish')?.value).toContain('cancelled');
  });

  it('is pending while OpenRouter has not published it, then delivers the answer as an update', async () => {
    const id = DEMO_GENERATION_IDS.pending;
    const r = await bot().runText(id, ALICE);
    expect(r.reply.pending).toBe(true);
    expect(r.reply.summary).toMatch(/Pending/);
    or.sim.setNow(new Date(NOW.getTime() + DEMO_PENDING_VISIBLE_AFTER_MS + 1));
    const final = await r.reply.followUp?.();
    expect(final?.pending).toBeFalsy();
    expect(final?.fields?.find((f) => f.label === 'Total cost')).toBeDefined();
  });

  it('after polling, a request OpenRouter never publishes gets the likely reasons', async () => {
    const r = await bot().runText('gen-1767225699-NotARealIdAtAll00000', ALICE);
    expect(r.reply.pending).toBe(true);
    const final = await r.reply.followUp?.();
    expect(final?.notes?.join(' ')).toMatch(/another OpenRouter account/);
    expect(final?.notes?.join(' ')).toMatch(/mistyped/);
  });

  it('rejects malformed and script-laden ids without calling OpenRouter', async () => {
    for (const bad of ['request gen-<img src=x>', 'request chatcmpl-123', `request gen-${'a'.repeat(300)}`]) {
      const r = await bot().runText(bad, ALICE);
      expect(r.outcome).toBe('user_error');
      expect(JSON.stringify(r.reply)).not.toContain('<img');
    }
    expect(or.sim.calls['/generation'] ?? 0).toBe(0);
  });
});

describe('usage', () => {
  it('by key uses the keys\u2019 names and sums to the simulator\u2019s activity', async () => {
    const r = await bot().runText('usage 7d by key', ALICE);
    expect(r.outcome).toBe('ok');
    const names = or.sim.state.keys.filter((k) => !k.management).map((k) => k.name);
    const rows = r.reply.tables?.[0]?.rows ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(names.some((n) => row[0] === n || row[0]?.startsWith('others'))).toBe(true);
    const from = '2026-03-11';
    const to = '2026-03-18';
    const total = or.sim.state.activity.filter((a) => a.date >= from && a.date < to).reduce((s, a) => s + a.usage, 0);
    expect(r.reply.tables?.[0]?.footer?.[1]).toBe(formatUsd(total));
  });

  it('today is answered per key from usage_daily, and says why', async () => {
    const r = await bot().runText('usage today', ALICE);
    expect(r.outcome).toBe('ok');
    expect(r.reply.notes?.join(' ')).toMatch(/completed UTC days/);
  });

  it('sees the keys of the second workspace in by key and today (issue 12)', async () => {
    const byKey = await bot().runText('usage 7d by key', ALICE);
    expect(byKey.reply.tables?.[0]?.rows.map((row) => row[0])).toContain('research-batch');
    const today = await bot().runText('usage today', ALICE);
    const rows = today.reply.tables?.[0]?.rows ?? [];
    expect(rows.map((row) => row[0])).toContain('research-batch');
    const daily = or.sim.state.keys
      .filter((k) => !k.management)
      .reduce((sum, k) => sum + keyUsage(or.sim.state, k, NOW).usage_daily, 0);
    expect(today.reply.tables?.[0]?.footer?.[1]).toBe(formatUsd(daily));
  });

  it('by workspace groups the keys by their workspace, with its name, summing to the activity', async () => {
    const r = await bot().runText('usage 7d by workspace', ALICE);
    expect(r.outcome).toBe('ok');
    const rows = r.reply.tables?.[0]?.rows ?? [];
    expect(rows.map((row) => row[0]).sort()).toEqual(['Default', 'Research']);
    const inResearch = new Set(
      or.sim.state.keys.filter((k) => k.workspaceId === DEMO_RESEARCH_WORKSPACE_ID).map((k) => k.hash),
    );
    const from = '2026-03-11';
    const to = '2026-03-18';
    const window = or.sim.state.activity.filter((a) => a.date >= from && a.date < to);
    const research = window.filter((a) => inResearch.has(a.keyHash)).reduce((s, a) => s + a.usage, 0);
    expect(rows.find((row) => row[0] === 'Research')?.[1]).toBe(formatUsd(research));
    expect(r.reply.tables?.[0]?.footer?.[1]).toBe(formatUsd(window.reduce((s, a) => s + a.usage, 0)));
  });

  it('needs the management key and says which variable', async () => {
    const onlyInference = or.makeClient({ managementKey: undefined });
    const r = await bot({ openrouter: onlyInference }).runText('usage', ALICE);
    expect(r.outcome).toBe('user_error');
    expect(r.reply.summary).toContain('OPENROUTER_MANAGEMENT_KEY');
  });
});

describe('balance', () => {
  it('with only an inference key: the key-level answer and what a management key adds', async () => {
    const r = await bot({ openrouter: or.makeClient({ managementKey: undefined }) }).runText('', ALICE);
    expect(r.outcome).toBe('ok');
    expect(r.reply.fields?.some((f) => f.label.startsWith('Key '))).toBe(true);
    expect(r.reply.notes?.join(' ')).toMatch(/management key \(OPENROUTER_MANAGEMENT_KEY\) adds/);
  });

  it('a burst of concurrent balances shares one read of the store; the next one reads afresh', async () => {
    // Counts the statements the commands start through the store's drizzle handle.
    let statements = 0;
    const db = new Proxy(store.handle.db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || !['select', 'insert', 'update', 'delete', 'execute'].includes(String(prop)))
          return value;
        return (...args: unknown[]) => {
          statements += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const handle = new Proxy(store.handle, { get: (t, p, r) => (p === 'db' ? db : Reflect.get(t, p, r)) });
    const counted: Services = { ...services, store: { available: () => true, get: () => handle } };
    await readAccountState(counted); // fills the store (activity, a reading) and the /credits cache
    statements = 0;
    const one = await readAccountState(counted);
    const perCommand = statements;
    expect(perCommand).toBeGreaterThan(2);
    statements = 0;
    // The OpenRouter answers are cached now, so all 40 reach the store before any statement returns.
    const burst = await Promise.all(Array.from({ length: 40 }, () => readAccountState(counted)));
    expect(statements).toBe(perCommand);
    for (const state of burst) expect(state).toEqual(one);
    // Nothing is kept between reads: yesterday's new spend shows in the very next balance.
    const yesterday = new Date(NOW.getTime() - 86_400_000).toISOString().slice(0, 10);
    const extra = 12.5;
    await upsertActivity(
      store.db,
      [
        {
          date: yesterday,
          model: 'acme/extra',
          modelPermaslug: 'acme/extra',
          endpointId: 'e-extra',
          providerName: 'Acme',
          usage: extra,
          byokUsageInference: 0,
          requests: 1,
          promptTokens: 1,
          completionTokens: 1,
          reasoningTokens: 0,
        },
      ],
      '',
      NOW,
    );
    statements = 0;
    const after = await readAccountState(counted);
    expect(statements).toBe(perCommand);
    expect(after.spend.last7).toBeCloseTo((one.spend.last7 ?? 0) + extra, 6);
  });
});

describe('estimate', () => {
  it('sees every model, also those /models lists only with output_modalities=all', async () => {
    const r = await bot().runText('estimate black-forest-labs/flux.2-pro 1000 100', ALICE);
    expect(r.outcome).toBe('ok');
    const flux = or.sim.state.models.find((m) => m.id === 'black-forest-labs/flux.2-pro');
    const pricing = flux?.pricing as { prompt: string; completion: string };
    const expected = 1000 * Number(pricing.prompt) + 100 * Number(pricing.completion);
    expect(JSON.stringify(r.reply)).toContain(formatUsd(expected));
    expect(or.sim.calls['/models']).toBe(1);
  });

  it('suggests the closest models for an unknown one', async () => {
    const r = await bot().runText('estimate gpt-4.1 1000 100', ALICE);
    expect(r.outcome).toBe('user_error');
    expect(r.reply.summary).toMatch(/Closest: .*openai\/gpt-4\.1/);
  });
});

describe('reconcile', () => {
  it('summarises the period\u2019s logs in chat: matches, a cost difference, an unknown id, a duplicate, tags', async () => {
    const ids = [DEMO_GENERATION_IDS.simple, DEMO_GENERATION_IDS.fallbackAfter429];
    const billed = (id: string) => Number(or.sim.state.generations.find((g) => g.data.id === id)?.data.total_cost);
    const ts = new Date(NOW.getTime() - 3_600_000).toISOString();
    const lines = [
      { request_id: ids[0], timestamp: ts, cost: billed(ids[0] as string), tag: 'search' },
      { request_id: ids[1], timestamp: ts, cost: billed(ids[1] as string) * 3, tag: 'chat' },
      { request_id: ids[1], timestamp: ts, cost: billed(ids[1] as string) * 3, tag: 'chat' },
      { request_id: 'gen-1767225699-UnknownToOpenRouter01', timestamp: ts, cost: 0.01, tag: 'chat' },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'credits-reconcile-'));
    const file = join(dir, 'requests.jsonl');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`);
    try {
      const result = await reconcileFile(file, { db: store.db, openrouter: or.client, now: () => NOW, maxWaitMs: 200 });
      expect(result.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const r = await bot().runText('reconcile today', ALICE);
    expect(r.outcome).toBe('ok');
    const field = (label: string) => r.reply.fields?.find((f) => f.label === label)?.value;
    expect(field('Requests'), JSON.stringify(r.reply)).toBe('4');
    expect(field('Matching')).toBe('1');
    expect(Number(field('Differing'))).toBeGreaterThanOrEqual(1);
    expect(field('Unknown to OpenRouter')).toBe('1');
    expect(field('Duplicates')).toBe('1');
    expect(JSON.stringify(r.reply)).toContain('chat');
  });
});

describe('audit', () => {
  it('is for admins, lists recent rows, and old rows are pruned by the hourly job', async () => {
    const b = bot({
      config: loadConfig({ COMMAND_RATE_LIMIT: '1000', BOT_ADMINS: 'slack:U0ADMIN1', AUDIT_RETENTION_DAYS: '30' }),
    });
    expect((await b.runText('audit', ALICE)).outcome).toBe('denied');
    await insertAudit(store.db, {
      platform: 'slack',
      workspaceId: 'T0ACME01',
      channelId: 'C0OLD',
      userId: 'U0OLD',
      command: 'balance',
      args: 'balance',
      outcome: 'ok',
      latencyMs: 5,
      error: null,
      at: new Date(NOW.getTime() - 40 * 86_400_000),
    } as Parameters<typeof insertAudit>[1]);
    const admin = { ...ALICE, userId: 'U0ADMIN1' };
    const listed = await b.runText('audit 5', admin);
    expect(listed.outcome).toBe('ok');
    expect(JSON.stringify(listed.reply.tables)).toContain('slack:U0ALICE1');
    const scheduler = createScheduler({
      services: { ...services, config: loadConfig({ AUDIT_RETENTION_DAYS: '30' }) },
      adapters: new Map(),
      log: services.log,
    });
    await scheduler.runNow('activity');
    const rows = await recentAudit(store.db, 100);
    expect(rows.some((row) => row.userId === 'U0OLD')).toBe(false);
    expect(rows.some((row) => row.userId === 'U0ALICE1')).toBe(true);
  });
});

describe('explain names the right key and account', () => {
  const limit402 = (metadata: Record<string, unknown>) =>
    JSON.stringify({
      error: {
        code: 402,
        message:
          'This request requires more credits, or fewer max_tokens. You requested up to 32000 tokens, but can only afford 0. To increase, visit https://openrouter.ai/settings/keys and create a key with a higher monthly limit',
        metadata,
      },
    });
  const liveLines = (r: { reply: { fields?: { label: string; value: string }[] } }) =>
    r.reply.fields?.find((f) => f.label === 'Your account right now')?.value ?? '';

  it('402: judges the key the error names (metadata hash or a pasted key), not the bot’s own key', async () => {
    const staging = or.sim.state.keys.find((k) => k.secret === DEMO_KEYS.staging);
    if (!staging) throw new Error('no staging key in the demo seed');
    staging.limit = 5;
    staging.limitReset = 'monthly';
    or.sim.spend(staging.hash, 6);

    const byHash = await bot().runText(`explain ${limit402({ key_hash: staging.hash })}`, ALICE);
    expect(liveLines(byHash)).toContain(`The key that failed (${staging.name}): $0.00 left of its $5.00 limit`);
    expect(liveLines(byHash)).toContain('Verdict: the key limit ran out while the account still has credits.');
    expect(liveLines(byHash)).not.toContain('bot’s own key');

    const pasted = await bot().runText(`explain 402 with key ${DEMO_KEYS.staging}: ${limit402({})}`, ALICE);
    expect(liveLines(pasted)).toContain(`The key that failed (${staging.name})`);
    expect(JSON.stringify(pasted.reply)).not.toContain(DEMO_KEYS.staging);

    const unknown = await bot().runText(`explain ${limit402({ key_hash: 'a'.repeat(64) })}`, ALICE);
    expect(liveLines(unknown)).toContain('not among this account’s keys');
  });

  it('403 on /generation ("belongs to another user") is another account’s id, not a bad bot key', async () => {
    const r = await bot().runText(
      'explain 403 {"error":{"code":403,"message":"You don\'t have access to this generation (belongs to another user)"}}',
      ALICE,
    );
    expect(r.outcome).toBe('ok');
    expect(r.reply.summary).toMatch(/belongs to another OpenRouter account/);
    expect(JSON.stringify(r.reply)).not.toMatch(/management key|OPENROUTER_API_KEY/);

    const foreign = 'gen-1767225699-AnotherAccount0000001';
    addGeneration(or.sim.state, { id: foreign }, { foreign: true });
    const lookup = await bot().runText(`request ${foreign}`, ALICE);
    expect(lookup.reply.summary).toMatch(/belongs to another OpenRouter account/);
    expect(JSON.stringify(lookup.reply)).not.toMatch(/refused the configured key|OPENROUTER_API_KEY/);
  });
});

describe('BYOK in balance and usage (issue 12)', () => {
  it('shows the BYOK spend and OpenRouter’s 5 % fee where the account has any', async () => {
    // The demo seed's aliceDev key runs claude-sonnet-4.5 on its own Anthropic key (byok_usage_inference).
    const byokIn = (from: string, to: string) =>
      or.sim.state.activity.filter((a) => a.date >= from && a.date < to).reduce((s, a) => s + a.byokUsageInference, 0);
    const week = byokIn('2026-03-11', '2026-03-18');
    expect(week).toBeGreaterThan(0);
    const u = await bot().runText('usage 7d', ALICE);
    const notes = u.reply.notes?.join('\n') ?? '';
    expect(notes).toContain(`BYOK: ${formatUsd(week)} billed by your own provider keys (not from your credits)`);
    expect(notes).toContain(`5 % BYOK fee on it (${formatUsd(week * 0.05)})`);

    const month = byokIn('2026-03-01', '2026-03-18');
    const b = await bot().runText('balance', ALICE);
    expect(b.reply.fields?.find((f) => f.label === 'BYOK this month')?.value).toBe(
      `${formatUsd(month)} on your own provider keys · 5 % fee $0.00 (within the monthly allowance)`,
    );
    expect(b.reply.notes?.join('\n')).toContain('only beyond $25,000.00 of BYOK use in a month');
  });
});
