/**
 * 429: free-model caps per day and per minute, provider rate limits
 * (shared/reference/openrouter-api.md §8.5).
 * @module
 */
import { formatUsd } from '../../money.js';
import { FALLBACKS } from '../catalog/entry.js';
import { isNum } from '../live/numbers.js';
import { nextUtcMidnight } from '../live/reset-times.js';
import type { Explanation, LiveAccount, ParsedError } from '../types.js';
import { has } from './has-signal.js';

export function explain429(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const rl = p.rateLimit;
  const daily = has(p, 'free-models-per-day');
  const perMinute = has(p, 'free-models-per-minute');
  const provider =
    !daily && !perMinute && (p.errorType === 'rate_limit_exceeded' || p.providerName !== undefined) && !rl;
  if (daily) {
    out.title = '429 Too Many Requests: daily free-model cap reached';
    out.meaning =
      'The account used up its daily allowance of requests to `:free` models: 50 per day if less than $10 of credits was ever bought, 1000 per day from $10. It resets daily (midnight UTC).';
    out.causes = [
      'Too many requests to `:free` model variants today. Extra accounts or keys do not help: the limit is global per account.',
    ];
    out.fixes = [
      'Wait for the reset, or switch to a paid (non-`:free`) variant of the model, which has no platform request cap.',
      'Buy at least $10 of credits in total to raise the cap from 50 to 1000 free requests per day.',
    ];
  } else if (perMinute) {
    out.title = '429 Too Many Requests: free-model per-minute cap';
    out.meaning = '`:free` model variants allow 20 requests per minute.';
    out.causes = ['More than 20 requests per minute to `:free` models.'];
    out.retry = {
      advice: 'backoff',
      text: 'Wait a minute, then retry with backoff; keep under 20 requests per minute.',
    };
    out.fixes = ['Throttle to under 20 requests per minute, or use the paid variant of the model.'];
  } else if (provider) {
    out.title = `429 Too Many Requests: provider rate limit${p.providerName ? ` (${p.providerName})` : ''}`;
    out.meaning =
      'The upstream provider rate-limited the request. Paid models have no OpenRouter-side cap; OpenRouter already tries other providers when one returns 429.';
    out.causes = ['Provider capacity or per-account limits at the upstream provider.'];
    out.fixes = [FALLBACKS, 'Use your own provider key (BYOK) for the provider’s higher limits.'];
  } else {
    out.fixes = [
      'For `:free` models: wait for the reset, use the paid variant, or buy $10 of credits in total to get 1000 free requests per day.',
      FALLBACKS,
    ];
  }
  if (rl?.limit !== undefined || rl?.remaining !== undefined) {
    out.causes.push(
      `Rate-limit headers: limit ${rl.limit ?? '?'}, remaining ${rl.remaining ?? '?'}${rl.resetAt ? `, reset ${rl.resetAt.toISOString()}` : ''}.`,
    );
  }
  if (rl?.resetAt) {
    out.retry = {
      advice: 'at',
      text: `Retry after the limit resets at ${rl.resetAt.toISOString()} (X-RateLimit-Reset).`,
      at: rl.resetAt,
    };
  } else if (daily && live?.fetchedAt) {
    const at = nextUtcMidnight(live.fetchedAt);
    out.retry = { advice: 'at', text: 'Retry after the daily counter resets at midnight UTC.', at };
  } else if (daily) {
    out.retry = { advice: 'at', text: 'Retry after the daily counter resets (midnight UTC).' };
  }

  if (!live) return;
  if (daily || (!perMinute && !provider)) {
    if (isNum(live.totalCredits)) {
      if (live.totalCredits < 10) {
        const more = Math.max(0, 10 - live.totalCredits);
        out.live.push(
          `You have bought ${formatUsd(live.totalCredits)} of credits in total — under $10 — so the free-model cap is 50 requests per day. Buying ${formatUsd(more)} more raises it to 1000 per day.`,
        );
      } else {
        out.live.push(
          `You have bought ${formatUsd(live.totalCredits)} of credits in total ($10 or more), so your cap is already 1000 free-model requests per day; wait for the reset or use a paid variant.`,
        );
      }
    } else if (live.isFreeTier === true) {
      out.live.push(
        'GET /key says this account has never paid for credits, so the 50-per-day free-model cap applies; $10 of credits raises it to 1000.',
      );
    } else if (live.isFreeTier === false) {
      out.live.push(
        'GET /key says this account has paid for credits before; if it bought $10 or more in total, the cap is 1000 free-model requests per day.',
      );
    }
    if (rl?.limit === 50 || rl?.limit === 1000)
      out.live.push(`The error’s own header says your cap is ${rl.limit} per day.`);
  }
  if (isNum(live.balance) && live.balance < 0) {
    out.live.push(
      `The balance is negative (${formatUsd(live.balance)}): requests will get 402, even to free models, until credits are added.`,
    );
  }
}
