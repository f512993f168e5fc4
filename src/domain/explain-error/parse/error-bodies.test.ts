import { describe, expect, it } from 'vitest';
import {
  COMPLETION_FINISH_ERROR,
  FREE_DAILY_429,
  KEY_LIMIT_402,
  MANAGEMENT_ONLY_403,
  MID_STREAM_CHUNK,
  NESTED_402,
  PREFLIGHT_ACCOUNT_402,
  PREVIOUS_ERRORS_402,
  PY_REPR_402,
  USER_NOT_FOUND_401,
} from '../../../../test/fixtures/openrouter-errors.js';
import { parseErrorInput } from '../index.js';

describe('parseErrorInput: OpenRouter bodies', () => {
  it('reads the §8.3 pre-flight 402 pointing at account credits', () => {
    const p = parseErrorInput(PREFLIGHT_ACCOUNT_402);
    expect(p.status).toBe(402);
    expect(p.signals).toEqual(expect.arrayContaining(['can-only-afford', 'account-credits']));
    expect(p.signals).not.toContain('key-limit');
    expect(p.requestedTokens).toBe(16384);
    expect(p.affordableTokens).toBe(3919);
  });

  it('reads the §8.3 per-key-limit 402', () => {
    const p = parseErrorInput(KEY_LIMIT_402);
    expect(p.status).toBe(402);
    expect(p.signals).toEqual(expect.arrayContaining(['can-only-afford', 'key-limit']));
    expect(p.signals).not.toContain('account-credits');
    expect(p.requestedTokens).toBe(32000);
    expect(p.affordableTokens).toBe(0);
  });

  it('reads the doubly nested 402', () => {
    const p = parseErrorInput(NESTED_402);
    expect(p.status).toBe(402);
    expect(p.message).toContain('More credits are required');
    expect(p.requestedTokens).toBe(128000);
    expect(p.affordableTokens).toBe(19484);
    expect(p.signals).toContain('insufficient-credits');
  });

  it('reads a single-quoted Python-repr dict with limit_source and remedy_hint', () => {
    const p = parseErrorInput(PY_REPR_402);
    expect(p.status).toBe(402);
    expect(p.message).toBe('Insufficient credits. Add more using https://openrouter.ai/settings/credits');
    expect(p.limitSource).toBe('openrouter_credits');
    expect(p.remedyHint).toMatch(/^Add credits at/);
    expect(p.signals).toContain('account-credits');
    expect(p.metadata?.limit_source).toBe('openrouter_credits');
  });

  it('reads a Python-repr dict inside a log line, with True/None and an elided {...}', () => {
    const p = parseErrorInput(
      "2026-07-01 12:00:01 ERROR openai.APIStatusError: Error code: 402 - {'error': {'message': \"Can't: insufficient credits\", 'code': 402, 'metadata': {...}, 'retryable': True, 'x': None}}",
    );
    expect(p.status).toBe(402);
    expect(p.message).toBe("Can't: insufficient credits");
  });

  it('reads previous_errors of a fallback chain', () => {
    const p = parseErrorInput(PREVIOUS_ERRORS_402);
    expect(p.previousErrors).toEqual([
      { code: 402, message: 'Insufficient credits' },
      { code: 402, message: 'Insufficient credits' },
    ]);
    expect(p.providerName).toBeUndefined();
  });

  it('reads the free-tier 429 and its epoch-millisecond reset', () => {
    const p = parseErrorInput(FREE_DAILY_429);
    expect(p.status).toBe(429);
    expect(p.signals).toContain('free-models-per-day');
    expect(p.limitSource).toBe('openrouter_free_tier_daily');
    expect(p.rateLimit).toEqual({ limit: 50, remaining: 0, resetAt: new Date(1788825600000) });
    expect(p.rateLimit?.resetAt?.toISOString()).toBe('2026-09-08T00:00:00.000Z');
  });

  it('reads rate-limit and Retry-After headers pasted as text', () => {
    const p = parseErrorInput(
      'HTTP/1.1 429 Too Many Requests\nRetry-After: 30\nX-RateLimit-Reset: 1788825600000\n\nRate limit exceeded',
    );
    expect(p.status).toBe(429);
    expect(p.retryAfterSeconds).toBe(30);
    expect(p.rateLimit?.resetAt?.getTime()).toBe(1788825600000);
  });

  it('reads the 403 management-only body', () => {
    const p = parseErrorInput(MANAGEMENT_ONLY_403);
    expect(p.status).toBe(403);
    expect(p.signals).toContain('management-only');
  });

  it('reads a mid-stream SSE chunk', () => {
    const p = parseErrorInput(
      `data: {"id":"gen-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n${MID_STREAM_CHUNK}\n\ndata: [DONE]`,
    );
    expect(p.midStream).toBe(true);
    expect(p.status).toBe(429);
    expect(p.errorType).toBe('rate_limit_exceeded');
    expect(p.generationId).toBe('gen-1754553763-Fo6eODcuRTI4SOm6VCIQ');
    expect(p.signals).toEqual(expect.arrayContaining(['finish-reason-error', 'rate-limit']));
  });

  it('reads the reference’s elided SSE example (with … placeholders)', () => {
    const p = parseErrorInput(
      'data: {"id":"gen-…","object":"chat.completion.chunk",…,"error":{"code":429,"message":"…","metadata":{"error_type":"rate_limit_exceeded"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}',
    );
    expect(p.midStream).toBe(true);
    expect(p.status).toBe(429);
    expect(p.errorType).toBe('rate_limit_exceeded');
  });

  it('reads a whole completion with finish_reason "error"', () => {
    const p = parseErrorInput(COMPLETION_FINISH_ERROR);
    expect(p.midStream).toBe(true);
    expect(p.status).toBeUndefined();
    expect(p.generationId).toBe('gen-1754553999-AbCdEfGhIjKlMnOpQrSt');
  });

  it('finds JSON embedded in surrounding log text', () => {
    const p = parseErrorInput(
      `[2026-07-01T10:00:00Z] worker-3 request failed after 1.2s; body=${KEY_LIMIT_402} (will not retry)`,
    );
    expect(p.status).toBe(402);
    expect(p.signals).toContain('key-limit');
  });

  it('finds JSON nested under a log wrapper', () => {
    const p = parseErrorInput(
      JSON.stringify({ level: 'error', response: { status: 401, body: JSON.parse(USER_NOT_FOUND_401) } }),
    );
    expect(p.status).toBe(401);
    expect(p.signals).toContain('user-not-found');
  });

  it('reads code and message out of a truncated body', () => {
    const p = parseErrorInput(
      '{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/cre',
    );
    expect(p.status).toBe(402);
    expect(p.message).toMatch(/^Insufficient credits/);
  });

  it('treats an HTTP 200 status line with an error body as mid-stream', () => {
    const p = parseErrorInput('HTTP/1.1 200 OK\n{"error":{"code":502,"message":"Provider returned error"}}');
    expect(p.status).toBe(502);
    expect(p.midStream).toBe(true);
  });
});
