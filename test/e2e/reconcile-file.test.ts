import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { ALL_TABLES } from '../../src/db/schema.js';
import { OpenRouterError } from '../../src/errors.js';
import type { Generation, OpenRouterClient } from '../../src/openrouter/types.js';
import { createEnrichWorker } from '../../src/reconcile/enrich.js';
import { insertRequestLogs, spendByTag } from '../../src/reconcile/queries.js';
import { buildReport, reconcileFile } from '../../src/reconcile/run-reconcile.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = '2026-11-20';

function generation(id: string, over: Partial<Generation> = {}): Generation {
  return {
    id,
    model: 'openai/gpt-4.1-2025-04-14',
    providerName: 'OpenAI',
    createdAt: `${DAY}T10:00:00.000Z`,
    totalCost: 0.0015,
    usage: 0.0015,
    upstreamInferenceCost: 0,
    cacheDiscount: null,
    isByok: false,
    streamed: false,
    cancelled: false,
    latency: 900,
    generationTime: 800,
    finishReason: 'stop',
    nativeFinishReason: 'stop',
    tokensPrompt: 1000,
    tokensCompletion: 100,
    nativeTokensPrompt: 1000,
    nativeTokensCompletion: 100,
    nativeTokensReasoning: 0,
    nativeTokensCached: 0,
    providerResponses: [],
    router: null,
    apiType: 'completions',
    raw: {},
    ...over,
  };
}

/** What OpenRouter answers for each id; ids missing here are 404, `forbidden` ones 403. */
function fakeOpenRouter(known: Map<string, Generation>, forbidden = new Set<string>()) {
  const calls = new Map<string, number>();
  const client: Pick<OpenRouterClient, 'getGeneration'> = {
    async getGeneration(id) {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      if (forbidden.has(id)) {
        throw new OpenRouterError({ endpoint: '/generation', status: 403, message: 'belongs to another user' });
      }
      return known.get(id) ?? null;
    },
  };
  return { client, calls };
}

let handle: DbHandle;
let dir: string;

beforeAll(async () => {
  handle = await createDb({ memory: true });
  await migrate(handle);
  dir = await mkdtemp(join(tmpdir(), 'reconcile-'));
});

afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await handle.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} cascade`));
});

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('credits-bot reconcile <file>', () => {
  it('reports each kind of discrepancy, malformed lines by number, and counts matches', async () => {
    const known = new Map<string, Generation>([
      ['gen-match', generation('gen-match')],
      ['gen-cost', generation('gen-cost', { totalCost: 0.002 })],
      ['gen-cache', generation('gen-cache', { totalCost: 0.001, cacheDiscount: 0.0005 })],
      ['gen-byok', generation('gen-byok', { totalCost: 0.0001, isByok: true, upstreamInferenceCost: 0.0014 })],
      ['gen-tokens', generation('gen-tokens', { nativeTokensCompletion: 400, tokensCompletion: 400 })],
      ['gen-model', generation('gen-model', { model: 'anthropic/claude-4.5-haiku-20251001' })],
      ['gen-dup', generation('gen-dup')],
    ]);
    const { client, calls } = fakeOpenRouter(known, new Set(['gen-other']));
    const base = {
      timestamp: `${DAY}T10:00:00Z`,
      model: 'openai/gpt-4.1',
      tokens_in: 1000,
      tokens_out: 100,
      cost: 0.0015,
    };
    const file = join(dir, 'logs.jsonl');
    await writeFile(
      file,
      [
        line({ request_id: 'gen-match', ...base, tag: 'search' }),
        line({ request_id: 'gen-cost', ...base, tag: 'search' }),
        '{"request_id": "gen-broken"',
        line({ request_id: 'gen-cache', ...base, tag: 'chat' }),
        line({ request_id: 'gen-byok', ...base }),
        line({ request_id: 'gen-tokens', ...base }),
        '',
        line({ request_id: 'gen-model', ...base }),
        line({ request_id: 'gen-unknown', ...base }),
        line({ request_id: 'gen-other', ...base }),
        line({ request_id: 'gen-dup', ...base }),
        line({ request_id: 'gen-dup', ...base }),
        line({ request_id: 'not-an-id', ...base }),
        line({ request_id: 'gen-nofields' }),
      ].join('\n'),
    );
    known.set('gen-nofields', generation('gen-nofields'));
    const out = join(dir, 'report.csv');
    const result = await reconcileFile(file, { db: handle.db, openrouter: client, now: () => NOW }, { out });
    expect(result.exitCode).toBe(0);
    const text = result.text;
    const row = (id: string) => text.split('\n').find((l) => l.includes(` ${id} `)) ?? '';

    expect(text).toMatch(/line 3 +- +malformed +not valid JSON/);
    expect(text).toMatch(/line 13 +- +malformed +request_id "not-an-id" is not an OpenRouter generation id/);
    expect(row('gen-cost')).toMatch(/line 2 .* mismatch +cost \$0\.001500 vs billed \$0\.002000 \(-25\.0%\)/);
    expect(row('gen-cache')).toContain('ignores the cache discount of $0.000500');
    expect(row('gen-tokens')).toContain('tokens_out 100 vs 400');
    expect(row('gen-model')).toContain('model openai/gpt-4.1 vs anthropic/claude-4.5-haiku-20251001');
    expect(row('gen-unknown')).toMatch(/unknown +OpenRouter does not know this id/);
    expect(row('gen-other')).toMatch(/other_account +the id belongs to another OpenRouter account/);
    expect(text).toMatch(/line 12 +gen-dup +duplicate +duplicate of line 11/);
    // matching rows (and the BYOK row, which matches once the provider's bill is added) are only counted
    expect(row('gen-match')).toBe('');
    expect(row('gen-byok')).toBe('');
    expect(text).toContain('Matching: 4 requests (--all lists them).');
    expect(text).toContain('Spend by tag:');
    expect(result.summary?.malformed).toBe(2);
    expect(result.summary?.byStatus).toMatchObject({
      match: 4,
      mismatch: 4,
      unknown: 1,
      other_account: 1,
      duplicate: 1,
    });

    // every id looked up once, the duplicate too
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(calls.get('gen-dup')).toBe(1);

    const csv = await readFile(out, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^line,request_id,source,status,issues/);
    expect(lines).toHaveLength(1 + 2 + 11);
    expect(lines.some((l) => l.startsWith('3,,,malformed,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('1,gen-match,cli,match,'))).toBe(true);

    // --all lists matches; a rerun on the same file replaces the batch and looks nothing up again
    const again = await reconcileFile(file, { db: handle.db, openrouter: client, now: () => NOW }, { all: true });
    expect(again.text).toMatch(/line 1 +gen-match +match/);
    expect(again.summary?.byStatus.duplicate).toBe(1);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
  });

  it('reads CSV with quoted fields and compares day totals with synced activity', async () => {
    const known = new Map([
      ['gen-a', generation('gen-a')],
      ['gen-b', generation('gen-b')],
    ]);
    const { client } = fakeOpenRouter(known);
    await handle.db.execute(sql`
      insert into activity_days (date, key_hash, model, model_permaslug, endpoint_id, provider_name, usage, byok_usage,
        requests, prompt_tokens, completion_tokens, reasoning_tokens, synced_at)
      values (${DAY}, '', 'openai/gpt-4.1', 'openai/gpt-4.1-2025-04-14', 'e1', 'OpenAI', 0.0015, 0, 1, 1000, 100, 0, now())`);
    const file = join(dir, 'logs.csv');
    await writeFile(
      file,
      `request_id,timestamp,model,tokens_in,tokens_out,cost,tag,note\r\ngen-a,${DAY}T10:00:00Z,openai/gpt-4.1,1000,100,0.0015,"team, growth","said ""hi"""\r\ngen-b,${DAY}T11:00:00Z,openai/gpt-4.1,1000,100,0.0015,"team, growth",x\r\ngen-c,${DAY}T11:00:00Z,openai/gpt-4.1,1000,100\r\n`,
    );
    const result = await reconcileFile(file, { db: handle.db, openrouter: client, now: () => NOW });
    expect(result.text).toMatch(/line 4 +- +malformed +expected 8 fields as in the header, found 5/);
    expect(result.text).toMatch(
      /2026-11-20 +openai\/gpt-4\.1 +2 +\$0\.003000 +\$0\.003000 +1 +\$0\.001500 +LOCAL HIGHER/,
    );
    expect(result.text).toMatch(/team, growth +2/);
  });

  it('exits 2 when the file cannot be read', async () => {
    const { client } = fakeOpenRouter(new Map());
    const result = await reconcileFile(join(dir, 'missing.jsonl'), { db: handle.db, openrouter: client });
    expect(result.exitCode).toBe(2);
    expect(result.text).toContain('Cannot read');
  });
});

describe('enrichment worker', () => {
  async function seed(n: number) {
    const records = Array.from({ length: n }, (_, i) => ({
      line: i + 1,
      record: {
        requestId: `gen-${i}`,
        timestamp: new Date(`${DAY}T10:00:00Z`),
        model: 'openai/gpt-4.1',
        tokensIn: 1000,
        tokensOut: 100,
        cost: 0.0015,
        tag: i % 2 ? 'odd' : 'even',
        extra: {},
      },
    }));
    await insertRequestLogs(handle.db, { batchId: 'b1', source: 'http' }, records);
  }

  it('resumes after being killed halfway without looking any answered id up again', async () => {
    await seed(40);
    const known = new Map(Array.from({ length: 40 }, (_, i) => [`gen-${i}`, generation(`gen-${i}`)] as const));
    const server = fakeOpenRouter(known);
    // The first process dies after 15 answers: its next lookups never reach OpenRouter.
    let answered = 0;
    const dying: Pick<OpenRouterClient, 'getGeneration'> = {
      getGeneration(id, opts) {
        if (answered >= 15) return new Promise(() => {});
        answered += 1;
        return server.client.getGeneration(id, opts);
      },
    };
    let clock = NOW.getTime();
    const now = () => new Date(clock);
    const first = createEnrichWorker(
      { db: handle.db, openrouter: dying, now },
      { concurrency: 3, ratePerSecond: 1000, leaseMs: 60_000 },
    );
    void first.drain({ maxWaitMs: 60_000 });
    while (answered < 15) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    // "restart": a new worker on the same database, after the dead one's leases expired
    clock += 61_000;
    const second = createEnrichWorker(
      { db: handle.db, openrouter: server.client, now },
      { concurrency: 3, ratePerSecond: 1000 },
    );
    const result = await second.drain({ maxWaitMs: 5_000 });
    expect(result.pending).toBe(0);
    expect(server.calls.size).toBe(40);
    expect([...server.calls.values()].every((n) => n === 1)).toBe(true);
    expect(result.found).toBe(40 - 15);
    // a third run finds nothing to do
    const third = createEnrichWorker({ db: handle.db, openrouter: server.client, now });
    expect((await third.drain()).lookups).toBe(0);
  });

  it('backs off on 429 and keeps to the concurrency bound', async () => {
    await seed(12);
    let inFlight = 0;
    let maxInFlight = 0;
    let limited = 0;
    const client: Pick<OpenRouterClient, 'getGeneration'> = {
      async getGeneration(id) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        if (id === 'gen-3' && limited === 0) {
          limited += 1;
          throw new OpenRouterError({ endpoint: '/generation', status: 429, message: 'slow down', retryAfterMs: 100 });
        }
        return generation(id);
      },
    };
    const worker = createEnrichWorker({ db: handle.db, openrouter: client }, { concurrency: 2, ratePerSecond: 200 });
    const started = Date.now();
    const result = await worker.drain({ maxWaitMs: 5_000 });
    expect(result).toMatchObject({ found: 12, rateLimited: 1, pending: 0 });
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('retries a 404 for a fresh id until it is published, and settles an old one as unknown', async () => {
    const fresh = new Date(NOW.getTime() - 1_000);
    await insertRequestLogs(handle.db, { batchId: 'b2', source: 'http' }, [
      {
        line: 1,
        record: {
          requestId: 'gen-fresh',
          timestamp: fresh,
          model: null,
          tokensIn: null,
          tokensOut: null,
          cost: 0.0015,
          tag: null,
          extra: {},
        },
      },
      {
        line: 2,
        record: {
          requestId: 'gen-old',
          timestamp: new Date(`${DAY}T10:00:00Z`),
          model: null,
          tokensIn: null,
          tokensOut: null,
          cost: 0.0015,
          tag: null,
          extra: {},
        },
      },
    ]);
    const known = new Map<string, Generation>();
    const server = fakeOpenRouter(known);
    let clock = NOW.getTime();
    const now = () => new Date(clock);
    const worker = createEnrichWorker({ db: handle.db, openrouter: server.client, now }, { ratePerSecond: 1000 });
    const firstPass = await worker.drain({ maxWaitMs: 0 });
    expect(firstPass).toMatchObject({ notFound: 1, retried: 1, pending: 1 });
    known.set('gen-fresh', generation('gen-fresh'));
    clock += 3_000;
    const secondPass = await worker.drain({ maxWaitMs: 1_000 });
    expect(secondPass.pending).toBe(0);
    expect(server.calls.get('gen-old')).toBe(1);
    const report = await buildReport(handle.db, { batchId: 'b2' });
    expect(report.summary.byStatus).toMatchObject({ match: 1, unknown: 1 });
  });

  it('gives the digest spend by tag, and nothing when no row has a tag', async () => {
    await seed(4);
    const tags = await spendByTag(handle.db, { from: new Date(`${DAY}T00:00:00Z`), to: new Date(`${DAY}T23:59:59Z`) });
    expect(tags.map((t) => [t.tag, t.requests, Number(t.localCost.toFixed(4))])).toEqual([
      ['even', 2, 0.003],
      ['odd', 2, 0.003],
    ]);
    expect(await spendByTag(handle.db, { from: new Date('2020-01-01'), to: new Date('2020-01-02') })).toEqual([]);
  });
});
