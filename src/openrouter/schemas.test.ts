import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './error-body.js';
import { parseRetryAfter } from './resilience.js';
import {
  MalformedBodyError,
  parseActivity,
  parseCredits,
  parseCurrentKey,
  parseGeneration,
  parseJsonBody,
  parseKeyItem,
  parseModel,
  unwrapData,
} from './schemas.js';

describe('parsers', () => {
  it('accept numeric strings and keep unknown fields in raw', () => {
    const c = parseCredits({ total_credits: '835', total_usage: ' 775.944651377 ', org: 'x' });
    expect(c).toMatchObject({ totalCredits: 835, totalUsage: 775.944651377 });
    expect(c.raw?.org).toBe('x');
  });

  it('reject a non-numeric string and missing required fields', () => {
    expect(() => parseCredits({ total_credits: 'lots', total_usage: 1 })).toThrow(MalformedBodyError);
    expect(() => parseCredits({ total_credits: 1 })).toThrow(/total_usage/);
  });

  it('parse /key with nulls, the provisioning alias and extra fields', () => {
    const k = parseCurrentKey({
      label: 'sk-or-v1-au7...890',
      limit: null,
      limit_remaining: null,
      limit_reset: null,
      include_byok_in_limit: false,
      usage: '9.435468785',
      usage_daily: 1.18721232,
      is_free_tier: false,
      is_provisioning_key: true,
      expires_at: null,
      creator_user_id: null,
      free_model_daily_requests: { limit: 50 },
    });
    expect(k).toMatchObject({
      limit: null,
      limitRemaining: null,
      limitReset: null,
      usage: 9.435468785,
      usageWeekly: 0,
    });
    expect(k.isManagementKey).toBe(true);
    expect(k.raw.free_model_daily_requests).toEqual({ limit: 50 });
  });

  it('parse a key item, both timestamp forms', () => {
    const item = parseKeyItem({
      hash: 'f01d',
      name: 'My Production Key',
      label: 'sk-or-v1-0e6...1c96',
      disabled: 'false',
      limit: '100',
      usage: 25.5,
      created_at: '2025-02-19T20:52:27.363244+00:00',
      updated_at: null,
    });
    expect(item).toMatchObject({ hash: 'f01d', limit: 100, disabled: false, updatedAt: null, workspaceId: null });
  });

  it('parse activity rows with requests as floats and strings', () => {
    const rows = parseActivity([
      {
        date: '2025-08-24',
        model: 'openai/gpt-4.1',
        model_permaslug: 'openai/gpt-4.1-2025-04-14',
        endpoint_id: 'e',
        provider_name: 'OpenAI',
        usage: '0.015',
        byok_usage_inference: 0.012,
        requests: 5.0,
        prompt_tokens: '50',
        completion_tokens: 125,
        reasoning_tokens: 25,
        workspace_id: 'w',
      },
    ]);
    expect(rows[0]).toMatchObject({
      usage: 0.015,
      requests: 5,
      promptTokens: 50,
      modelPermaslug: 'openai/gpt-4.1-2025-04-14',
    });
    expect(rows[0]?.raw?.workspace_id).toBe('w');
    expect(() => parseActivity([{ date: '2025-08-24' }])).toThrow(MalformedBodyError);
    expect(() => parseActivity({ not: 'a list' })).toThrow(MalformedBodyError);
  });

  it('parse a trimmed real generation with nulls and missing nullable fields', () => {
    const body = parseJsonBody(
      '\n\n   {"data":{"latency":1643,"moderation_latency":null,"generation_time":3881,"provider_responses":[{"endpoint_id":"e1","is_byok":false,"latency":327,"model_permaslug":"google/gemini-2.5-flash-lite","provider_name":"Google","status":429},{"latency":1643,"provider_name":"Google AI Studio","status":"200"}],"api_type":"completions","id":"gen-1772030107-1FJRHH9DliPkfVmjcn64","upstream_id":null,"total_cost":0.0001402,"cache_discount":null,"upstream_inference_cost":0,"provider_name":"Google AI Studio","model":"google/gemini-2.5-flash-lite","created_at":"2026-08-29T17:34:43.565Z"}}',
    );
    const g = parseGeneration(unwrapData(body));
    expect(g).toMatchObject({
      totalCost: 0.0001402,
      usage: 0.0001402,
      cacheDiscount: null,
      isByok: false,
      streamed: null,
      tokensPrompt: null,
    });
    expect(g.providerResponses.map((p) => p.status)).toEqual([429, 200]);
    expect(g.providerResponses[1]?.modelPermaslug).toBeNull();
    expect(() => parseGeneration({ id: 'gen-1', model: 'm', created_at: 'x' })).toThrow(/total_cost/);
  });

  it('parse string prices, overrides and a missing request price', () => {
    const m = parseModel({
      id: 'google/gemini-2.5-pro',
      name: 'Gemini',
      context_length: 1048576,
      pricing: {
        prompt: '0.00000125',
        completion: '0.00001',
        input_cache_read: '0.00000031',
        overrides: [{ min_prompt_tokens: 200000, prompt: '0.0000025' }],
      },
    });
    expect(m.pricing).toMatchObject({
      prompt: 0.00000125,
      request: 0,
      discount: 0,
      inputCacheRead: 0.00000031,
      inputCacheWrite: null,
    });
    expect(m.pricing.overrides).toEqual([{ minPromptTokens: 200000, prompt: 0.0000025 }]);
    expect(m.canonicalSlug).toBe('google/gemini-2.5-pro');
  });

  it('reject bodies that are not JSON or have no data', () => {
    expect(() => parseJsonBody('<html>502</html>')).toThrow(MalformedBodyError);
    expect(() => parseJsonBody('   ')).toThrow(MalformedBodyError);
    expect(() => unwrapData({ result: 1 })).toThrow(MalformedBodyError);
  });

  it('read the error envelope and the doubly nested 402', () => {
    expect(parseErrorBody({ error: { code: 401, message: 'User not found.' } })).toEqual({
      code: 401,
      message: 'User not found.',
      metadata: undefined,
    });
    expect(
      parseErrorBody({
        error: { error: { message: 'More credits are required to run this request.', code: 402 }, code: 402 },
      }),
    ).toMatchObject({ code: 402, message: 'More credits are required to run this request.' });
    expect(
      parseErrorBody({ error: { code: '429', message: 'x', metadata: { headers: { a: '1' } } } })?.metadata,
    ).toEqual({ headers: { a: '1' } });
    expect(parseErrorBody({ nope: true })).toBeNull();
  });

  it('read Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-03-18T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 18 Mar 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 18 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
