import { describe, expect, it } from 'vitest';
import {
  KEY_LIMIT_402,
  PREFLIGHT_ACCOUNT_402,
  PREVIOUS_ERRORS_402,
  PY_REPR_402,
} from '../../../../test/fixtures/openrouter-errors.js';
import { explainError, type LiveAccount, parseErrorInput } from '../index.js';

const FETCHED = new Date('2026-03-10T12:00:00Z'); // a Tuesday

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
