import { describe, expect, it } from 'vitest';
import { PROMPT_LIMIT_402_TEXT } from '../../../../test/fixtures/openrouter-errors.js';
import { parseErrorInput } from '../index.js';

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
