/**
 * Conformance: the official `@openrouter/sdk` (1.3.19, pinned; its zod response schemas are generated
 * from OpenRouter's OpenAPI spec, reference §12 "`@openrouter/sdk`") runs against the bundled simulator
 * for every endpoint the bot calls. An SDK call that succeeds has validated the response with the SDK's
 * own schemas (a missing required field or a wrong type throws `ResponseValidationError`).
 */
import { OpenRouter } from '@openrouter/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_GENERATION_IDS,
  DEMO_INFERENCE_KEY,
  DEMO_KEYS,
  DEMO_MANAGEMENT_KEY,
  DEMO_RESEARCH_WORKSPACE_ID,
} from '../../src/openrouter/simulator/seed.js';
import { DEFAULT_WORKSPACE_ID, sha256Hex } from '../../src/openrouter/simulator/state.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
let inference: OpenRouter;
let management: OpenRouter;
beforeAll(async () => {
  or = await startTestOpenRouter();
  // No retries and a short timeout: the SDK's default retries for up to an hour (reference §12).
  const common = { serverURL: or.sim.url, retryConfig: { strategy: 'none' as const }, timeoutMs: 5_000 };
  inference = new OpenRouter({ ...common, apiKey: DEMO_INFERENCE_KEY });
  management = new OpenRouter({ ...common, apiKey: DEMO_MANAGEMENT_KEY });
});
afterAll(async () => {
  await or.close();
});

describe('@openrouter/sdk against the simulator (every response validates with the SDK schemas)', () => {
  it('credits.getCredits → GET /credits', async () => {
    const r = await management.credits.getCredits();
    expect(r.data.totalCredits).toBeGreaterThan(r.data.totalUsage);
  });

  it('apiKeys.getCurrentKeyMetadata → GET /key (allowed_data_regions, organization_id, workspace_id)', async () => {
    const r = await inference.apiKeys.getCurrentKeyMetadata();
    expect(r.data.label).toMatch(/^sk-or-v1-.{3}\.\.\..{4}$/);
    expect(r.data.allowedDataRegions).toEqual(['global']);
    expect(r.data.organizationId).toBeNull();
    expect(r.data.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
    expect(r.data.rateLimit.requests).toBe(-1);
  });

  it('apiKeys.list → GET /keys (default workspace, and workspace_id), with external_user', async () => {
    const plain = await management.apiKeys.list({ includeDisabled: true });
    expect(plain.data.map((k) => k.name).sort()).toEqual(['alice-dev', 'ci', 'old-prototype', 'production', 'staging']);
    const research = await management.apiKeys.list({ workspaceId: DEMO_RESEARCH_WORKSPACE_ID });
    expect(research.data.map((k) => k.externalUser).sort()).toEqual([null, 'partner-user-4821'].sort());
    expect(research.data.every((k) => k.workspaceId === DEMO_RESEARCH_WORKSPACE_ID)).toBe(true);
  });

  it('apiKeys.get → GET /keys/{hash}', async () => {
    const r = await management.apiKeys.get({ hash: sha256Hex(DEMO_KEYS.staging) });
    expect(r.data.name).toBe('staging');
  });

  it('apiKeys.update → PATCH /keys/{hash}', async () => {
    const hash = sha256Hex(DEMO_KEYS.aliceDev);
    const r = await management.apiKeys.update({ hash, requestBody: { limit: 120, limitReset: 'weekly' } });
    expect(r.data).toMatchObject({ hash, limit: 120, limitReset: 'weekly' });
  });

  it('workspaces.list → GET /workspaces', async () => {
    const r = await management.workspaces.list();
    expect(r.result.totalCount).toBe(2);
    expect(r.result.data.map((w) => w.slug)).toEqual(['default', 'research']);
  });

  it('analytics.getUserActivity → GET /activity (every workspace; permaslugs)', async () => {
    const r = await management.analytics.getUserActivity();
    expect(r.data.length).toBeGreaterThan(0);
    expect(r.data.some((row) => row.modelPermaslug === 'anthropic/claude-4.5-sonnet-20250929')).toBe(true);
    const split = await management.analytics.getUserActivity({ groupBy: 'workspace' });
    expect(new Set(split.data.map((row) => row.workspaceId)).size).toBe(2);
  });

  it('generations.getGeneration → GET /generation', async () => {
    const r = await inference.generations.getGeneration({ id: DEMO_GENERATION_IDS.cacheDiscount });
    expect(r.data.model).toBe('anthropic/claude-4.5-sonnet-20250929');
    expect(r.data.totalCost).toBeGreaterThan(0);
  });

  it('models.list → GET /models (text by default, every modality with output_modalities=all)', async () => {
    const text = await inference.models.list();
    const all = await inference.models.list({ outputModalities: 'all' });
    expect(all.result.data.length).toBe(text.result.data.length + 1);
    const sonnet = text.result.data.find((m) => m.id === 'anthropic/claude-sonnet-4.5');
    expect(sonnet?.canonicalSlug).toBe('anthropic/claude-4.5-sonnet-20250929');
  });

  it('control: the SDK does reject a /key body that lacks a required field (so the checks above can fail)', async () => {
    const good = (await (
      await fetch(`${or.sim.url}/key`, { headers: { authorization: `Bearer ${DEMO_INFERENCE_KEY}` } })
    ).json()) as { data: Record<string, unknown> };
    const { workspace_id: _dropped, ...withoutWorkspace } = good.data;
    or.sim.inject({ endpoint: '/key', status: 200, body: { data: withoutWorkspace } });
    await expect(inference.apiKeys.getCurrentKeyMetadata()).rejects.toThrow(/workspace_id|validat/i);
  });
});
