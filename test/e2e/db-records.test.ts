import { expect, it } from 'vitest';
import { insertAudit, pruneAudit, recentAudit } from '../../src/db/queries/audit.js';
import { cachedGenerationIds, getCachedGeneration, saveGeneration } from '../../src/db/queries/generations.js';
import {
  claimLookups,
  completeLookup,
  enqueueLookups,
  insertRequestLogs,
  lookupCounts,
  requestLogsByBatch,
} from '../../src/db/queries/request-logs.js';
import { getSyncState, markSyncFailed, markSyncOk, markSyncStarted } from '../../src/db/queries/sync-state.js';
import type { Generation } from '../../src/openrouter/types.js';
import { describeEachBackend } from '../support/db.js';

const NOW = new Date('2026-03-18T12:00:00Z');
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
    const base = {
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      userId: 'U1',
      command: 'balance',
      args: '',
      outcome: 'ok' as const,
      latencyMs: 12,
      error: null,
    };
    await insertAudit(s.db, { ...base, at: later(-86_400_000 * 100) });
    await insertAudit(s.db, { ...base, command: 'usage', args: '7d by key', at: later(-1000) });
    await insertAudit(s.db, { ...base, command: 'explain', args: 'sk-or-…abcd', outcome: 'user_error' });
    const recent = await recentAudit(s.db, 2);
    expect(recent.map((r) => r.command)).toEqual(['explain', 'usage']);
    expect(recent[0]?.at).toBeInstanceOf(Date);
    expect(await pruneAudit(s.db, later(-86_400_000 * 90))).toBe(1);
    await expect(insertAudit(s.db, { ...base, outcome: 'weird' as 'ok' })).rejects.toThrow();
  });

  it('stores request logs in batches and queues each unknown generation once', async () => {
    const lines = Array.from({ length: 1_500 }, (_, i) => ({
      requestId: `gen-${i % 700}`,
      source: 'cli' as const,
      batchId: 'b1',
      lineNo: i + 1,
      ts: i === 0 ? null : later(i),
      model: 'openai/gpt-4.1',
      tokensIn: 10,
      tokensOut: 5,
      cost: i === 1 ? null : 0.0001,
      tag: null,
      extra: i === 2 ? { team: 'search' } : null,
    }));
    expect(await insertRequestLogs(s.db, lines)).toBe(1_500);
    const stored = await requestLogsByBatch(s.db, 'b1');
    expect(stored).toHaveLength(1_500);
    expect(stored[2]).toMatchObject({ lineNo: 3, extra: { team: 'search' } });

    await saveGeneration(s.db, { ...generation, id: 'gen-5' }, NOW);
    const ids = lines.map((l) => l.requestId);
    expect(await enqueueLookups(s.db, ids, NOW)).toBe(699);
    expect(await enqueueLookups(s.db, ids, NOW)).toBe(0);

    const [a, b] = await Promise.all([
      claimLookups(s.db, { n: 400, now: NOW }),
      claimLookups(s.db, { n: 400, now: NOW }),
    ]);
    const claimed = [...a, ...b].map((r) => r.id);
    expect(claimed).toHaveLength(699);
    expect(new Set(claimed).size).toBe(699);
    expect(await claimLookups(s.db, { n: 10, now: later(1000) })).toEqual([]);

    await completeLookup(s.db, { id: 'gen-1', status: 'done', now: NOW });
    await completeLookup(s.db, { id: 'gen-2', status: 'not_found', now: NOW });
    await completeLookup(s.db, { id: 'gen-3', status: 'queued', now: NOW, error: '404 yet', retryAt: later(5_000) });
    expect(await lookupCounts(s.db)).toEqual({ queued: 697, done: 1, not_found: 1, error: 0 });
    const retried = await claimLookups(s.db, { n: 5, now: later(5_000) });
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
