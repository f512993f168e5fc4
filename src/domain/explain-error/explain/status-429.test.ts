import { describe, expect, it } from 'vitest';
import { FREE_DAILY_429 } from '../../../../test/fixtures/openrouter-errors.js';
import { explainError, parseErrorInput } from '../index.js';

const FETCHED = new Date('2026-03-10T12:00:00Z'); // a Tuesday

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
