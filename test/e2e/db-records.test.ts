import { asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  type AuditEntry,
  createAuditWriter,
  insertAudit,
  pruneAudit,
  recentAudit,
} from '../../src/db/queries/audit.js';
import { cachedGenerationIds, getCachedGeneration, saveGeneration } from '../../src/db/queries/generations.js';
import { getSyncState, markSyncFailed, markSyncOk, markSyncStarted } from '../../src/db/queries/sync-state.js';
import { generationLookups, requestLogs } from '../../src/db/schema.js';
import type { Generation } from '../../src/openrouter/types.js';
import {
  batchExists,
  claimLookups,
  completeLookup,
  enqueueLookups,
  insertRequestLogs,
  queueState,
  retryLookup,
  settleNotFound,
} from '../../src/reconcile/queries.js';
import { describeEachBackend } from '../support/db.js';

const NOW = new Date('2026-03-18T12:00:00Z');
const AUDIT_ROW: AuditEntry = {
  platform: 'slack',
  workspaceId: 'T1',
  channelId: 'C1',
  userId: 'U1',
  command: 'balance',
  args: '',
  outcome: 'ok',
  latencyMs: 12,
  error: null,
};
const later = (ms: number) => new Date(NOW.getTime() + ms);

const generation: Generation = {
  id: 'gen-123',
  model: 'openai/gpt-4.1',
  providerName: 'OpenAI',
  createdAt: '2026-03-18T11:59:00Z',
  totalCost: 0.001502,
  usage: 0.001502,
  upstreamInferenceCost: null,
  cacheDiscount: null,
  isByok: false,
  streamed: true,
  cancelled: false,
  latency: 812,
  generationTime: 700,
  finishReason: 'stop',
  nativeFinishReason: 'stop',
  tokensPrompt: 100,
  tokensCompletion: 20,
  nativeTokensPrompt: 101,
  nativeTokensCompletion: 21,
  nativeTokensReasoning: 0,
  nativeTokensCached: null,
  providerResponses: [{ providerName: 'OpenAI', status: 200, latency: 800, isByok: false, modelPermaslug: null }],
  router: null,
  apiType: 'completions',
  raw: { id: 'gen-123', total_cost: 0.001502, extra_field: [1, 2] },
};

