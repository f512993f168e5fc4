/**
 * The simulator behaves like OpenRouter where the first simulator did not (issue 12; reference
 * /work/shared/reference/openrouter-api.md §5, §6, §12): workspaces, default-workspace `/keys`,
 * permaslugs, datetime `/activity` dates, text-only `/models`, the extra `/key` fields, PATCH /keys and
 * the spend control.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_INFERENCE_KEY,
  DEMO_KEYS,
  DEMO_MANAGEMENT_KEY,
  DEMO_RESEARCH_WORKSPACE_ID,
} from '../../src/openrouter/simulator/seed.js';
import { DEFAULT_WORKSPACE_ID, sha256Hex } from '../../src/openrouter/simulator/state.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
beforeEach(async () => {
  or = await startTestOpenRouter();
});
afterEach(async () => {
  await or.close();
});

const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
  fetch(`${or.sim.url}${path}`, {
    ...init,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
  });
async function json<T>(r: Response | Promise<Response>): Promise<T> {
  return (await (await r).json()) as T;
}
type Rows = { data: Record<string, unknown>[] };

describe('OpenRouter simulator, as the real service behaves', () => {
  it('lists two workspaces; /keys shows the default one unless workspace_id is given', async () => {
    const ws = await json<{ data: { id: string; slug: string }[]; total_count: number }>(
      call('/workspaces', DEMO_MANAGEMENT_KEY),
    );
    expect(ws.total_count).toBe(2);
    expect(ws.data.map((w) => w.slug)).toEqual(['default', 'research']);
    expect((await call('/workspaces', DEMO_INFERENCE_KEY)).status).toBe(403);

    const plain = await json<Rows>(call('/keys?include_disabled=true', DEMO_MANAGEMENT_KEY));
    expect(plain.data.map((k) => k.name).sort()).toEqual(['alice-dev', 'ci', 'old-prototype', 'production', 'staging']);
    expect(plain.data.every((k) => k.workspace_id === DEFAULT_WORKSPACE_ID && 'external_user' in k)).toBe(true);
    const research = await json<Rows>(call(`/keys?workspace_id=${DEMO_RESEARCH_WORKSPACE_ID}`, DEMO_MANAGEMENT_KEY));
    expect(research.data.map((k) => k.name).sort()).toEqual(['research-batch', 'research-notebook']);
    expect(research.data.find((k) => k.name === 'research-notebook')?.external_user).toBe('partner-user-4821');
    expect((await call('/keys?workspace_id=not-a-uuid', DEMO_MANAGEMENT_KEY)).status).toBe(400);
  });

  it('/activity covers every workspace, splits by workspace on request, and writes some dates with 00:00:00', async () => {
    const all = await json<Rows>(call('/activity', DEMO_MANAGEMENT_KEY));
    const researchHash = sha256Hex(DEMO_KEYS.researchBatch);
    const research = await json<Rows>(call(`/activity?api_key_hash=${researchHash}`, DEMO_MANAGEMENT_KEY));
    expect(research.data.length).toBeGreaterThan(0);
    const sum = (rows: Rows) => rows.data.reduce((s, r) => s + Number(r.usage), 0);
    const only = await json<Rows>(call(`/activity?workspace_id=${DEMO_RESEARCH_WORKSPACE_ID}`, DEMO_MANAGEMENT_KEY));
    expect(sum(only)).toBeGreaterThanOrEqual(sum(research));
    expect(sum(all)).toBeGreaterThan(sum(only));
    const split = await json<Rows>(call('/activity?group_by=workspace', DEMO_MANAGEMENT_KEY));
    expect(new Set(split.data.map((r) => r.workspace_id))).toEqual(
      new Set([DEFAULT_WORKSPACE_ID, DEMO_RESEARCH_WORKSPACE_ID]),
    );
    expect(all.data.some((r) => 'workspace_id' in r)).toBe(false);
    const dates = all.data.map((r) => String(r.date));
    expect(dates.some((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{4}-\d{2}-\d{2} 00:00:00$/.test(d))).toBe(true);
    // Permaslugs are not always slug + date.
    const qwen = research.data.find((r) => r.model === 'qwen/qwen3-235b-a22b-2507');
    expect(qwen?.model_permaslug).toBe('qwen/qwen3-235b-a22b-07-25');
  });

  it('/models lists text models unless output_modalities=all, each with id and canonical_slug', async () => {
    type M = { data: { id: string; canonical_slug: string }[] };
    const text = await json<M>(call('/models', undefined));
    const all = await json<M>(call('/models?output_modalities=all', undefined));
    expect(text.data.some((m) => m.id === 'black-forest-labs/flux.2-pro')).toBe(false);
    expect(all.data.some((m) => m.id === 'black-forest-labs/flux.2-pro')).toBe(true);
    expect(all.data.length).toBe(text.data.length + 1);
    const sonnet = text.data.find((m) => m.id === 'anthropic/claude-sonnet-4.5');
    expect(sonnet?.canonical_slug).toBe('anthropic/claude-4.5-sonnet-20250929');
  });

  it('/key carries allowed_data_regions, free_model_daily_requests, organization_id and workspace_id', async () => {
    const key = await json<{ data: Record<string, unknown> }>(call('/key', DEMO_INFERENCE_KEY));
    expect(key.data).toMatchObject({
      allowed_data_regions: ['global'],
      free_model_daily_requests: { limit: 1000 },
      organization_id: null,
      workspace_id: DEFAULT_WORKSPACE_ID,
    });
  });

  it('PATCH /keys/{hash} changes name, limit and disabled (management key only); a disabled key gets 401', async () => {
    const hash = sha256Hex(DEMO_KEYS.staging);
    const patch = (body: unknown, key = DEMO_MANAGEMENT_KEY) =>
      call(`/keys/${hash}`, key, { method: 'PATCH', body: JSON.stringify(body) });
    const changed = await json<{ data: Record<string, unknown> }>(
      patch({ name: 'staging-2', limit: 80, limit_reset: 'daily' }),
    );
    expect(changed.data).toMatchObject({ hash, name: 'staging-2', limit: 80, limit_reset: 'daily' });
    expect((await patch({ limit: 'lots' })).status).toBe(400);
    expect((await patch({ limit_reset: 'yearly' })).status).toBe(400);
    expect((await patch({ name: 'x' }, DEMO_INFERENCE_KEY)).status).toBe(403);
    expect((await call(`/keys/${'0'.repeat(64)}`, DEMO_MANAGEMENT_KEY, { method: 'PATCH', body: '{}' })).status).toBe(
      404,
    );
    expect((await call(`/keys/${hash}`, DEMO_MANAGEMENT_KEY, { method: 'PATCH', body: '{nope' })).status).toBe(400);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await call('/key', DEMO_KEYS.staging)).status).toBe(401);
  });

  it('the spend control grows a key’s usage counters and the account total', async () => {
    const hash = sha256Hex(DEMO_KEYS.ci);
    const before = await json<{ data: { usage: number; usage_daily: number } }>(
      call(`/keys/${hash}`, DEMO_MANAGEMENT_KEY),
    );
    const credits = await json<{ data: { total_usage: number } }>(call('/credits', DEMO_MANAGEMENT_KEY));
    or.sim.spend(hash, 2.5);
    const after = await json<{ data: { usage: number; usage_daily: number } }>(
      call(`/keys/${hash}`, DEMO_MANAGEMENT_KEY),
    );
    const credits2 = await json<{ data: { total_usage: number } }>(call('/credits', DEMO_MANAGEMENT_KEY));
    expect(after.data.usage - before.data.usage).toBeCloseTo(2.5, 9);
    expect(after.data.usage_daily - before.data.usage_daily).toBeCloseTo(2.5, 9);
    expect(credits2.data.total_usage - credits.data.total_usage).toBeCloseTo(2.5, 9);
    expect(() => or.sim.spend('0'.repeat(64), 1)).toThrow(/no key/);
  });
});
