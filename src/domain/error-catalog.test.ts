import { describe, expect, it } from 'vitest';
import { explainError, KNOWN_STATUSES, type LiveAccount, parseErrorInput } from './error-catalog.js';
import {
  COMPLETION_FINISH_ERROR,
  FREE_DAILY_429,
  KEY_LIMIT_402,
  MANAGEMENT_ONLY_403,
  MID_STREAM_CHUNK,
  NESTED_402,
  NO_AUTH_401,
  PREFLIGHT_ACCOUNT_402,
  PREVIOUS_ERRORS_402,
  PROMPT_LIMIT_402_TEXT,
  PY_REPR_402,
  USER_NOT_FOUND_401,
} from './fixtures/openrouter-errors.js';

const FETCHED = new Date('2026-03-10T12:00:00Z'); // a Tuesday

/** mulberry32: a fixed-seed PRNG so the fuzz inputs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseErrorInput: status codes', () => {
  it.each([
    ['402', 402],
    [' 429 ', 429],
    ['http 429', 429],
    ['HTTP 502', 502],
    ['HTTP/1.1 503', 503],
    ['HTTP/1.1 503 Service Unavailable', 503],
    ['HTTP/2 524', 524],
    ['status: 413', 413],
    ['Error code: 402', 402],
    ['429 Too Many Requests', 429],
  ])('%s → %i, no message', (input, status) => {
    const p = parseErrorInput(input);
    expect(p.status).toBe(status);
    expect(p.message).toBeUndefined();
    expect(p.midStream).toBe(false);
  });

  it('does not take big numbers for a status', () => {
    expect(parseErrorInput('12000').status).toBeUndefined();
  });
});

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

describe('parseErrorInput: plain text', () => {
  it.each([
    ['Insufficient credits. Add more using https://openrouter.ai/credits', 402, 'insufficient-credits'],
    ['User not found.', 401, 'user-not-found'],
    ['No auth credentials found', 401, 'no-auth'],
    ['Rate limit exceeded: free-models-per-day', 429, 'free-models-per-day'],
    ['Only management keys can perform this operation', 403, 'management-only'],
    ['This request requires more credits … but can only afford 3919', 402, 'can-only-afford'],
    [PROMPT_LIMIT_402_TEXT, 402, 'prompt-tokens-limit'],
  ])('%s → %i (%s), inferred', (input, status, signal) => {
    const p = parseErrorInput(input);
    expect(p.status).toBe(status);
    expect(p.statusInferred).toBe(true);
    expect(p.signals).toContain(signal);
    expect(p.message).toBe(input);
  });

  it('reads the token numbers of plain texts', () => {
    expect(parseErrorInput('can only afford 3919').affordableTokens).toBe(3919);
    const p = parseErrorInput(PROMPT_LIMIT_402_TEXT);
    expect(p.requestedTokens).toBe(230799);
    expect(p.affordableTokens).toBe(91442);
    expect(p.signals).toContain('key-limit');
  });

  it('keeps an explicit status over a credits-sounding text', () => {
    const p = parseErrorInput('403 Forbidden: Insufficient credits');
    expect(p.status).toBe(403);
    expect(p.statusInferred).toBeUndefined();
    expect(p.signals).toContain('insufficient-credits');
  });
});

describe('parseErrorInput: hygiene and robustness', () => {
  it('masks secrets and caps the message at 500 characters', () => {
    const key = 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const p = parseErrorInput(
      JSON.stringify({ error: { code: 401, message: `Key ${key} rejected ${'x'.repeat(2000)}` } }),
    );
    expect(p.message).not.toContain('0123456789abcdef0123');
    expect(p.message).toContain('…cdef');
    expect(p.message?.length).toBeLessThanOrEqual(500);
    const q = parseErrorInput(`User not found. Authorization: Bearer ${key}`);
    expect(q.message).not.toContain(key);
  });

  it('masks secrets inside metadata', () => {
    const p = parseErrorInput(
      JSON.stringify({
        error: { code: 400, message: 'bad', metadata: { raw: 'sk-or-v1-aaaaaaaaaaaaaaaaaaaaaaaaaaaa1234' } },
      }),
    );
    expect(p.metadata?.raw).toBe('…1234');
  });

  it('handles empty, whitespace and garbage', () => {
    expect(parseErrorInput('')).toEqual({ midStream: false, signals: [] });
    expect(parseErrorInput('   \n\t ')).toEqual({ midStream: false, signals: [] });
    const garbage = "qwe{{{]]]}}}\"''\\".repeat(400).slice(0, 5000);
    expect(garbage.length).toBe(5000);
    const p = parseErrorInput(garbage);
    expect(p.signals).toEqual([]);
    expect(p.status).toBeUndefined();
  });

  it('handles binary input', () => {
    const bin = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    expect(() => parseErrorInput(bin)).not.toThrow();
    const p = parseErrorInput(`\u0000\u0001${NO_AUTH_401}\u0007`);
    expect(p.status).toBe(401);
    expect(p.signals).toContain('no-auth');
  });

  it('handles 100 KB and deeply nested JSON quickly', () => {
    const big = `${'x'.repeat(50_000)}${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deep = `${'{"a":'.repeat(50_000)}{"error":{"code":402,"message":"deep"}}${'}'.repeat(50_000)}`;
    const braces = '{'.repeat(100_000);
    const t0 = performance.now();
    for (const input of [big, deep, braces, '['.repeat(100_000), `{"error":"${'a'.repeat(100_000)}"}`]) {
      expect(() => parseErrorInput(input)).not.toThrow();
    }
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('does bounded work on regex-hostile inputs (no quadratic blow-up)', () => {
    const n = 100_000;
    const hostile = [
      'generation '.repeat(n / 11),
      '1,'.repeat(n / 2),
      '1'.repeat(n),
      `http${' '.repeat(n)}`,
      `status${' '.repeat(200)}`.repeat(n / 206),
      'data: {"error"\n'.repeat(n / 15),
      `{'a': '${'x'.repeat(n)}'`,
      '{"a":1}'.repeat(n / 7),
    ];
    for (const input of hostile) {
      const t0 = performance.now();
      parseErrorInput(input);
      expect(performance.now() - t0).toBeLessThan(1_000);
    }
  });

  it('never throws on 1,000 random strings from a fixed-seed PRNG', () => {
    const rand = prng(20260701);
    const alphabet =
      '{}[]":,\'\\ 0123456789abcdefxyz.-_\n\tdata:error code message 402 429 gen-…TrueNone\u0000\u00ff\ud800';
    const pieces = [MID_STREAM_CHUNK, PY_REPR_402, NESTED_402, FREE_DAILY_429, 'HTTP/1.1 ', 'can only afford '];
    for (let i = 0; i < 1_000; i++) {
      const len = Math.floor(rand() * 400);
      let s = '';
      for (let j = 0; j < len; j++) {
        if (rand() < 0.02) {
          const piece = pieces[Math.floor(rand() * pieces.length)] as string;
          s += piece.slice(0, Math.floor(rand() * piece.length));
        } else s += alphabet[Math.floor(rand() * alphabet.length)];
      }
      const p = parseErrorInput(s);
      expect(Array.isArray(p.signals)).toBe(true);
      expect(() =>
        explainError(p, { balance: rand() * 2 - 1, keyLimitRemaining: null, fetchedAt: FETCHED }),
      ).not.toThrow();
    }
  });

  it('survives non-string input at runtime', () => {
    expect(() => parseErrorInput(undefined as unknown as string)).not.toThrow();
    expect(() => parseErrorInput(402 as unknown as string)).not.toThrow();
  });
});

describe('explainError: catalog', () => {
  it('has an entry for every known status', () => {
    expect(KNOWN_STATUSES).toEqual([400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529]);
    for (const status of KNOWN_STATUSES) {
      const x = explainError({ status, midStream: false, signals: [] });
      expect(x.status).toBe(status);
      expect(x.title).toContain(String(status));
      expect(x.meaning.length).toBeGreaterThan(10);
      expect(x.retry.text.length).toBeGreaterThan(5);
      expect(x.live).toEqual([]);
    }
  });

  it('says 402 is insufficient credits and 403 never is', () => {
    expect(explainError({ status: 402, midStream: false, signals: [] }).meaning).toMatch(/not enough credit/);
    const x403 = explainError({ status: 403, midStream: false, signals: [] });
    expect(x403.meaning).toMatch(/never about credits/);
    expect(x403.meaning).toMatch(/402/);
  });

  it('tells a user with a credits-sounding 403 that the docs settled it', () => {
    const x = explainError(parseErrorInput('403 Forbidden — Insufficient credits'), { balance: 3, fetchedAt: FETCHED });
    expect(x.status).toBe(403);
    expect(x.causes[0]).toMatch(/docs settled it: insufficient credits is 402/);
    expect(x.fixes.join(' ')).toMatch(/explain 402/);
    expect(x.live).toContain('Account balance right now: $3.00.');
  });

  it('explains the management-only 403', () => {
    const x = explainError(parseErrorInput(MANAGEMENT_ONLY_403));
    expect(x.meaning).toMatch(/management key/);
    expect(x.fixes.join(' ')).toMatch(/settings\/management-keys/);
    expect(x.retry.advice).toBe('after-fix');
  });

  it('explains the two 401 texts', () => {
    expect(explainError(parseErrorInput(USER_NOT_FOUND_401)).meaning).toMatch(/invalid, deleted or disabled/);
    expect(explainError(parseErrorInput(NO_AUTH_401)).meaning).toMatch(/no `Authorization: Bearer …` header/);
    const rejected = explainError(parseErrorInput(USER_NOT_FOUND_401), { keyRejected: true });
    expect(rejected.live.join(' ')).toMatch(/rejected too/);
  });

  it('advises backoff and fallbacks for 5xx, 524 and 529', () => {
    for (const status of [500, 502, 503, 524, 529]) {
      const x = explainError({ status, midStream: false, signals: [] });
      expect(x.retry.advice).toBe('backoff');
      expect(x.fixes.join(' ')).toMatch(/fallback/i);
    }
  });

  it('uses Retry-After', () => {
    const x = explainError({ status: 503, midStream: false, signals: [], retryAfterSeconds: 20 });
    expect(x.retry.text).toMatch(/20 s/);
  });

  it('explains 413 as shrink the prompt and 404 generation lag', () => {
    expect(explainError({ status: 413, midStream: false, signals: [] }).fixes[0]).toMatch(/Shrink the prompt/);
    const gen = explainError(
      parseErrorInput(
        '404 {"error":{"code":404,"message":"Generation gen-1754553763-Fo6eODcuRTI4SOm6VCIQ not found"}}',
      ),
    );
    expect(gen.title).toMatch(/generation/);
    expect(gen.retry.advice).toBe('backoff');
    const model = explainError(
      parseErrorInput('{"error":{"code":404,"message":"No endpoints found for openai/gpt-9."}}'),
    );
    expect(model.title).toMatch(/model/);
  });

  it('explains mid-stream errors with zero completion insurance', () => {
    const x = explainError(parseErrorInput(MID_STREAM_CHUNK));
    expect(x.title).toMatch(/^Mid-stream error/);
    expect(x.meaning).toMatch(/HTTP status was 200/);
    expect(x.causes[0]).toMatch(/Zero completion insurance/);
    expect(x.causes[0]).toMatch(/not charged/);
    const whole = explainError(parseErrorInput(COMPLETION_FINISH_ERROR));
    expect(whole.status).toBeNull();
    expect(whole.retry.advice).toBe('backoff');
  });

  it('falls back for unknown input', () => {
    const x = explainError({ midStream: false, signals: [] });
    expect(x.status).toBeNull();
    expect(x.title).toBe('Unrecognised error');
    expect(explainError({ status: 418, midStream: false, signals: [] }).title).toBe('418 Client error');
  });
});

describe('explainError: 402 verdicts', () => {
  const live = (l: LiveAccount): LiveAccount => ({ fetchedAt: FETCHED, ...l });

  it('without live data, follows the message', () => {
    expect(explainError(parseErrorInput(KEY_LIMIT_402)).verdict).toBe('key-limit');
    expect(explainError(parseErrorInput(PY_REPR_402)).verdict).toBe('account-credits');
    expect(explainError(parseErrorInput('402')).verdict).toBe('unknown');
  });

  it('key-limit wording sends the user to settings/keys; account wording to settings/credits', () => {
    expect(explainError(parseErrorInput(KEY_LIMIT_402)).fixes.join(' ')).toMatch(/settings\/keys/);
    expect(explainError(parseErrorInput(PY_REPR_402)).fixes.join(' ')).toMatch(/settings\/credits/);
  });

  it('the pre-flight "can only afford N" says to lower max_tokens to N', () => {
    const x = explainError(parseErrorInput(PREFLIGHT_ACCOUNT_402));
    expect(x.causes[0]).toMatch(/key limit|account balance/);
    expect(x.causes.join(' ')).toMatch(/Pre-flight check against max_tokens.*16,384.*3,919/);
    expect(x.fixes.join(' ')).toMatch(/Lower max_tokens to at most 3,919/);
  });

  it('live: account balance exhausted', () => {
    const x = explainError(parseErrorInput('402'), live({ balance: 0.01, totalCredits: 20, keyLimit: null }));
    expect(x.verdict).toBe('account-credits');
    expect(x.live.join('\n')).toMatch(/Account balance: \$0\.01.*exhausted/);
    expect(x.fixes[0]).toMatch(/settings\/credits/);
  });

  it('live: negative balance counts as exhausted', () => {
    expect(explainError(parseErrorInput('402'), live({ balance: -0.4, keyLimit: null })).verdict).toBe(
      'account-credits',
    );
  });

  it('live: key limit exhausted, with the monthly reset as retry time', () => {
    const x = explainError(
      parseErrorInput(KEY_LIMIT_402),
      live({ balance: 12.5, keyLimit: 10, keyLimitRemaining: 0.001, keyLimitReset: 'monthly' }),
    );
    expect(x.verdict).toBe('key-limit');
    expect(x.retry.advice).toBe('at');
    expect(x.retry.at?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(x.live.join('\n')).toMatch(/key limit ran out while the account still has credits/);
  });

  it('live: weekly and daily key resets', () => {
    const weekly = explainError(
      parseErrorInput('402'),
      live({ balance: 5, keyLimit: 1, keyLimitRemaining: 0, keyLimitReset: 'weekly' }),
    );
    expect(weekly.retry.at?.toISOString()).toBe('2026-03-16T00:00:00.000Z'); // next Monday
    const daily = explainError(
      parseErrorInput('402'),
      live({ balance: 5, keyLimit: 1, keyLimitRemaining: 0, keyLimitReset: 'daily' }),
    );
    expect(daily.retry.at?.toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('live: both exhausted', () => {
    const x = explainError(parseErrorInput('402'), live({ balance: 0, keyLimit: 5, keyLimitRemaining: 0 }));
    expect(x.verdict).toBe('both');
    expect(x.fixes.join(' ')).toMatch(/settings\/credits.*settings\/keys/);
  });

  it('live: neither exhausted → pre-flight or since resolved', () => {
    const x = explainError(parseErrorInput(PREFLIGHT_ACCOUNT_402), live({ balance: 0.9, keyLimit: null }));
    expect(x.verdict).toBe('neither');
    expect(x.live.join('\n')).toMatch(/pre-flight check against max_tokens \(asked for 16,384, could afford 3,919\)/);
    expect(x.live.join('\n')).toMatch(/resolved since/);
    expect(x.fixes.join(' ')).toMatch(/max_tokens/);
  });

  it('live: balance unknown and key fine → unknown, falls back to the message', () => {
    expect(
      explainError(parseErrorInput('402'), live({ balance: null, keyLimit: 10, keyLimitRemaining: 8 })).verdict,
    ).toBe('unknown');
    expect(explainError(parseErrorInput(PY_REPR_402), live({ balance: null, keyLimit: null })).verdict).toBe(
      'account-credits',
    );
  });

  it('mentions fallback attempts and OpenRouter’s remedy hint', () => {
    expect(explainError(parseErrorInput(PREVIOUS_ERRORS_402)).causes.join(' ')).toMatch(
      /2 fallback attempt\(s\).*402, 402/,
    );
    expect(explainError(parseErrorInput(PY_REPR_402)).fixes.join(' ')).toMatch(/OpenRouter’s hint: Add credits/);
  });
});

describe('explainError: 429', () => {
  it('free-models-per-day: retry at the epoch-ms reset', () => {
    const x = explainError(parseErrorInput(FREE_DAILY_429));
    expect(x.title).toMatch(/daily free-model cap/);
    expect(x.retry.advice).toBe('at');
    expect(x.retry.at?.toISOString()).toBe('2026-09-08T00:00:00.000Z');
    expect(x.meaning).toMatch(/50 per day.*\$10.*1000 per day/);
  });

  it('free-models-per-day with live totalCredits under $10 says what to buy', () => {
    const x = explainError(parseErrorInput(FREE_DAILY_429), { totalCredits: 4, balance: 1, fetchedAt: FETCHED });
    expect(x.live[0]).toMatch(/\$4\.00.*under \$10.*50 requests per day\. Buying \$6\.00 more raises it to 1000/);
  });

  it('free-models-per-day with $10+ bought says 1000 applies', () => {
    const x = explainError(parseErrorInput('Rate limit exceeded: free-models-per-day'), {
      totalCredits: 25,
      fetchedAt: FETCHED,
    });
    expect(x.live[0]).toMatch(/already 1000/);
    expect(x.retry.at?.toISOString()).toBe('2026-03-11T00:00:00.000Z'); // next UTC midnight after fetchedAt
  });

  it('provider rate limit: backoff, OpenRouter falls back', () => {
    const x = explainError(
      parseErrorInput(
        '{"error":{"code":429,"message":"Rate limited","metadata":{"error_type":"rate_limit_exceeded","provider_name":"Together"}}}',
      ),
    );
    expect(x.title).toMatch(/provider rate limit \(Together\)/);
    expect(x.retry.advice).toBe('backoff');
    expect(x.meaning).toMatch(/tries other providers/);
  });

  it('plain 429 lists the 20/min and daily caps', () => {
    const x = explainError(parseErrorInput('429'));
    expect(x.causes.join(' ')).toMatch(/20 requests per minute/);
    expect(x.causes.join(' ')).toMatch(/50 per day/);
  });
});