describeEachBackend('records', (s) => {
  it('caches generations as they were parsed', async () => {
    expect(await getCachedGeneration(s.db, 'gen-123')).toBeNull();
    await saveGeneration(s.db, generation, NOW);
    await saveGeneration(s.db, generation, NOW);
    expect(await getCachedGeneration(s.db, 'gen-123')).toEqual(generation);
    expect(await cachedGenerationIds(s.db, ['gen-123', 'gen-x'])).toEqual(new Set(['gen-123']));
  });

  it('writes, lists and prunes the audit log', async () => {
    const base = AUDIT_ROW;
    await insertAudit(s.db, { ...base, at: later(-86_400_000 * 100) });
    await insertAudit(s.db, { ...base, command: 'usage', args: '7d by key', at: later(-1000) });
    await insertAudit(s.db, { ...base, command: 'explain', args: 'sk-or-…abcd', outcome: 'user_error' });
    const recent = await recentAudit(s.db, 2);
    expect(recent.map((r) => r.command)).toEqual(['explain', 'usage']);
    expect(recent[0]?.at).toBeInstanceOf(Date);
    expect(await pruneAudit(s.db, later(-86_400_000 * 90))).toBe(1);
    await expect(insertAudit(s.db, { ...base, outcome: 'weird' as 'ok' })).rejects.toThrow();
  });

  it('group-commits audit rows: a burst becomes a few INSERTs, each caller learns its own row is in', async () => {
    const base = { ...AUDIT_ROW, platform: 'discord', workspaceId: 'G1', latencyMs: 3 };
    let inserts = 0;
    const counting = new Proxy(s.db, {
      get(target, property, receiver) {
        if (property === 'insert') inserts += 1;
        return Reflect.get(target, property, receiver);
      },
    });
    const writer = createAuditWriter(() => counting);
    await Promise.all(Array.from({ length: 60 }, (_, i) => writer.record({ ...base, args: `#${i}` })));
    const rows = await recentAudit(s.db, 100);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.args)).size).toBe(60);
    // The first row goes alone; the 59 that arrived while it was in flight go in one statement.
    expect(inserts).toBe(2);

    // A group that cannot be written rejects its callers; the next group is written as usual.
    const bad = writer.record({ ...base, outcome: 'weird' as 'ok' });
    await expect(bad).rejects.toThrow();
    await writer.record({ ...base, args: 'after' });
    expect((await recentAudit(s.db, 1))[0]?.args).toBe('after');
  });

  it('keeps a question’s audit row through a store outage and writes it when the store is back', async () => {
    const base = { ...AUDIT_ROW, args: 'balance', latencyMs: 2 };
    let down = true;
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const writer = createAuditWriter(
      () => {
        if (down) throw unreachable;
        return s.db;
      },
      { retryMs: 20 },
    );
    const question = writer.record({ ...base, args: 'queued while down' }, { retry: true });
    // A change's row is awaited by its command: it fails at once instead of waiting.
    await expect(writer.record({ ...base, command: 'keys', args: 'keys disable k1' })).rejects.toThrow('ECONNREFUSED');
    expect(await writer.settled(60)).toBe(1); // still queued
    down = false;
    await question;
    expect(await writer.settled()).toBe(0);
    const rows = await recentAudit(s.db, 10);
    expect(rows.map((r) => r.args)).toContain('queued while down');
    expect(rows.map((r) => r.args)).not.toContain('keys disable k1');
  });

  it('stores request logs in batches and queues each unknown generation once', async () => {
    const records = Array.from({ length: 1_500 }, (_, i) => ({
      line: i + 1,
      record: {
        requestId: `gen-${i % 700}`,
        timestamp: i === 0 ? null : later(i),
        model: 'openai/gpt-4.1',
        tokensIn: 10,
        tokensOut: 5,
        cost: i === 1 ? null : 0.0001,
        tag: null,
        extra: i === 2 ? { team: 'search' } : {},
      },
    }));
    await saveGeneration(s.db, { ...generation, id: 'gen-5' }, NOW);
    await insertRequestLogs(s.db, { batchId: 'b1', source: 'cli' }, records);
    expect(await batchExists(s.db, 'b1')).toBe(true);
    const stored = await s.db
      .select()
      .from(requestLogs)
      .where(eq(requestLogs.batchId, 'b1'))
      .orderBy(asc(requestLogs.lineNo));
    expect(stored).toHaveLength(1_500);
    expect(stored[2]).toMatchObject({ lineNo: 3, extra: { team: 'search' } });
    expect(stored[3]?.extra).toBeNull();

    const statuses = async () => {
      const counts: Record<string, number> = { queued: 0, done: 0, not_found: 0, error: 0 };
      for (const r of await s.db.select().from(generationLookups)) counts[r.status] = (counts[r.status] ?? 0) + 1;
      return counts;
    };
    expect(await statuses()).toEqual({ queued: 699, done: 1, not_found: 0, error: 0 }); // gen-5 is already stored
    await enqueueLookups(
      s.db,
      records.map((r) => r.record.requestId),
    );
    expect((await queueState(s.db)).queued).toBe(699);

    const lease = { now: NOW, leaseUntil: later(60_000) };
    const [a, b] = await Promise.all([
      claimLookups(s.db, { limit: 400, ...lease }),
      claimLookups(s.db, { limit: 400, ...lease }),
    ]);
    const claimed = [...a, ...b].map((r) => r.id);
    expect(claimed).toHaveLength(699);
    expect(new Set(claimed).size).toBe(699);
    expect(await claimLookups(s.db, { limit: 10, now: later(1000), leaseUntil: later(61_000) })).toEqual([]);

    await completeLookup(s.db, { ...generation, id: 'gen-1' }, NOW);
    await settleNotFound(s.db, ['gen-2'], NOW);
    await retryLookup(s.db, { id: 'gen-3', at: later(5_000), now: NOW, message: '404 yet' });
    expect(await statuses()).toEqual({ queued: 697, done: 2, not_found: 1, error: 0 });
    const retried = await claimLookups(s.db, { limit: 5, now: later(5_000), leaseUntil: later(65_000) });
    expect(retried.map((r) => [r.id, r.attempts])).toEqual([['gen-3', 2]]);
  });

  it('tracks sync state', async () => {
    await markSyncStarted(s.db, 'keys', NOW);
    await markSyncFailed(s.db, 'keys', 'OpenRouter 500');
    expect(await getSyncState(s.db, 'keys')).toMatchObject({
      lastStartedAt: NOW,
      lastOkAt: null,
      lastError: 'OpenRouter 500',
    });
    await markSyncOk(s.db, 'keys', later(1), 3);
    expect(await getSyncState(s.db, 'keys')).toMatchObject({ lastOkAt: later(1), lastError: null, rows: 3 });
  });
});
